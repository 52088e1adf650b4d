import type { EstateSnapshot } from '../../../shared/model/estate.ts';
import type { RecoveryPlan } from '../../../shared/model/recovery-plan.ts';
import type { PreflightCheck, PreflightReport, RecoveryPointPolicy, RunType } from '../../../shared/model/recovery-run.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import { holdsMemory } from '../estate/host-usage.ts';
import type { ResolvedPlan, ResolvedVm } from './plan-resolver.ts';
import { chooseRecoveryPoint, readVm } from './vm-steps.ts';

const FAILOVER_FROM = new Set(['Replicating', 'Suspended', 'Error', 'WaitingForStartResynchronize', 'ResynchronizeSuspended']);
/** vCPUs per logical processor beyond which a warning says the DR site will crawl. */
const VCPU_RATIO_WARNING = 4;
const LIST_MAX = 8;

interface PreflightInput {
  plan: RecoveryPlan;
  resolved: ResolvedPlan;
  estate: EstateSnapshot;
  backend: HyperVBackend;
  type: RunType;
  policy: RecoveryPointPolicy;
  now: number;
  /** VM names held by runs that are not finished. */
  heldBy: Map<string, string>;
}

/**
 * Everything checked before a run may start, read from the backend (not the cached estate) where
 * it is live state. Blockers stop the run; warnings must each be accepted. Per-VM findings are
 * folded into one warning per check so a 600-VM plan asks a handful of questions, not hundreds.
 */
export async function preflight(input: PreflightInput): Promise<PreflightReport> {
  const { resolved, estate, backend, type, policy, now } = input;
  const blockers: PreflightCheck[] = [];
  const warnings: PreflightCheck[] = [];
  const perVm = new Map<string, { severity: 'blocker' | 'warning'; check: PreflightCheck['check']; title: string; names: string[] }>();
  const note = (id: string, severity: 'blocker' | 'warning', check: PreflightCheck['check'], title: string, vm: string) => {
    const entry = perVm.get(id) ?? { severity, check, title, names: [] };
    entry.names.push(vm);
    perVm.set(id, entry);
  };

  resolved.problems.forEach((p, i) => (p.severity === 'blocker' ? blockers : warnings).push({ id: `plan:${i}`, severity: p.severity, check: 'plan', message: `${p.where}: ${p.message}` }));
  if (resolved.vmCount === 0) blockers.push({ id: 'plan:empty', severity: 'blocker', check: 'plan', message: 'The plan matches no replicated VM.' });

  sitesCheck(input, blockers, warnings);
  const switchesByHost = new Map<string, Promise<Map<string, string>>>();

  await Promise.all(resolved.members.map(async (vm) => {
    try {
      await checkVm(vm);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      note(`backend:${error instanceof ContractError ? error.code : 'error'}`, 'blocker', 'backend', `The backend could not answer for some VMs (${message})`, vm.name);
    }
  }));

  async function checkVm(vm: ResolvedVm): Promise<void> {
    const held = input.heldBy.get(vm.name);
    if (held) note(`run-conflict:${held}`, 'blocker', 'run-conflict', `Run ${held} is still working on these VMs`, vm.name);
    const replica = await readVm(backend, { vmName: vm.name, computerName: vm.targetHost });
    if (!replica) { note('replica-missing', 'blocker', 'replica-health', `No replica found on its DR host`, vm.name); return; }
    const state = replica.ReplicationState;
    if (type === 'test-failover' ? state === 'FailedOver' || state === 'FailedOverWaitingCompletion' : !FAILOVER_FROM.has(state) && replica.ReplicationMode !== 'Primary' && state !== 'FailedOverWaitingCompletion') {
      note(`replica-state:${state}`, 'blocker', 'replica-health', `Replica in state ${state}, which cannot be failed over`, vm.name);
    } else if (replica.ReplicationHealth === 'Critical' || replica.ReplicationHealth === 'Warning') {
      note(`replica-health:${replica.ReplicationHealth}`, 'warning', 'replica-health', type === 'unplanned-failover'
        ? `Replication health ${replica.ReplicationHealth} (expected once the primary is unreachable)` : `Replication health ${replica.ReplicationHealth}`, vm.name);
    }
    const rows = await backend.getVMReplication({ vmName: vm.name, computerName: vm.targetHost });
    const last = rows.find((r) => r.RelationshipType === 'Simple')?.LastReplicationTime ?? null;
    if (type !== 'planned-failover' && type !== 'failback') {
      if (last === null) note('rpo:none', 'warning', 'rpo', 'No recovery point yet', vm.name);
      else if (now - last > vm.rpoTargetSec * 1000) note('rpo', 'warning', 'rpo', `Newest recovery point older than the RPO target`, vm.name);
      if (policy.kind !== 'latest') {
        try {
          await chooseRecoveryPoint(backend, { name: vm.name, targetHost: vm.targetHost } as Parameters<typeof chooseRecoveryPoint>[1], policy);
        } catch {
          note(`recovery-point:${policy.kind}`, 'warning', 'recovery-point', policy.kind === 'latest-app-consistent' ? 'No application-consistent recovery point (the step will ask what to do)' : 'No recovery point at or before the chosen time', vm.name);
        }
      }
    }
    if (type === 'test-failover') await checkTestNetwork(vm);
    const primary = await readVm(backend, { vmName: vm.name, computerName: vm.sourceHost }).catch(() => null);
    if (primary && primary.State !== 'Off') {
      if (type === 'unplanned-failover') note('primary-running', 'blocker', 'primary-off', 'The primary copy is still running: an unplanned failover would split the VM in two. Use a planned failover', vm.name);
      else if (type !== 'test-failover') note('primary-running', 'warning', 'primary-off', 'The primary copy is running and will be shut down first', vm.name);
    }
  }

  /** A drill must not put a second copy of a VM on the production network. */
  async function checkTestNetwork(vm: ResolvedVm): Promise<void> {
    const adapters = await backend.getVMNetworkAdapter({ vmName: vm.name, computerName: vm.targetHost });
    let switches = switchesByHost.get(vm.targetHost);
    if (!switches) {
      switches = backend.getVMSwitch(vm.targetHost).then((list) => new Map(list.map((s) => [s.Name.toLowerCase(), s.SwitchType])));
      switchesByHost.set(vm.targetHost, switches);
    }
    const onHost = await switches;
    for (const adapter of adapters) {
      const name = adapter.TestReplicaSwitchName;
      if (name === null) {
        note('test-network:unset', 'warning', 'test-network', 'No test network set (Set-VMNetworkAdapter -TestReplicaSwitchName): the test VM starts with its network adapter unplugged', vm.name);
      } else if (!onHost.has(name.toLowerCase())) {
        note(`test-network:missing:${name}`, 'warning', 'test-network', `The test switch '${name}' does not exist on the DR host: the test VM starts unplugged`, vm.name);
      } else if (onHost.get(name.toLowerCase()) === 'External') {
        note(`test-network:external:${name}`, 'warning', 'test-network', `The test network is the External switch '${name}': the test VM would join production next to its running primary (address and name conflicts). Point it at an isolated (Private) switch`, vm.name);
      }
    }
  }

  for (const [id, entry] of perVm) {
    const names = entry.names.sort();
    const list = names.slice(0, LIST_MAX).join(', ') + (names.length > LIST_MAX ? ` and ${names.length - LIST_MAX} more` : '');
    (entry.severity === 'blocker' ? blockers : warnings).push({ id, severity: entry.severity, check: entry.check, message: `${entry.title}: ${list}.`, ...(names.length === 1 ? { vm: names[0] } : {}) });
  }

  const capacity = capacityCheck(resolved, estate, blockers, warnings);
  return {
    planId: input.plan.id, type, checkedAt: now, vmCount: resolved.vmCount, ok: blockers.length === 0,
    blockers, warnings, capacity,
  };
}

/**
 * The sites the run will act on must be reachable: the DR side always, the primary side too when
 * the run shuts primaries down there. An unplanned failover expects the primary to be gone.
 */
function sitesCheck(input: PreflightInput, blockers: PreflightCheck[], warnings: PreflightCheck[]): void {
  const needed = new Map<string, string>();
  const usesPrimary = input.type === 'planned-failover' || input.type === 'failback';
  for (const vm of input.resolved.members) {
    needed.set(vm.target.siteId, 'to fail over and start the replicas');
    if (usesPrimary) needed.set(vm.source.siteId, 'to shut the running copies down');
  }
  const reach = new Map(input.backend.siteReach().map((r) => [r.siteId, r]));
  for (const [siteId, why] of needed) {
    const site = input.estate.sites[siteId]?.name ?? siteId;
    const r = reach.get(siteId);
    if (!r) {
      blockers.push({ id: `site:${siteId}`, severity: 'blocker', check: 'backend', message: `No connection is configured for ${site}, which this run needs ${why}.` });
    } else if (r.state === 'degraded') {
      warnings.push({ id: `site:${siteId}`, severity: 'warning', check: 'backend', message: `${site} is only partly reachable: ${r.problem ?? 'some nodes do not answer'}` });
    } else if (r.state !== 'connected') {
      blockers.push({ id: `site:${siteId}`, severity: 'blocker', check: 'backend', message: `${site} is ${r.state}; this run needs it ${why}. ${r.problem ?? ''}`.trim() });
    }
  }
}

/** Memory must fit on each VM's own DR host (a replica cannot move at failover); CPU is a warning. */
function capacityCheck(resolved: ResolvedPlan, estate: EstateSnapshot, blockers: PreflightCheck[], warnings: PreflightCheck[]): PreflightReport['capacity'] {
  const needByHost = new Map<string, { memory: number; vcpu: number }>();
  for (const vm of resolved.members) {
    if (holdsMemory(vm.target)) continue;
    const need = needByHost.get(vm.target.hostId) ?? { memory: 0, vcpu: 0 };
    need.memory += vm.target.memoryBytes;
    need.vcpu += vm.target.cpuCount;
    needByHost.set(vm.target.hostId, need);
  }
  const byCluster = new Map<string, { memoryNeededBytes: number; memoryFreeBytes: number; vcpuNeeded: number; logicalProcessors: number }>();
  for (const [hostId, need] of needByHost) {
    const host = estate.hosts[hostId];
    if (!host) continue;
    const free = host.state === 'Down' ? 0 : host.memoryBytes - host.hostReserveBytes - host.memoryAssignedBytes;
    if (need.memory > free) {
      blockers.push({ id: `capacity:${host.name}`, severity: 'blocker', check: 'capacity', message: `${host.name} needs ${gib(need.memory)} for this plan's VMs and has ${gib(Math.max(0, free))} free${host.state === 'Down' ? ' (the host is down)' : ''}.` });
    }
    if (host.vcpuAssigned + need.vcpu > host.logicalProcessors * VCPU_RATIO_WARNING) {
      warnings.push({ id: `cpu:${host.name}`, severity: 'warning', check: 'capacity', message: `${host.name} would run ${host.vcpuAssigned + need.vcpu} vCPUs on ${host.logicalProcessors} logical processors (over ${VCPU_RATIO_WARNING}:1).` });
    }
    const cluster = estate.clusters[host.clusterId]?.name ?? host.clusterId;
    const row = byCluster.get(cluster) ?? { memoryNeededBytes: 0, memoryFreeBytes: 0, vcpuNeeded: 0, logicalProcessors: 0 };
    row.memoryNeededBytes += need.memory;
    row.memoryFreeBytes += Math.max(0, free);
    row.vcpuNeeded += need.vcpu;
    row.logicalProcessors += host.logicalProcessors;
    byCluster.set(cluster, row);
  }
  return [...byCluster].map(([cluster, row]) => ({ cluster, ...row })).sort((a, b) => a.cluster.localeCompare(b.cluster));
}

function gib(bytes: number): string {
  return `${Math.round(bytes / 1024 ** 3)} GiB`;
}
