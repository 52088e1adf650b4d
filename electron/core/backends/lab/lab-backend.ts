import type { Vm } from '../../../../shared/model/estate.ts';
import type { LabSpeed } from '../../../../shared/model/lab.ts';
import { ContractError } from '../../../../shared/contract/errors.ts';
import type { SourcePatch } from '../estate-source.ts';
import type { HostInventory } from '../../../../shared/model/host-usage.ts';
import type { ClockPort } from '../../ports.ts';
import type { LabControl } from '../lab-port.ts';
import type {
  BackendEvent, ClusterGroupInfo, ClusterNodeInfo, HyperVBackend, MigrationJobInfo, StartVMFailoverOptions,
  VMHostInfo, VMInfo, VMRecoverySnapshot, VMReplicationInfo, VMReplicationMeasure, VmTarget,
} from '../backend-port.ts';
import { hostSwitches, testSwitchOf } from './lab-network.ts';
import { fqdnOf } from './lab-world.ts';
import type { RecoveryPoint, Relationship } from './replication-relationship.ts';
import type { LabSimulation } from './simulation.ts';
import { TimeDriver } from './time-driver.ts';

/** A call that hangs (backend-timeout fault) is given up after this much simulated time. */
const CALL_TIMEOUT_MS = 60_000;

/** The lab behind the port, with its controls (lab-port.ts) and the simulation it runs. */
export type LabBackend = HyperVBackend & LabControl & { readonly simulation: LabSimulation };

export function isLabControl(source: unknown): source is LabBackend {
  return typeof source === 'object' && source !== null && 'simulation' in source && 'injectFault' in source;
}

/**
 * The lab behind the backend port: cmdlet-shaped answers and cmdlet-like refusals, on the simulated
 * clock. Long operations resolve when the simulation reaches their end, so a paused lab leaves them
 * pending, exactly as a real cmdlet waits for its host.
 */
export function createLabBackend(sim: LabSimulation, clock: ClockPort, initialSpeed: LabSpeed = 1): LabBackend {
  const world = sim.world;
  const listeners = new Set<(events: BackendEvent[]) => void>();
  let onPatches: ((patches: SourcePatch[]) => void) | null = null;
  const driver = new TimeDriver(clock, sim, () => publish(), initialSpeed);

  function publish(): void {
    if (!onPatches) return;
    const patches = sim.flushPatches();
    patches.push({ op: 'clock', value: { source: 'lab', now: sim.now, speed: driver.clockSpeed } });
    onPatches(patches);
    const events = sim.drainEvents();
    if (events.length > 0) for (const listener of listeners) listener(events);
  }

  /** Runs one backend call: applies a pending timeout fault, publishes what it changed. */
  function call<T>(label: string, vmName: string | undefined, run: () => T | Promise<T>): Promise<T> {
    let result: Promise<T>;
    try {
      result = Promise.resolve(run());
    } catch (error) {
      result = Promise.reject(error);
    }
    publish();
    result.then(publish, publish);
    if (sim.faults.takeTimeout(vmName)) {
      result.catch(() => {});
      return new Promise<T>((_resolve, reject) => {
        world.queue.after(CALL_TIMEOUT_MS, () => reject(new ContractError('timeout',
          `${label}${vmName ? ` for '${vmName}'` : ''} did not answer within ${CALL_TIMEOUT_MS / 1000} s; the operation may still be running on the host.`, vmName)));
      });
    }
    return result;
  }

  function hostOrBroker(computerName: string): { host?: HostInventory; hostIds: string[] } {
    const host = world.findHost(computerName);
    if (host) return { host, hostIds: [host.id] };
    const cluster = world.findBrokerCluster(computerName) ?? world.findCluster(computerName);
    if (cluster) return { hostIds: cluster.hostIds };
    throw new ContractError('not-found', `The computer '${computerName}' could not be found. Check the host or Replica Broker name.`, computerName);
  }

  function resolveVm(target: VmTarget): Vm {
    const { hostIds } = hostOrBroker(target.computerName);
    const wanted = target.vmName.toLowerCase();
    for (const hostId of hostIds) {
      for (const id of world.vmsByHost.get(hostId) ?? []) {
        const vm = world.vms.get(id)!;
        if (vm.name.toLowerCase() === wanted) return vm;
      }
    }
    throw new ContractError('not-found', `Hyper-V was unable to find a virtual machine with name "${target.vmName}" on ${target.computerName}.`, target.vmName);
  }

  function resolveNode(name: string): HostInventory {
    const host = world.findHost(name);
    if (!host) throw new ContractError('not-found', `The cluster node '${name}' was not found.`, name);
    return host;
  }

  function vmInfo(vm: Vm): VMInfo {
    return {
      Name: vm.name, VMId: vm.vmId, ComputerName: world.hosts.get(vm.hostId)!.name,
      State: vm.state, Heartbeat: vm.heartbeat, ProcessorCount: vm.cpuCount, MemoryStartup: vm.memoryBytes,
      OperationalStatus: world.migrating.has(vm.id) ? 'MigratingVirtualMachine' : 'Ok',
      ReplicationMode: vm.replication?.mode ?? 'None',
      ReplicationState: vm.replication?.state ?? 'Disabled',
      ReplicationHealth: vm.replication?.health ?? 'NotApplicable',
    };
  }

  function hostInfo(host: HostInventory): VMHostInfo {
    return {
      Name: host.name, LogicalProcessorCount: host.logicalProcessors, MemoryCapacity: host.memoryBytes,
      MaximumVirtualMachineMigrations: host.maxVmMigrations, MaximumStorageMigrations: host.maxStorageMigrations,
      VirtualMachineMigrationEnabled: true, VirtualMachineMigrationPerformanceOption: host.migrationPerformance,
    };
  }

  function nodeInfo(host: HostInventory): ClusterNodeInfo {
    return {
      Name: host.name, Cluster: world.clusters.get(host.clusterId)!.name, State: host.state,
      DrainStatus: sim.migration.drainStatus.get(host.id) ?? 'NotInitiated',
    };
  }

  function groupInfo(vm: Vm): ClusterGroupInfo {
    const host = world.hosts.get(vm.hostId)!;
    return {
      Name: vm.name, Cluster: world.clusters.get(vm.clusterId)!.name, OwnerNode: host.name,
      State: host.state === 'Down' ? 'Failed' : vm.state === 'Off' || vm.state === 'Saved' ? 'Offline' : vm.state === 'Running' ? 'Online' : 'Pending',
      Priority: vm.priority, GroupType: 'VirtualMachine',
    };
  }

  /** Relationships a VM copy takes part in, with the side it is on. */
  function relationshipsOf(vm: Vm): { rel: Relationship; asSource: boolean }[] {
    const out = sim.replication.sourcesOf(vm.id).map((rel) => ({ rel, asSource: true }));
    const asTarget = sim.replication.targetOf(vm.id);
    if (asTarget) out.unshift({ rel: asTarget, asSource: false });
    if (out.length === 0) {
      throw new ContractError('invalid-state', `Replication is not enabled for virtual machine '${vm.name}' on ${world.hosts.get(vm.hostId)!.name}.`, vm.name);
    }
    return out;
  }

  function replicationRow(vm: Vm, rel: Relationship, asSource: boolean): VMReplicationInfo {
    const rep = asSource ? sim.replication.sourceRep(rel) : sim.replication.targetRep(rel);
    const target = world.vms.get(rel.targetId)!;
    return {
      VMName: vm.name, VMId: vm.vmId, ComputerName: world.hosts.get(vm.hostId)!.name,
      ReplicationMode: rep.mode, RelationshipType: rel.kind === 'simple' ? 'Simple' : 'Extended',
      ReplicationState: rep.state, ReplicationHealth: rep.health, ReplicationFrequencySec: rep.frequencySec,
      PrimaryServerName: rep.primaryServer, ReplicaServerName: rep.replicaServer,
      CurrentReplicaServerName: fqdnOf(world.hosts.get(target.hostId)!.name),
      // The replica's own record is refreshed sparingly for the estate stream; the cmdlet reports the
      // last arrival exactly, which is the same moment the primary records.
      LastReplicationTime: asSource ? rep.lastReplicationTime : sim.replication.sourceRep(rel).lastReplicationTime ?? rep.lastReplicationTime,
    };
  }

  function replicaRelationship(vm: Vm): Relationship {
    const rel = sim.replication.targetOf(vm.id);
    if (!rel) throw new ContractError('invalid-state', `'${vm.name}' on ${world.hosts.get(vm.hostId)!.name} is not a Replica virtual machine; recovery points exist only on the Replica server.`, vm.name);
    return rel;
  }

  function snapshots(vm: Vm, rel: Relationship): { snapshot: VMRecoverySnapshot; point: RecoveryPoint }[] {
    return rel.points.map((point) => ({
      point,
      snapshot: {
        Name: recoveryPointName(vm.name, point), VMName: vm.name,
        SnapshotType: point.appConsistent ? 'AppConsistentReplica' : 'Replica', CreationTime: point.at,
      },
    }));
  }

  const backend: LabBackend = {
    info: { kind: 'lab', description: sim.description, seed: sim.seed },
    simulation: sim,
    // Waits are simulated time: they end when the simulation reaches them, at whatever speed it runs.
    clock: {
      now: () => sim.world.queue.now,
      sleep: (ms) => new Promise((resolve) => { sim.world.queue.after(Math.max(0, ms), resolve); }),
    },

    async load() {
      const inventory = sim.inventory();
      return { ...inventory, clock: { source: 'lab', now: sim.now, speed: driver.clockSpeed } };
    },
    start(listener) {
      onPatches = listener;
      driver.start();
    },
    async dispose() {
      driver.stop();
      onPatches = null;
      listeners.clear();
    },
    onEvents(listener) {
      listeners.add(listener);
      return () => { listeners.delete(listener); };
    },
    siteReach() {
      // The console is not in any lab data center: a site is out of reach when none of its hosts is up.
      return [...world.sites.values()].map((site) => {
        const hosts = [...world.hosts.values()].filter((h) => h.siteId === site.id);
        const up = hosts.filter((h) => h.state !== 'Down').length;
        if (up === 0) return { siteId: site.id, state: 'lost' as const, problem: `No host at ${site.name} answers.` };
        if (up < hosts.length) return { siteId: site.id, state: 'degraded' as const, problem: `${hosts.length - up} of ${hosts.length} hosts at ${site.name} are down.` };
        return { siteId: site.id, state: 'connected' as const, problem: null };
      });
    },

    // Lab controls -----------------------------------------------------------------------------------
    status() {
      return {
        seed: sim.seed, now: sim.now, speed: driver.speed, eventCount: sim.eventCount,
        faults: sim.faults.list(), links: sim.links(), recentEvents: world.log.recent(50),
      };
    },
    setSpeed(speed) {
      driver.setSpeed(speed);
      world.event('lab.speed', 'info', `Lab speed set to ${speed === 'pause' ? 'paused' : speed === 'max' ? 'as fast as possible' : `${speed}×`}.`);
      publish();
      return backend.status();
    },
    injectFault(spec) {
      const fault = sim.faults.inject(spec);
      publish();
      return fault;
    },
    clearFault(id) {
      sim.faults.clear(id);
      publish();
      return backend.status();
    },

    // Inventory ------------------------------------------------------------------------------------
    getVM(query = {}) {
      return call('Get-VM', query.vmName, () => {
        const hostIds = query.computerName ? hostOrBroker(query.computerName).hostIds : [...world.hosts.keys()];
        const wanted = query.vmName?.toLowerCase();
        const out: VMInfo[] = [];
        for (const hostId of hostIds) {
          for (const id of world.vmsByHost.get(hostId) ?? []) {
            const vm = world.vms.get(id)!;
            if (!wanted || vm.name.toLowerCase() === wanted) out.push(vmInfo(vm));
          }
        }
        if (wanted && out.length === 0) {
          throw new ContractError('not-found', `Hyper-V was unable to find a virtual machine with name "${query.vmName}".`, query.vmName);
        }
        return out;
      });
    },
    getVMHost(computerName) {
      return call('Get-VMHost', undefined, () => hostInfo(resolveNode(computerName)));
    },
    getClusterNode(clusterName) {
      return call('Get-ClusterNode', undefined, () => {
        const cluster = world.findCluster(clusterName);
        if (!cluster) throw new ContractError('not-found', `The cluster '${clusterName}' was not found.`, clusterName);
        return cluster.hostIds.map((id) => nodeInfo(world.hosts.get(id)!));
      });
    },
    getClusterGroup(clusterName) {
      return call('Get-ClusterGroup', undefined, () => {
        const cluster = world.findCluster(clusterName);
        if (!cluster) throw new ContractError('not-found', `The cluster '${clusterName}' was not found.`, clusterName);
        const groups: ClusterGroupInfo[] = [];
        for (const hostId of cluster.hostIds) for (const id of world.vmsByHost.get(hostId) ?? []) groups.push(groupInfo(world.vms.get(id)!));
        if (cluster.replicaBroker) {
          groups.push({
            Name: cluster.replicaBroker, Cluster: cluster.name, OwnerNode: world.hosts.get(cluster.hostIds[0]!)!.name,
            State: world.brokerDown.has(cluster.id) ? 'Failed' : 'Online', Priority: 'High', GroupType: 'VMReplicaBroker',
          });
        }
        return groups;
      });
    },

    // Replication ----------------------------------------------------------------------------------
    getVMReplication(target) {
      return call('Get-VMReplication', target.vmName, () => {
        const vm = resolveVm(target);
        return relationshipsOf(vm).map(({ rel, asSource }) => replicationRow(vm, rel, asSource));
      });
    },
    measureVMReplication(target) {
      return call('Measure-VMReplication', target.vmName, () => {
        const vm = resolveVm(target);
        return relationshipsOf(vm).map(({ rel, asSource }): VMReplicationMeasure => {
          sim.replication.refreshHealth(rel);
          return {
            ...replicationRow(vm, rel, asSource),
            PendingReplicationSize: asSource ? Math.round(sim.replication.pendingBytes(rel)) : 0,
            AverageReplicationSize: rel.successes > 0 ? Math.round(rel.sizeSum / rel.successes) : 0,
            MaximumReplicationSize: Math.round(rel.sizeMax),
            AverageReplicationLatency: rel.successes > 0 ? Math.round(rel.latencySumMs / rel.successes) / 1000 : null,
            ReplicationErrors: rel.errors,
            SuccessfulReplicationCount: rel.successes,
            MissedReplicationCount: rel.missed,
            MonitoringStartTime: rel.monitoringStart,
            MonitoringEndTime: sim.now,
            ReplicationHealthDetails: rel.healthDetails,
            LastReplicationType: rel.lastType,
          };
        });
      });
    },
    getVMSwitch(computerName) {
      return call('Get-VMSwitch', undefined, () => {
        const host = [...world.hosts.values()].find((h) => h.name.toLowerCase() === computerName.toLowerCase());
        if (!host) throw new ContractError('not-found', `Get-VMSwitch: the computer '${computerName}' could not be found.`, computerName);
        return hostSwitches(world.sites.get(host.siteId)!.role === 'dr');
      });
    },
    getVMNetworkAdapter(target) {
      return call('Get-VMNetworkAdapter', target.vmName, () => {
        const vm = resolveVm(target);
        return [{ VMName: vm.name, Name: 'Network Adapter', TestReplicaSwitchName: testSwitchOf(vm.name) }];
      });
    },
    getVMSnapshot(target, snapshotType) {
      return call('Get-VMSnapshot', target.vmName, () => {
        const vm = resolveVm(target);
        const rel = replicaRelationship(vm);
        return snapshots(vm, rel).map((s) => s.snapshot).filter((s) => !snapshotType || s.SnapshotType === snapshotType);
      });
    },
    suspendVMReplication(target) {
      return call('Suspend-VMReplication', target.vmName, () => {
        const vm = resolveVm(target);
        for (const { rel } of relationshipsOf(vm)) if (rel.kind === 'simple') sim.replication.suspend(rel);
      });
    },
    resumeVMReplication(target, options = {}) {
      return call('Resume-VMReplication', target.vmName, () => {
        const vm = resolveVm(target);
        if (options.continue) return sim.failover.continueExtended(vm);
        const simple = relationshipsOf(vm).find(({ rel }) => rel.kind === 'simple') ?? relationshipsOf(vm)[0]!;
        sim.replication.resume(simple.rel, options.resynchronize ?? false);
        return undefined;
      });
    },

    setVMReplication(target, settings) {
      return call('Set-VMReplication', target.vmName, () => {
        const vm = resolveVm(target);
        // Hyper-V changes the relationship this copy is the primary of: primary→replica on the
        // primary host, replica→extended replica on the replica host.
        const own = relationshipsOf(vm).find(({ asSource }) => asSource);
        if (!own) {
          throw new ContractError('invalid-state', `'${vm.name}' on ${world.hosts.get(vm.hostId)!.name} is a Replica virtual machine with no extended replication; change its replication settings on the primary server.`, vm.name);
        }
        sim.replication.setFrequency(own.rel, settings.replicationFrequencySec);
        return replicationRow(vm, own.rel, true);
      });
    },
    // Failover -------------------------------------------------------------------------------------
    startVMFailover(target, options: StartVMFailoverOptions = {}) {
      return call('Start-VMFailover', target.vmName, async () => {
        const vm = resolveVm(target);
        if (options.prepare) {
          await sim.failover.prepare(vm);
          return vmInfo(vm);
        }
        let point: RecoveryPoint | null = null;
        if (options.recoverySnapshotName) {
          const rel = replicaRelationship(vm);
          const found = snapshots(vm, rel).find((s) => s.snapshot.Name === options.recoverySnapshotName);
          if (!found) throw new ContractError('not-found', `The recovery point '${options.recoverySnapshotName}' of '${vm.name}' was not found.`, vm.name);
          point = found.point;
        }
        const outcome = await sim.failover.start(vm, { asTest: options.asTest ?? false, point });
        return vmInfo(outcome.vm);
      });
    },
    stopVMFailover(target) {
      return call('Stop-VMFailover', target.vmName, () => sim.failover.stop(resolveVm(target)));
    },
    completeVMFailover(target) {
      return call('Complete-VMFailover', target.vmName, () => sim.failover.complete(resolveVm(target)));
    },
    reverseVMReplication(target, options = {}) {
      return call('Set-VMReplication -Reverse', target.vmName, () => {
        const vm = resolveVm(target);
        const extension = options.removeExtended ? sim.failover.extensionOf(vm) : undefined;
        if (extension) sim.replication.removeExtended(extension);
        return sim.failover.reverse(vm);
      });
    },

    // Power ----------------------------------------------------------------------------------------
    startVM(target) {
      return call('Start-VM', target.vmName, async () => {
        const vm = resolveVm(target);
        await sim.power.start(vm);
        return vmInfo(vm);
      });
    },
    stopVM(target, options = {}) {
      return call('Stop-VM', target.vmName, async () => {
        const vm = resolveVm(target);
        await sim.power.stop(vm, options.turnOff ?? false);
        return vmInfo(vm);
      });
    },

    // Migration ------------------------------------------------------------------------------------
    moveClusterVirtualMachineRole(request) {
      return call('Move-ClusterVirtualMachineRole', request.vmName, async () => {
        const dest = resolveNode(request.node);
        const vm = resolveVm({ vmName: request.vmName, computerName: world.clusters.get(dest.clusterId)!.name });
        const { done } = sim.migration.move(vm, dest, request.migrationType);
        if (request.wait ?? true) await done; else done.catch(() => {});
        return groupInfo(vm);
      });
    },
    suspendClusterNode(node, options) {
      return call('Suspend-ClusterNode', undefined, async () => {
        const host = resolveNode(node);
        if (!options.drain) {
          if (host.state !== 'Up') throw new ContractError('invalid-state', `Node ${host.name} cannot be paused: it is ${host.state}.`, host.name);
          world.setHost(host, { state: 'Paused' });
          return nodeInfo(host);
        }
        const drained = sim.migration.drain(host);
        if (options.wait ?? false) await drained; else drained.catch(() => {});
        return nodeInfo(host);
      });
    },
    resumeClusterNode(node) {
      return call('Resume-ClusterNode', undefined, () => {
        const host = resolveNode(node);
        if (host.state !== 'Paused') throw new ContractError('invalid-state', `Node ${host.name} cannot be resumed: it is ${host.state}.`, host.name);
        world.setHost(host, { state: 'Up' });
        sim.migration.drainStatus.delete(host.id);
        world.event('cluster.node-resumed', 'info', `Node ${host.name} was resumed.`, { host: host.name });
        return nodeInfo(host);
      });
    },
    setVMHost(computerName, settings) {
      return call('Set-VMHost', undefined, () => {
        const host = resolveNode(computerName);
        const max = settings.maximumVirtualMachineMigrations;
        if (max !== undefined && (!Number.isInteger(max) || max < 1 || max > 64)) {
          throw new ContractError('invalid-state', `MaximumVirtualMachineMigrations must be between 1 and 64 (got ${max}).`, host.name);
        }
        world.setHost(host, {
          ...(max !== undefined ? { maxVmMigrations: max } : {}),
          ...(settings.virtualMachineMigrationPerformanceOption ? { migrationPerformance: settings.virtualMachineMigrationPerformanceOption } : {}),
        });
        return hostInfo(host);
      });
    },
    getMigrationJobs() {
      return call('Get-CimInstance Msvm_MigrationJob', undefined, () => sim.migration.jobs.map((job): MigrationJobInfo => ({
        InstanceId: job.id, VMName: job.vmName,
        SourceHost: world.hosts.get(job.sourceHostId)!.name, DestinationHost: world.hosts.get(job.destHostId)!.name,
        MigrationType: job.type, JobState: job.state, PercentComplete: sim.migration.percentComplete(job),
        StartTime: job.startedAt, ElapsedSec: job.startedAt === null ? 0 : Math.round((Math.min(sim.now, job.startedAt + job.durationMs) - job.startedAt) / 1000),
        ErrorDescription: job.error,
      })));
    },
  };
  return backend;
}

/** How Hyper-V names a recovery point: "<VM> - Standard Replica - (11/25/2026 - 3:00:00 AM)". */
export function recoveryPointName(vmName: string, point: RecoveryPoint): string {
  const d = new Date(point.at);
  const hours = d.getUTCHours();
  const h12 = hours % 12 === 0 ? 12 : hours % 12;
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} - ${h12}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
  return `${vmName} - ${point.appConsistent ? 'Application-consistent' : 'Standard'} Replica - (${stamp})`;
}
