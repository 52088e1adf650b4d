import type { Cluster, Replication, Site, Tier, Vm } from '../../../../shared/model/estate.ts';
import { GROUP_PRIORITIES, type GroupPriority } from '../../../../shared/model/hyperv-enums.ts';
import type { ConnectionProfile } from '../../../../shared/model/connections.ts';
import { DEFAULT_HOST_RESERVE_BYTES, type HostInventory } from '../../../../shared/model/host-usage.ts';
import type { ClusterGroupInfo, VMInfo, VMReplicationInfo, VMReplicationMeasure } from '../backend-port.ts';
import type { InventoryAnswer, ReplicationAnswer, ReplicationRow, VmRow } from './ps-rows.ts';

/**
 * Hyper-V's answers → the normalized estate. Ids follow the lab's scheme (site/cluster/host paths,
 * p:/r:/x: VM ids by site role) so the same views, plans and tests work on either backend.
 */

const TIER_BY_FREQUENCY: Record<number, Tier> = { 30: 0, 300: 1, 900: 2 };
const PREFIX_BY_ROLE = { primary: 'p', dr: 'r', cloud: 'x' } as const;

interface HostAnswer { computerName: string; answer: InventoryAnswer }
export interface ClusterAnswer { cluster: string; hosts: HostAnswer[] }

export interface SiteInventory {
  site: Site;
  clusters: Cluster[];
  hosts: HostInventory[];
  vms: Vm[];
  collectedAt: number;
}

const clusterIdOf = (siteId: string, cluster: string) => `${siteId}/${cluster}`;
const hostIdOf = (clusterId: string, host: string) => `${clusterId}/${host}`;
/**
 * Stable over failovers (a copy keeps its id when its replication mode flips), as the lab does:
 * by site role; a VM that is not replicated is its own primary; a drill's test VM hangs off its replica.
 */
function vmIdOf(role: Site['role'], name: string, mode: Replication['mode'] | null): string {
  if (mode === null || mode === 'None') return `p:${name}`;
  if (mode === 'TestReplica') return `test:${PREFIX_BY_ROLE[role]}:${name.replace(/ - Test$/, '')}`;
  return `${PREFIX_BY_ROLE[role]}:${name}`;
}

/** "standby: tier=0; workload=SQL Server; priority=High; disk=…; tags=a,b" in the VM's Notes. */
export function parseNotes(notes: string): { tier?: Tier; workload?: string; priority?: GroupPriority; diskBytes?: number; tags?: string[] } {
  const line = notes.split(/\r?\n/).find((l) => l.trimStart().toLowerCase().startsWith('standby:'));
  if (!line) return {};
  const out: ReturnType<typeof parseNotes> = {};
  for (const part of line.slice(line.indexOf(':') + 1).split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    if (key === 'tier' && (value === '0' || value === '1' || value === '2')) out.tier = Number(value) as Tier;
    else if (key === 'workload' && value) out.workload = value;
    else if (key === 'priority' && (GROUP_PRIORITIES as readonly string[]).includes(value)) out.priority = value as GroupPriority;
    else if (key === 'disk' && /^\d+$/.test(value)) out.diskBytes = Number(value);
    else if (key === 'tags') out.tags = value ? value.split(',').map((t) => t.trim()).filter(Boolean) : [];
  }
  return out;
}

function replicationOf(info: VMReplicationInfo, row: ReplicationRow | undefined, measure: VMReplicationMeasure | undefined): Replication {
  return {
    mode: info.ReplicationMode,
    relationship: info.RelationshipType,
    state: info.ReplicationState,
    health: info.ReplicationHealth,
    frequencySec: info.ReplicationFrequencySec,
    primaryServer: info.PrimaryServerName,
    replicaServer: info.ReplicaServerName,
    lastReplicationTime: measure?.LastReplicationTime ?? info.LastReplicationTime,
    pendingBytes: measure?.PendingReplicationSize ?? 0,
    additionalRecoveryPoints: Math.max(0, Math.min(24, row?.recoveryHistory ?? 0)),
    appConsistentIntervalHours: Math.max(0, row?.vssFrequencyHours ?? 0),
  };
}

/** The copy's own relationship first (simple, or extended on the extended replica), then the one it forwards. */
function relationshipsOf(vmId: string, answer: { replication?: ReplicationRow[]; measures: VMReplicationMeasure[] }, previous?: Vm) {
  const rows = (answer.replication ?? []).filter((r) => r.info.VMId === vmId);
  const measures = answer.measures.filter((m) => m.VMId === vmId);
  const pick = (relationship: 'Simple' | 'Extended') => {
    const row = rows.find((r) => r.info.RelationshipType === relationship);
    const measure = measures.find((m) => m.RelationshipType === relationship);
    const info = row?.info ?? measure;
    if (!info) return null;
    const before = relationship === 'Simple' || info.ReplicationMode === 'ExtendedReplica' ? previous?.replication : previous?.extendedReplication;
    const rep = replicationOf(info, row, measure);
    // A measure-only refresh does not carry the recovery-point settings: keep what inventory read.
    if (!row && before) { rep.additionalRecoveryPoints = before.additionalRecoveryPoints; rep.appConsistentIntervalHours = before.appConsistentIntervalHours; }
    return rep;
  };
  const simple = pick('Simple');
  const extended = pick('Extended');
  if (!simple && extended?.mode === 'ExtendedReplica') return { replication: extended, extendedReplication: null };
  return { replication: simple, extendedReplication: simple ? extended : null };
}

/** The cluster group's placement rules, as the model keeps them: absent when there are none. */
function rulesOf(group: ClusterGroupInfo | undefined, clusterId: string, nodeCount: number): Pick<Vm, 'antiAffinity' | 'possibleOwners' | 'preferredOwners'> {
  if (!group) return {};
  const ids = (names: string[]) => names.map((n) => hostIdOf(clusterId, n));
  const possible = group.PossibleOwners ?? [];
  return {
    ...(group.AntiAffinityClassNames?.length ? { antiAffinity: group.AntiAffinityClassNames } : {}),
    // Every node is the default; only a restriction is a rule.
    ...(possible.length > 0 && possible.length < nodeCount ? { possibleOwners: ids(possible) } : {}),
    ...(group.PreferredOwners?.length ? { preferredOwners: ids(group.PreferredOwners) } : {}),
  };
}

function vmOf(row: VmRow, ctx: { site: Site; clusterId: string; hostId: string; answer: InventoryAnswer; group: ClusterGroupInfo | undefined; nodeCount: number }): Vm {
  const vmId = row.VMId.toLowerCase();
  const notes = parseNotes(row.Notes);
  const { replication, extendedReplication } = relationshipsOf(vmId, ctx.answer);
  return {
    id: vmIdOf(ctx.site.role, row.Name, replication?.mode ?? (row.ReplicationMode === 'TestReplica' ? 'TestReplica' : null)),
    vmId,
    name: row.Name,
    siteId: ctx.site.id,
    clusterId: ctx.clusterId,
    hostId: ctx.hostId,
    state: row.State,
    heartbeat: row.Heartbeat,
    cpuCount: Math.max(1, row.ProcessorCount),
    cpuUsagePct: Math.max(0, Math.min(100, row.CPUUsage ?? 0)),
    memoryBytes: row.MemoryStartup,
    diskBytes: notes.diskBytes ?? 0,
    tier: notes.tier ?? TIER_BY_FREQUENCY[replication?.frequencySec ?? 900] ?? 2,
    workload: notes.workload ?? 'Unclassified',
    priority: ctx.group?.Priority ?? notes.priority ?? 'Medium',
    tags: notes.tags ?? [],
    replication,
    extendedReplication,
    ...rulesOf(ctx.group, ctx.clusterId, ctx.nodeCount),
  };
}

/**
 * One site from its clusters' answers. A node that did not answer keeps its previous record (or a
 * placeholder with the state its peers report) and its VMs stay as they were: never removed on silence.
 */
export function mapSiteInventory(profile: Pick<ConnectionProfile, 'siteId' | 'role' | 'name' | 'location'>, clusters: ClusterAnswer[], previous?: { hosts: Map<string, HostInventory>; vmsByHost: Map<string, Vm[]> }): SiteInventory {
  const site: Site = { id: profile.siteId, name: profile.name, role: profile.role, location: profile.location, clusterIds: [] };
  const outClusters: Cluster[] = [];
  const hosts: HostInventory[] = [];
  const vms: Vm[] = [];
  const byId = new Map<string, Vm>();
  let collectedAt = 0;
  for (const { cluster: clusterName, hosts: answers } of clusters) {
    const clusterId = clusterIdOf(site.id, clusterName);
    site.clusterIds.push(clusterId);
    const nodeRows = answers[0]?.answer.clusterNodes ?? [];
    const groups = answers.flatMap((a) => a.answer.groups).filter((g) => g !== null);
    const broker = groups.find((g) => g.GroupType === 'VMReplicaBroker');
    const groupOf = new Map(groups.filter((g) => g.GroupType === 'VirtualMachine').map((g) => [g.Name, g]));
    const answered = new Map(answers.map((a) => [a.answer.host.Name.toLowerCase(), a]));
    // No node answered (a lost site): the nodes known before stay, state Unknown, VMs as they were.
    const silentNodes = () => [...(previous?.hosts.values() ?? [])].filter((h) => h.clusterId === clusterId).map((h) => h.name);
    const nodeNames = nodeRows.length > 0 ? nodeRows.map((n) => n.Name) : answers.length > 0 ? answers.map((a) => a.answer.host.Name) : silentNodes();
    const hostIds: string[] = [];
    for (const nodeName of nodeNames) {
      const hostId = hostIdOf(clusterId, nodeName);
      hostIds.push(hostId);
      const state = nodeRows.find((n) => n.Name.toLowerCase() === nodeName.toLowerCase())?.State ?? 'Unknown';
      const got = answered.get(nodeName.toLowerCase());
      if (!got) {
        const before = previous?.hosts.get(hostId);
        hosts.push(before ? { ...before, state } : {
          id: hostId, siteId: site.id, clusterId, name: nodeName, state, logicalProcessors: 1, memoryBytes: 0,
          hostReserveBytes: DEFAULT_HOST_RESERVE_BYTES, maxVmMigrations: 2, maxStorageMigrations: 2, migrationPerformance: 'Compression',
        });
        for (const vm of previous?.vmsByHost.get(hostId) ?? []) { vms.push(vm); byId.set(vm.id, vm); }
        continue;
      }
      const h = got.answer.host;
      collectedAt = Math.max(collectedAt, got.answer.collectedAt);
      hosts.push({
        id: hostId, siteId: site.id, clusterId, name: h.Name, state,
        logicalProcessors: Math.max(1, h.LogicalProcessorCount), memoryBytes: h.MemoryCapacity, hostReserveBytes: DEFAULT_HOST_RESERVE_BYTES,
        maxVmMigrations: h.MaximumVirtualMachineMigrations, maxStorageMigrations: h.MaximumStorageMigrations,
        migrationPerformance: h.VirtualMachineMigrationPerformanceOption,
      });
      for (const row of got.answer.vms) {
        const vm = vmOf(row, { site, clusterId, hostId, answer: got.answer, group: groupOf.get(row.Name), nodeCount: nodeNames.length });
        // Two VMs of one name on a site: the second gets its VMId too, so neither hides the other.
        if (byId.has(vm.id)) vm.id = `${vm.id}#${vm.vmId}`;
        byId.set(vm.id, vm);
        vms.push(vm);
      }
    }
    outClusters.push({ id: clusterId, siteId: site.id, name: clusterName, hostIds, replicaBroker: broker?.Name ?? null });
  }
  return { site, clusters: outClusters, hosts, vms, collectedAt };
}

/** A replication refresh applied to the VMs a host had: only the fields it reports change. */
export function applyReplicationAnswer(vms: readonly Vm[], answer: ReplicationAnswer): Vm[] {
  const rows = new Map(answer.vms.map((r) => [r.VMId, r]));
  return vms.map((vm) => {
    const row = rows.get(vm.vmId);
    const { replication, extendedReplication } = relationshipsOf(vm.vmId, { measures: answer.measures }, vm);
    return {
      ...vm,
      state: row?.State ?? vm.state,
      heartbeat: row?.Heartbeat ?? vm.heartbeat,
      cpuUsagePct: row ? Math.max(0, Math.min(100, row.CPUUsage ?? 0)) : vm.cpuUsagePct,
      replication: replication ?? vm.replication,
      extendedReplication: extendedReplication ?? vm.extendedReplication,
    };
  });
}

/**
 * What a Get-VM row says about a VM the estate holds: power, heartbeat, and the state of the
 * relationship Get-VM reports (when it is the one the model keeps as the VM's own). Everything else
 * waits for the next inventory.
 */
export function applyVmAnswer(vm: Vm, info: VMInfo): Vm {
  const replication = vm.replication && vm.replication.mode === info.ReplicationMode
    ? { ...vm.replication, state: info.ReplicationState, health: info.ReplicationHealth }
    : vm.replication;
  return { ...vm, state: info.State, heartbeat: info.Heartbeat, replication };
}
