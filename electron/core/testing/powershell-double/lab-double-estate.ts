import { ContractError } from '../../../../shared/contract/errors.ts';
import type { Vm } from '../../../../shared/model/estate.ts';
import type { HostInventory } from '../../../../shared/model/host-usage.ts';
import { recoveryPointName } from '../../backends/lab/lab-backend.ts';
import type { LabSimulation } from '../../backends/lab/simulation.ts';
import type { ClockPort } from '../../ports.ts';
import type { JsonObject } from '../../backends/powershell/argument-encoding.ts';
import type { RemoteOperation } from '../../backends/powershell/script-catalog.ts';
import type { DoubleEstate, EmulatedOperation } from './double-hub.ts';

/**
 * The lab simulation as the double's estate: reads are its live world, changes go through its
 * engines, and a change's answer waits until the change completes, as a cmdlet blocks until Hyper-V
 * is done. With `time: 'self'` the double steps the simulated clock itself while it waits; with
 * 'external' a test's driver owns the clock (it sees the wait in DoubleHub.blockedLines()), so
 * the whole estate, and every timer set on it, moves on one timeline. Faults are the simulation's
 * own, including its backend-timeout. With `live`, the estate first runs up to that clock's time
 * before each answer, as hosts live on while nobody asks them anything.
 */
export function labDoubleEstate(sim: LabSimulation, options: { time?: 'self' | 'external'; live?: Pick<ClockPort, 'now'> } = {}): DoubleEstate {
  const world = sim.world;
  const vmOn = (host: HostInventory, name: unknown): Vm => {
    for (const id of world.vmsByHost.get(host.id) ?? []) {
      const vm = world.vms.get(id);
      if (vm && vm.name === name) return vm;
    }
    throw new ContractError('not-found', `Hyper-V was unable to find a virtual machine with name "${String(name)}".`, String(name));
  };
  const settle = async (promise: Promise<unknown>) => {
    if (options.time === 'external') { await promise; return; }
    let done = false;
    let failure: unknown = null;
    promise.then(() => { done = true; }, (error: unknown) => { done = true; failure = error ?? new Error('failed'); });
    const limit = sim.now + 3_600_000;
    await Promise.resolve();
    while (!done && sim.now < limit) {
      sim.runFor(500);
      await new Promise((r) => setImmediate(r));
    }
    if (failure) throw failure;
    if (!done) throw new ContractError('timeout', 'The operation did not finish within an hour of simulated time.');
  };
  const replicaOf = (v: Vm) => {
    const rel = sim.replication.targetOf(v.id);
    if (!rel) throw new ContractError('invalid-state', `'${v.name}' is not a Replica virtual machine; recovery points exist only on the Replica server.`, v.name);
    return rel;
  };
  /** -VMRecoverySnapshot names a point Get-VMSnapshot listed; none means the latest. */
  const pointNamed = (v: Vm, name: unknown) => {
    if (typeof name !== 'string' || name === '') return null;
    const point = replicaOf(v).points.find((p) => recoveryPointName(v.name, p) === name);
    if (!point) throw new ContractError('not-found', `Unable to find a snapshot matching the name "${name}".`, v.name);
    return point;
  };
  return {
    beforeAnswer() {
      const now = options.live?.now();
      if (now !== undefined && now > sim.now) sim.runUntil(now);
    },
    recoveryPoints(host, vmName) {
      const v = vmOn(host, vmName);
      return replicaOf(v).points.map((p) => ({
        Name: recoveryPointName(v.name, p), VMName: v.name,
        SnapshotType: p.appConsistent ? 'AppConsistentReplica' as const : 'Replica' as const, CreationTime: p.at,
      }));
    },
    takeTimeout: (vmName) => sim.faults.takeTimeout(vmName),
    after: (ms) => settle(new Promise<void>((resolve) => { sim.world.queue.after(ms, resolve); })),
    read() {
      return { sites: [...world.sites.values()], clusters: [...world.clusters.values()], hosts: [...world.hosts.values()], vms: [...world.vms.values()], now: sim.now, migrating: world.migrating };
    },
    async act(operation: RemoteOperation | EmulatedOperation, host: HostInventory, args: JsonObject) {
      const vm = () => vmOn(host, args.vmName);
      const relationship = (v: Vm) => sim.replication.targetOf(v.id) ?? sim.replication.sourcesOf(v.id)[0];
      switch (operation) {
        case 'start-vmfailover':
          if (args.prepare === true) return settle(sim.failover.prepare(vm()));
          return settle(sim.failover.start(vm(), { asTest: args.asTest === true, point: pointNamed(vm(), args.recoverySnapshotName) }));
        case 'stop-vmfailover': return settle(sim.failover.stop(vm()));
        case 'complete-vmfailover': return settle(sim.failover.complete(vm()));
        case 'reverse-vmreplication': {
          const v = vm();
          const extension = args.removeExtended === true ? sim.failover.extensionOf(v) : undefined;
          if (extension) sim.replication.removeExtended(extension);
          return settle(sim.failover.reverse(v));
        }
        // Remove-VMReplication -ReplicationRelationshipType Extended (the emulation's cmdlet; the double
        // does it inside 'reverse-vmreplication' as the script does).
        case 'remove-vmreplication': {
          const v = vm();
          const extension = sim.failover.extensionOf(v);
          if (!extension) throw new ContractError('invalid-state', `'${v.name}' has no extended replication on ${host.name}.`, v.name);
          sim.replication.removeExtended(extension);
          return;
        }
        case 'start-vm': return settle(sim.power.start(vm()));
        case 'stop-vm': return settle(sim.power.stop(vm(), args.turnOff === true));
        case 'suspend-vmreplication': case 'resume-vmreplication': {
          const v = vm();
          if (operation === 'resume-vmreplication' && args.continue === true) return settle(sim.failover.continueExtended(v));
          const rel = relationship(v);
          if (!rel) throw new ContractError('invalid-state', `Replication is not enabled for virtual machine '${v.name}'.`, v.name);
          if (operation === 'suspend-vmreplication') sim.replication.suspend(rel); else sim.replication.resume(rel, args.resynchronize === true);
          return;
        }
        case 'set-vmreplication': {
          // Set-VMReplication changes the relationship this copy is the primary of.
          const v = vm();
          const rel = sim.replication.sourcesOf(v.id)[0];
          if (!rel) throw new ContractError('invalid-state', `'${v.name}' is a Replica virtual machine with no extended replication; change its replication settings on the primary server.`, v.name);
          sim.replication.setFrequency(rel, Number(args.replicationFrequencySec));
          return;
        }
        default:
          throw new ContractError('backend', `The double does not model ${operation} yet.`);
      }
    },
  };
}
