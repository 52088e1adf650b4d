import type { Cluster, Replication, Vm } from '../../../../../shared/model/estate.ts';
import {
  CLUSTER_NODE_STATE, GROUP_PRIORITY, HEARTBEAT_STATUS, MIGRATION_PERFORMANCE, REPLICATION_HEALTH,
  REPLICATION_MODE, REPLICATION_STATE, VM_STATE,
} from '../../../../../shared/model/hyperv-enums.ts';
import type { HostInventory } from '../../../estate/host-usage.ts';
import { REPLICATION_RELATIONSHIP_TYPE, SNAPSHOT_TYPE } from '../windows-enums.ts';

/**
 * Writes the lab estate the way the scripts' ConvertTo-Json does on a host, as the scripts are now
 * (host-preamble.ps1): property names of the cmdlets; every enum as its name, because the scripts
 * cast them ([string]) — ConvertTo-Json would write integers on 5.1 and 7 alike (DOMAIN.md, "What
 * ConvertTo-Json really produces"); lists joined with U+001E into one string, because 5.1 wraps an
 * array-valued calculated property as {"value":[...],"Count":n} (PowerShell issue #3163); dates as
 * ToUniversalTime().ToString('o'), with their "Z" (a local DateTime without offset is read in the
 * console's zone otherwise); null monitoring times without statistics (Measure-VMReplication docs);
 * TimeSpans as objects. 5.1 still wraps a whole row list held in a hashtable as {value, Count}.
 * Used by the double and the bench.
 */
export type PsFlavor = '5.1' | '7';

function inverse<T extends Record<number, string>>(table: T): Map<string, number> {
  return new Map(Object.entries(table).map(([k, v]) => [v, Number(k)]));
}
const VM_STATE_INT = inverse(VM_STATE);
const HEARTBEAT_INT = inverse(HEARTBEAT_STATUS);
const MODE_INT = inverse(REPLICATION_MODE);
const STATE_INT = inverse(REPLICATION_STATE);
const HEALTH_INT = inverse(REPLICATION_HEALTH);
const PERF_INT = inverse(MIGRATION_PERFORMANCE);
const NODE_INT = inverse(CLUSTER_NODE_STATE);
const PRIORITY_INT = inverse(GROUP_PRIORITY);
const RELATIONSHIP_INT = inverse(REPLICATION_RELATIONSHIP_TYPE);
const SNAPSHOT_INT = inverse(SNAPSHOT_TYPE);

/** The scripts emit names on both flavors; `table` only proves the name is one Windows has. */
export function enumValue(_flavor: PsFlavor, table: Map<string, number>, name: string): string {
  if (!table.has(name)) throw new Error(`Not a value Windows has: ${name}`);
  return name;
}

/** Join-StandbyList of host-preamble.ps1. */
export const joinList = (items: readonly string[]) => items.join('\u001e');

/** ToUniversalTime().ToString('o'), as Format-StandbyDate writes every date: 7 fraction digits and Z. */
export function isoDate(ms: number | null): string | null {
  if (ms === null) return null;
  return new Date(ms).toISOString().replace('Z', '0000Z');
}

/** 5.1 writes an array held in a hashtable value as {value, Count} (PowerShell issue #3163). */
function rows<T>(flavor: PsFlavor, list: T[]): T[] | { value: T[]; Count: number } {
  return flavor === '5.1' && list.length > 0 ? { value: list, Count: list.length } : list;
}

export function timeSpan(seconds: number | null): Record<string, number> | null {
  if (seconds === null) return null;
  const ticks = Math.round(seconds * 1e7);
  return {
    Ticks: ticks, Days: Math.floor(seconds / 86400), Hours: Math.floor(seconds / 3600) % 24,
    Milliseconds: Math.floor((seconds * 1000) % 1000), Minutes: Math.floor(seconds / 60) % 60, Seconds: Math.floor(seconds) % 60,
    TotalDays: seconds / 86400, TotalHours: seconds / 3600, TotalMilliseconds: seconds * 1000,
    TotalMinutes: seconds / 60, TotalSeconds: seconds,
  };
}

/** Tier, workload, tags and disk size are not Hyper-V's; Standby keeps them in the VM's Notes. */
export function notesOf(vm: Vm): string {
  return `standby: tier=${vm.tier}; workload=${vm.workload}; priority=${vm.priority}; disk=${vm.diskBytes}; tags=${vm.tags.join(',')}`;
}

export function vmRow(flavor: PsFlavor, vm: Vm, host: HostInventory, migrating: boolean) {
  const rep = vm.replication;
  return {
    Name: vm.name,
    VMId: vm.vmId,
    ComputerName: host.name,
    State: enumValue(flavor, VM_STATE_INT, vm.state),
    Heartbeat: vm.state === 'Off' ? null : enumValue(flavor, HEARTBEAT_INT, vm.heartbeat),
    ProcessorCount: vm.cpuCount,
    MemoryStartup: vm.memoryBytes,
    MemoryAssigned: vm.state === 'Running' ? vm.memoryBytes : 0,
    CPUUsage: Math.round(vm.cpuUsagePct),
    OperationalStatus: joinList(migrating ? ['MigratingVirtualMachine', 'Ok'] : ['Ok']),
    ReplicationMode: enumValue(flavor, MODE_INT, rep?.mode ?? 'None'),
    ReplicationState: enumValue(flavor, STATE_INT, rep?.state ?? 'Disabled'),
    ReplicationHealth: enumValue(flavor, HEALTH_INT, rep?.health ?? 'NotApplicable'),
    Notes: notesOf(vm),
    UptimeSec: vm.state === 'Running' ? 86_400 : 0,
  };
}

export function replicationRow(flavor: PsFlavor, vm: Vm, host: HostInventory, rep: Replication) {
  return {
    VMName: vm.name,
    VMId: vm.vmId,
    ComputerName: host.name,
    ReplicationMode: enumValue(flavor, MODE_INT, rep.mode),
    ReplicationRelationshipType: enumValue(flavor, RELATIONSHIP_INT, rep.relationship),
    ReplicationState: enumValue(flavor, STATE_INT, rep.state),
    ReplicationHealth: enumValue(flavor, HEALTH_INT, rep.health),
    ReplicationFrequencySec: rep.frequencySec,
    PrimaryServerName: rep.primaryServer,
    ReplicaServerName: rep.replicaServer,
    CurrentReplicaServerName: rep.replicaServer,
    LastReplicationTime: isoDate(rep.lastReplicationTime) ?? '0001-01-01T00:00:00.0000000Z',
    RecoveryHistory: rep.additionalRecoveryPoints,
    VSSSnapshotFrequencyHour: rep.appConsistentIntervalHours,
  };
}

export function measureRow(flavor: PsFlavor, vm: Vm, host: HostInventory, rep: Replication, now: number) {
  const { RecoveryHistory: _r, VSSSnapshotFrequencyHour: _v, ...base } = replicationRow(flavor, vm, host, rep);
  const details = rep.health === 'Normal' ? [] : [`Replication health is ${rep.health} for '${vm.name}'.`];
  const cycles = Math.floor(3600 / rep.frequencySec);
  const missed = rep.health === 'Normal' ? 0 : Math.ceil(cycles * 0.2);
  return {
    ...base,
    PendingReplicationSize: rep.pendingBytes,
    AverageReplicationSize: Math.round(rep.pendingBytes * 0.9),
    MaximumReplicationSize: Math.round(rep.pendingBytes * 1.6),
    AverageReplicationLatency: rep.lastReplicationTime === null ? null : timeSpan(Math.min(rep.frequencySec, 4.25)),
    ReplicationErrors: rep.health === 'Critical' ? 3 : 0,
    SuccessfulReplicationCount: cycles - missed,
    MissedReplicationCount: missed,
    // No statistics before the first replication: Windows leaves the monitoring window null.
    MonitoringStartTime: rep.lastReplicationTime === null ? null : isoDate(now - 3_600_000),
    MonitoringEndTime: rep.lastReplicationTime === null ? null : isoDate(now),
    ReplicationHealthDetails: joinList(details),
    LastReplicationType: rep.lastReplicationTime === null ? 'None' : 'Regular',
  };
}

/** Get-VMSnapshot -SnapshotType Replica|AppConsistentReplica, as get-vmsnapshot.ps1 selects it. */
export function snapshotRow(flavor: PsFlavor, point: { Name: string; VMName: string; SnapshotType: 'Replica' | 'AppConsistentReplica'; CreationTime: number }) {
  return { Name: point.Name, VMName: point.VMName, SnapshotType: enumValue(flavor, SNAPSHOT_INT, point.SnapshotType), CreationTime: isoDate(point.CreationTime) };
}

export function hostRow(flavor: PsFlavor, host: HostInventory) {
  return {
    Name: host.name,
    LogicalProcessorCount: host.logicalProcessors,
    MemoryCapacity: host.memoryBytes,
    MaximumVirtualMachineMigrations: host.maxVmMigrations,
    MaximumStorageMigrations: host.maxStorageMigrations,
    VirtualMachineMigrationEnabled: true,
    VirtualMachineMigrationPerformanceOption: enumValue(flavor, PERF_INT, host.migrationPerformance),
  };
}

export function clusterNodeRow(flavor: PsFlavor, host: HostInventory, cluster: Cluster, draining: boolean) {
  return {
    Name: host.name,
    Cluster: cluster.name,
    State: enumValue(flavor, NODE_INT, host.state),
    DrainStatus: draining ? 'InProgress' : 'NotInitiated',
  };
}

/** `nodes`: the cluster's hosts, for owner names; possible owners are every node unless restricted. */
export function vmGroupRow(flavor: PsFlavor, vm: Vm, host: HostInventory, cluster: Cluster, nodes: readonly HostInventory[] = []) {
  const nameOf = (id: string) => nodes.find((h) => h.id === id)?.name ?? id;
  return {
    Name: vm.name,
    Cluster: cluster.name,
    OwnerNode: host.name,
    State: vm.state === 'Running' ? 'Online' : 'Offline',
    // Priority is a UInt32, not an enum: the scripts pass it through as a number.
    Priority: PRIORITY_INT.get(vm.priority)!,
    GroupType: 'VirtualMachine',
    AntiAffinityClassNames: joinList(vm.antiAffinity ?? []),
    PreferredOwners: joinList((vm.preferredOwners ?? []).map(nameOf)),
    PossibleOwners: joinList((vm.possibleOwners ?? nodes.map((h) => h.id)).map(nameOf)),
  };
}

export function brokerGroupRow(flavor: PsFlavor, cluster: Cluster, owner: HostInventory) {
  return {
    Name: cluster.replicaBroker!,
    Cluster: cluster.name,
    OwnerNode: owner.name,
    State: 'Online',
    Priority: 2000,
    GroupType: 'VMReplicaBroker',
  };
}

/** get-inventory's answer for one host of the estate. */
export function inventoryAnswer(flavor: PsFlavor, estate: { clusters: Cluster[]; hosts: HostInventory[]; vms: Vm[] }, host: HostInventory, now: number, migrating: ReadonlySet<string> = new Set()) {
  const cluster = estate.clusters.find((c) => c.id === host.clusterId)!;
  const vms = estate.vms.filter((v) => v.hostId === host.id);
  const relationships = vms.flatMap((vm) => [vm.replication, vm.extendedReplication].filter((r): r is Replication => r !== null).map((rep) => ({ vm, rep })));
  const clusterHosts = estate.hosts.filter((h) => h.clusterId === cluster.id);
  const groups: unknown[] = vms.filter((vm) => !vm.name.endsWith(' - Test')).map((vm) => vmGroupRow(flavor, vm, host, cluster, clusterHosts));
  if (cluster.replicaBroker && clusterHosts.find((h) => h.state === 'Up')?.id === host.id) groups.push(brokerGroupRow(flavor, cluster, host));
  return {
    host: hostRow(flavor, host),
    vms: rows(flavor, vms.map((vm) => vmRow(flavor, vm, host, migrating.has(vm.id)))),
    replication: relationships.map(({ vm, rep }) => replicationRow(flavor, vm, host, rep)),
    measures: relationships.map(({ vm, rep }) => measureRow(flavor, vm, host, rep, now)),
    clusterNodes: clusterHosts.map((h) => clusterNodeRow(flavor, h, cluster, false)),
    groups,
    collectedAt: isoDate(now),
  };
}

/** get-replication's answer for one host. */
export function replicationAnswer(flavor: PsFlavor, estate: { vms: Vm[] }, host: HostInventory, now: number, migrating: ReadonlySet<string> = new Set()) {
  const vms = estate.vms.filter((v) => v.hostId === host.id);
  return {
    measures: vms.flatMap((vm) => [vm.replication, vm.extendedReplication].filter((r): r is Replication => r !== null).map((rep) => measureRow(flavor, vm, host, rep, now))),
    vms: vms.map((vm) => {
      const row = vmRow(flavor, vm, host, migrating.has(vm.id));
      return { Name: row.Name, VMId: row.VMId, State: row.State, Heartbeat: row.Heartbeat, CPUUsage: row.CPUUsage, MemoryAssigned: row.MemoryAssigned, OperationalStatus: row.OperationalStatus };
    }),
    collectedAt: isoDate(now),
  };
}

/** The envelope each host's script prints, and the session line's envelope around several of them. */
export function remoteOk(data: unknown): string {
  return JSON.stringify({ ok: true, data });
}
export function remoteError(error: { id: string; category: string; message: string; target?: string }): string {
  return JSON.stringify({ ok: false, error: { target: '', ...error } });
}
export function sessionAnswer(results: { computerName: string; output: string }[], failures: unknown[] = []): string {
  return `{"ok":true,"results":[${results.map((r) => `{"computerName":${JSON.stringify(r.computerName)},"output":${r.output}}`).join(',')}],"failures":${JSON.stringify(failures)}}`;
}
