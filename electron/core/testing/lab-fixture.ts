import type { Vm } from '../../../shared/model/estate.ts';
import { manualClock } from './memory-ports.ts';
import type { VmTarget } from '../backends/backend-port.ts';
import { createLabBackend, type LabBackend } from '../backends/lab/lab-backend.ts';
import { LabSimulation } from '../backends/lab/simulation.ts';

export const LAB_TEST_START = Date.UTC(2026, 10, 25, 3);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A lab stepped by hand (its time driver never starts), for tests and benchmarks. */
export function labFixture(options: { seed?: number; vmCount?: number } = {}) {
  const sim = new LabSimulation({ seed: options.seed ?? 7, vmCount: options.vmCount ?? 60, startTime: LAB_TEST_START });
  const backend: LabBackend = createLabBackend(sim, manualClock(0), 'pause');
  const world = sim.world;
  const hostName = (vm: Vm) => world.hosts.get(vm.hostId)!.name;
  return {
    sim, backend, world,
    /** Runs the lab long enough for an operation to finish, then hands its result back. */
    async settle<T>(operation: Promise<T>, ms = 10 * MINUTE): Promise<T> {
      sim.runFor(ms);
      return operation;
    },
    /** The copies of one replicated VM: primary, replica, extended replica. */
    copiesOf(name: string) {
      const primary = [...world.vms.values()].find((v) => v.name === name && v.replication?.mode === 'Primary')!;
      const all = world.copies(primary.vmId);
      return {
        primary,
        replica: all.find((v) => v.replication?.mode === 'Replica')!,
        extended: all.find((v) => v.replication?.mode === 'ExtendedReplica')!,
      };
    },
    hostName,
    /** -ComputerName for the replica side: the Replica Broker of its cluster, as scripts use it. */
    onBroker(vm: Vm): VmTarget {
      return { vmName: vm.name, computerName: world.clusters.get(vm.clusterId)!.replicaBroker! };
    },
    onHost(vm: Vm): VmTarget {
      return { vmName: vm.name, computerName: hostName(vm) };
    },
    firstReplicated(tier: 0 | 1 | 2): Vm {
      return [...world.vms.values()].find((v) => v.tier === tier && v.replication?.mode === 'Primary')!;
    },
  };
}
