import type { ClusterNodeState, GroupPriority, MigrationPerformance } from '../../../shared/model/hyperv-enums.ts';
import type { DrainOptions, DrainPlan, MigrationType, PlannedMove, PlanWarning } from '../../../shared/model/migration.ts';
import { DEFAULT_MIGRATION_MODEL, liveMigration, minLiveBytes, quickMigrationSec, type MigrationModel } from './migration-model.ts';

/**
 * The drain planner: a destination for every VM of a node and an order that finishes soonest.
 * Pure: it sees the cluster as plain figures, so it is the same for the lab and for real hosts, and
 * cheap enough to re-run for every retry.
 *
 * Constraints, hard: same cluster, destination Up, possible owners (when known), memory, vCPU
 * over-commit limit. Soft (a cost, reported when broken): anti-affinity class, preferred owners,
 * hosts to avoid (the next nodes of a rolling maintenance), CPU headroom, balance of memory and of
 * migrations per destination (each destination takes only MaximumVirtualMachineMigrations at once).
 */

export interface PlannerHost {
  id: string;
  name: string;
  state: ClusterNodeState;
  /** Memory VMs may use: capacity minus the parent partition's reserve. */
  capacityBytes: number;
  usedBytes: number;
  logicalProcessors: number;
  vcpuAssigned: number;
  busyCores: number;
  maxVmMigrations: number;
  performance: MigrationPerformance;
}

export interface PlannerVm {
  id: string;
  name: string;
  memoryBytes: number;
  cpuCount: number;
  busyCores: number;
  priority: GroupPriority;
  tier: 0 | 1 | 2;
  /** Holds memory (running, paused...): moves live or quick. Off and Saved VMs move offline. */
  running: boolean;
  antiAffinityClass: string | null;
  /** Possible owners (hard) and preferred owners (soft), by host id; null when not modelled. */
  possibleOwners: readonly string[] | null;
  preferredOwners: readonly string[] | null;
}

export interface PlannerInput {
  clusterId: string;
  source: PlannerHost;
  /** Every node of the cluster, the source included. */
  hosts: readonly PlannerHost[];
  vms: readonly PlannerVm[];
  /** VMs per anti-affinity class already on each host (source excluded does not matter). */
  classCounts: ReadonlyMap<string, ReadonlyMap<string, number>>;
  options: DrainOptions;
  model?: MigrationModel;
  now: number;
  /** Statements about what the estate model could not provide (shown with the plan). */
  constraintNotes?: readonly string[];
  /** vCPUs per logical processor a destination may reach. */
  maxVcpuPerLp?: number;
}

interface ScheduleJob {
  sourceId: string;
  destId: string;
  memoryBytes: number;
  dirtyShare: number;
  type: MigrationType;
}

export interface ScheduleHost {
  limit: number;
  bytesPerSec: number;
}

/**
 * List scheduling as Hyper-V runs it: in list order, a job starts when both its source and its
 * destination have a free slot (blocked jobs are skipped, not waited on); a live migration gets its
 * source's bandwidth divided by the migrations active on the source when it starts.
 */
export function simulateSchedule(jobs: readonly ScheduleJob[], hosts: ReadonlyMap<string, ScheduleHost>, m: MigrationModel = DEFAULT_MIGRATION_MODEL): { starts: number[]; ends: number[]; makespan: number } {
  const starts = new Array<number>(jobs.length).fill(0);
  const ends = new Array<number>(jobs.length).fill(0);
  const active = new Map<string, number>();
  const running: { end: number; index: number }[] = [];
  const pending: number[] = [];
  let t = 0;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    if (job.type === 'offline') { starts[i] = 0; ends[i] = m.offlineMoveSec; continue; }
    pending.push(i);
  }
  const limitOf = (id: string) => Math.max(1, hosts.get(id)?.limit ?? 2);
  while (pending.length > 0 || running.length > 0) {
    for (let p = 0; p < pending.length; p++) {
      const i = pending[p]!;
      const job = jobs[i]!;
      const sa = active.get(job.sourceId) ?? 0;
      if (sa >= limitOf(job.sourceId)) continue;
      const da = active.get(job.destId) ?? 0;
      if (da >= limitOf(job.destId)) continue;
      active.set(job.sourceId, sa + 1);
      active.set(job.destId, da + 1);
      const share = (hosts.get(job.sourceId)?.bytesPerSec ?? m.bytesPerSec.Compression) / (sa + 1);
      const sec = job.type === 'live' ? liveMigration(job.memoryBytes, job.dirtyShare, share, m).sec : quickMigrationSec(job.memoryBytes, m);
      starts[i] = t;
      ends[i] = t + sec;
      insertByEnd(running, { end: t + sec, index: i });
      pending.splice(p, 1);
      p--;
    }
    const next = running.shift();
    if (!next) break;
    t = next.end;
    const done = jobs[next.index]!;
    active.set(done.sourceId, (active.get(done.sourceId) ?? 1) - 1);
    active.set(done.destId, (active.get(done.destId) ?? 1) - 1);
    // Everything that ends at the same instant frees its slots before anything new starts.
    while (running.length > 0 && running[0]!.end <= t) {
      const also = jobs[running.shift()!.index]!;
      active.set(also.sourceId, (active.get(also.sourceId) ?? 1) - 1);
      active.set(also.destId, (active.get(also.destId) ?? 1) - 1);
    }
  }
  let makespan = 0;
  for (const end of ends) makespan = Math.max(makespan, end);
  return { starts, ends, makespan };
}

function insertByEnd(list: { end: number; index: number }[], entry: { end: number; index: number }): void {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.end <= entry.end) lo = mid + 1; else hi = mid;
  }
  list.splice(lo, 0, entry);
}

/** The mutable view of destinations while a plan is built. */
interface PlacementState {
  hosts: Map<string, { host: PlannerHost; used: number; vcpu: number; busy: number; movesIn: number; bytesIn: number; classes: Map<string, number> }>;
}

export function placementState(input: Pick<PlannerInput, 'hosts' | 'classCounts'>): PlacementState {
  const hosts: PlacementState['hosts'] = new Map();
  for (const host of input.hosts) {
    hosts.set(host.id, {
      host, used: host.usedBytes, vcpu: host.vcpuAssigned, busy: host.busyCores, movesIn: 0, bytesIn: 0,
      classes: new Map(input.classCounts.get(host.id) ?? []),
    });
  }
  return { hosts };
}

export interface Placement {
  hostId: string | null;
  /** Why there is no destination (hostId null). */
  reason: string | null;
  /** Why this destination (hostId set): the rules that decided it, for the drain preview. */
  why: string;
  antiAffinity: boolean;
  cpuPressure: boolean;
  avoided: boolean;
}

/**
 * Weight of the memory this plan already sends to a node: spreads a drain's VMs by bytes, so no
 * node receives (and, in a rolling maintenance, later sends back) much more than the others.
 */
const BYTES_IN_WEIGHT = 1;

/** The best destination for one VM, or why there is none. Commits it into `state`. */
export function placeVm(vm: PlannerVm, sourceId: string, state: PlacementState, options: { avoid: ReadonlySet<string>; exclude?: ReadonlySet<string>; maxVcpuPerLp?: number }): Placement {
  const maxVcpu = options.maxVcpuPerLp ?? 8;
  let best: { id: string; score: number; anti: boolean; cpu: boolean; avoided: boolean } | null = null;
  let reason = 'no other node of the cluster is up';
  let sawUp = false;
  let fitsMemory = false;
  for (const [id, s] of state.hosts) {
    if (id === sourceId || options.exclude?.has(id)) continue;
    if (s.host.state !== 'Up') continue;
    sawUp = true;
    if (vm.possibleOwners && !vm.possibleOwners.includes(id)) continue;
    const needs = vm.running ? vm.memoryBytes : 0;
    if (s.used + needs > s.host.capacityBytes) continue;
    fitsMemory = true;
    if (vm.running && s.vcpu + vm.cpuCount > s.host.logicalProcessors * maxVcpu) continue;
    const memShare = (s.used + needs) / Math.max(1, s.host.capacityBytes);
    const cpuShare = (s.busy + (vm.running ? vm.busyCores : 0)) / Math.max(1, s.host.logicalProcessors);
    const anti = vm.antiAffinityClass !== null && (s.classes.get(vm.antiAffinityClass) ?? 0) > 0;
    const avoided = options.avoid.has(id);
    const preferred = vm.preferredOwners?.includes(id) ?? false;
    const score = memShare + 0.5 * cpuShare + (anti ? 1 : 0) + (avoided ? 4 : 0) + (cpuShare > 0.9 ? 2 : 0) - (preferred ? 0.3 : 0) + 0.1 * s.movesIn + BYTES_IN_WEIGHT * (s.bytesIn + needs) / Math.max(1, s.host.capacityBytes);
    if (!best || score < best.score || (score === best.score && id < best.id)) best = { id, score, anti, cpu: cpuShare > 0.9, avoided };
  }
  if (!best) {
    if (sawUp) reason = fitsMemory ? 'no node has enough vCPU headroom for it' : vm.possibleOwners ? 'no possible owner has enough free memory' : 'no other node has enough free memory';
    return { hostId: null, reason, why: '', antiAffinity: false, cpuPressure: false, avoided: false };
  }
  const s = state.hosts.get(best.id)!;
  const why = placementWhy(vm, s, state, best);
  if (vm.running) {
    s.used += vm.memoryBytes;
    s.vcpu += vm.cpuCount;
    s.busy += vm.busyCores;
  }
  s.movesIn += 1;
  if (vm.running) s.bytesIn += vm.memoryBytes;
  if (vm.antiAffinityClass) s.classes.set(vm.antiAffinityClass, (s.classes.get(vm.antiAffinityClass) ?? 0) + 1);
  return { hostId: best.id, reason: null, why, antiAffinity: best.anti, cpuPressure: best.cpu, avoided: best.avoided };
}

function placementWhy(vm: PlannerVm, s: PlacementState['hosts'] extends Map<string, infer V> ? V : never, state: PlacementState, best: { id: string; anti: boolean; avoided: boolean }): string {
  const parts: string[] = [];
  if (vm.possibleOwners) {
    const names = vm.possibleOwners.map((id) => state.hosts.get(id)?.host.name ?? id);
    parts.push(`possible owners ${names.join(', ')}`);
  }
  if (vm.preferredOwners?.includes(best.id)) parts.push('a preferred owner');
  if (vm.antiAffinityClass) {
    parts.push(best.anti ? `shares anti-affinity class ${vm.antiAffinityClass} with another VM: no other node had room` : `no other ${vm.antiAffinityClass} VM there (anti-affinity)`);
  }
  if (best.avoided) parts.push('a node the plan avoids: nothing else fits');
  const needs = vm.running ? vm.memoryBytes : 0;
  parts.push(`${Math.round(((s.used + needs) / Math.max(1, s.host.capacityBytes)) * 100)}% memory used after the move, the least loaded node that fits`);
  return parts.join('; ');
}

function migrationTypeFor(vm: Pick<PlannerVm, 'running' | 'priority'>, options: Pick<DrainOptions, 'liveMigrateLowPriority'>): MigrationType {
  if (!vm.running) return 'offline';
  return vm.priority === 'Low' && !options.liveMigrateLowPriority ? 'quick' : 'live';
}

function scheduleHosts(hosts: readonly PlannerHost[], m: MigrationModel): Map<string, ScheduleHost> {
  return new Map(hosts.map((h) => [h.id, { limit: h.maxVmMigrations, bytesPerSec: m.bytesPerSec[h.performance] }]));
}

/**
 * Bytes ÷ the source's bandwidth, or the longest single migration (uncontended). Bytes are the
 * least each live migration can send (memory plus re-sends at the idle-guest floor); `bytes` in the
 * answer is memory alone, what an operator calls the bytes to move.
 */
export function drainLowerBoundSec(vms: readonly Pick<PlannerVm, 'memoryBytes' | 'running'>[], types: readonly MigrationType[], source: PlannerHost, m: MigrationModel = DEFAULT_MIGRATION_MODEL): { sec: number; bytes: number } {
  const rate = m.bytesPerSec[source.performance];
  let bytes = 0;
  let wire = 0;
  let longest = 0;
  vms.forEach((vm, i) => {
    const type = types[i]!;
    if (type === 'live') {
      const least = minLiveBytes(vm.memoryBytes, rate, m);
      bytes += vm.memoryBytes;
      wire += least;
      longest = Math.max(longest, m.setupSec + least / rate);
    } else if (type === 'quick') {
      longest = Math.max(longest, quickMigrationSec(vm.memoryBytes, m));
    } else {
      longest = Math.max(longest, m.offlineMoveSec);
    }
  });
  return { sec: Math.max(wire / rate, longest), bytes };
}

/** Migrations into one node from several sources: its own slots limit it, each at its source's rate. */
export function liveLowerBound(memories: readonly number[], rates: readonly number[], slots: number, m: MigrationModel = DEFAULT_MIGRATION_MODEL): number {
  let bytes = 0;
  let longest = 0;
  let fastest = 0;
  memories.forEach((mem, i) => {
    const rate = rates[i]!;
    const least = minLiveBytes(mem, rate, m);
    bytes += least;
    fastest = Math.max(fastest, rate);
    longest = Math.max(longest, m.setupSec + least / rate);
  });
  return Math.max(fastest > 0 ? bytes / (slots * fastest) : 0, longest);
}

/** Plans the drain of `input.source`. */
export function planDrain(input: PlannerInput, sourceName = input.source.name): DrainPlan {
  const started = performance.now();
  const m = input.model ?? DEFAULT_MIGRATION_MODEL;
  const warnings: PlanWarning[] = [];
  if (input.source.state === 'Down') {
    warnings.push({ kind: 'source-not-up', vmId: null, vmName: null, message: `${sourceName} is down: its VMs are restarted by the cluster, not migrated.` });
  }
  for (const note of input.constraintNotes ?? []) warnings.push({ kind: 'constraints-not-modelled', vmId: null, vmName: null, message: note });
  const state = placementState(input);
  const avoid = new Set(input.options.avoidHostIds);
  // Biggest first: the hardest to fit choose while there is most room.
  const byMemory = [...input.vms].sort((a, b) => b.memoryBytes - a.memoryBytes || (a.name < b.name ? -1 : 1));
  const placed: { vm: PlannerVm; destId: string; type: MigrationType; why: string }[] = [];
  const unplaced: DrainPlan['unplaced'] = [];
  for (const vm of byMemory) {
    const p = placeVm(vm, input.source.id, state, { avoid, ...(input.maxVcpuPerLp ? { maxVcpuPerLp: input.maxVcpuPerLp } : {}) });
    if (!p.hostId) {
      unplaced.push({ vmId: vm.id, vmName: vm.name, reason: p.reason! });
      warnings.push({ kind: 'no-capacity', vmId: vm.id, vmName: vm.name, message: `'${vm.name}' (${gib(vm.memoryBytes)}) cannot be moved: ${p.reason}.` });
      continue;
    }
    const dest = state.hosts.get(p.hostId)!.host;
    if (p.antiAffinity) warnings.push({ kind: 'anti-affinity', vmId: vm.id, vmName: vm.name, message: `'${vm.name}' shares ${dest.name} with another ${vm.antiAffinityClass} VM (anti-affinity class): no other node had room.` });
    if (p.cpuPressure) warnings.push({ kind: 'cpu-pressure', vmId: vm.id, vmName: vm.name, message: `${dest.name} runs above 90% CPU once '${vm.name}' arrives.` });
    const type = migrationTypeFor(vm, input.options);
    if (vm.running && vm.priority === 'Low') {
      warnings.push({
        kind: 'quick-migration', vmId: vm.id, vmName: vm.name,
        message: type === 'quick'
          ? `'${vm.name}' has Low priority: it will be quick-migrated (saved and restored, about ${Math.ceil(quickMigrationSec(vm.memoryBytes, m))} s of downtime). Live-migrate it instead to avoid the outage.`
          : `'${vm.name}' has Low priority: Suspend-ClusterNode -Drain would quick-migrate it (downtime); this plan live-migrates it instead.`,
      });
    }
    placed.push({ vm, destId: p.hostId, type, why: p.why });
  }

  const hosts = scheduleHosts(input.hosts, m);
  const dirty = (vm: PlannerVm) => m.dirtyShareByTier[vm.tier];
  const jobsOf = (list: typeof placed): ScheduleJob[] => list.map((p) => ({ sourceId: input.source.id, destId: p.destId, memoryBytes: p.vm.memoryBytes, dirtyShare: dirty(p.vm), type: p.type }));
  const longestFirst = (a: (typeof placed)[number], b: (typeof placed)[number]) => b.vm.memoryBytes - a.vm.memoryBytes || (a.vm.name < b.vm.name ? -1 : 1);
  const rank: Record<GroupPriority, number> = { High: 0, Medium: 1, Low: 2, NoAutoStart: 3 };
  const orders = [
    // Priority first (what a drain does), longest first within a priority.
    [...placed].sort((a, b) => rank[a.vm.priority] - rank[b.vm.priority] || longestFirst(a, b)),
    // Longest first overall: the short ones fill the tail.
    [...placed].sort(longestFirst),
  ];
  let best = { order: orders[0]!, schedule: simulateSchedule(jobsOf(orders[0]!), hosts, m) };
  for (const order of orders.slice(1)) {
    const schedule = simulateSchedule(jobsOf(order), hosts, m);
    if (schedule.makespan < best.schedule.makespan - 0.5) best = { order, schedule };
  }
  const names = new Map(input.hosts.map((h) => [h.id, h.name]));
  const moves: PlannedMove[] = best.order.map((p, i) => ({
    vmId: p.vm.id, vmName: p.vm.name, priority: p.vm.priority, memoryBytes: p.vm.memoryBytes,
    destHostId: p.destId, destHostName: names.get(p.destId) ?? p.destId, type: p.type, order: i,
    predictedStartSec: round1(best.schedule.starts[i]!), predictedEndSec: round1(best.schedule.ends[i]!), reason: p.why,
  }));
  const bound = drainLowerBoundSec(best.order.map((p) => p.vm), best.order.map((p) => p.type), input.source, m);
  return {
    hostId: input.source.id, hostName: sourceName, clusterId: input.clusterId, plannedAt: input.now, options: input.options,
    moves, unplaced, warnings,
    predictedDurationSec: round1(best.schedule.makespan), lowerBoundSec: round1(bound.sec), bytesToMove: bound.bytes,
    constraints: [
      'Destinations are Up nodes of the same cluster with enough free memory and at most ' + `${input.maxVcpuPerLp ?? 8} vCPUs per logical processor.`,
      'Possible owners are kept to: a VM only goes to a node it may run on. Preferred owners are chosen when they have room.',
      'Anti-affinity: VMs of one anti-affinity class are kept on different nodes where possible.',
      'Each move starts only when its source and destination have a free migration slot (MaximumVirtualMachineMigrations).',
      ...(input.options.avoidHostIds.length > 0 ? [`Avoided as destinations unless nothing else fits: ${input.options.avoidHostIds.map((id) => names.get(id) ?? id).join(', ')}.`] : []),
    ],
    planMs: round1(performance.now() - started),
  };
}

function round1(n: number): number { return Math.round(n * 10) / 10; }
function gib(bytes: number): string { return `${Math.round(bytes / 1024 ** 3)} GiB`; }
