import type { PatchBatch, Tier, Vm } from '../../../shared/model/estate.ts';
import { isIncident, type OTHER_ALERT_KINDS, type Alert, type AlertChanges, type AlertList, type CatchUpState, type DeliveryNote, type HistoryPoint, type HistoryRange, type ReplicationSummary, type WanHistory } from '../../../shared/model/replication.ts';
import type { EstateStore } from '../estate/estate-store.ts';
import type { ClockPort, LoggerPort, TimerHandle } from '../ports.ts';
import { AlertBook } from './alert-book.ts';
import { HistoryRing } from './history-ring.ts';
import { isProtectedCopy } from '../estate/rpo-status.ts';
import { findIncidents } from './incident-rules.ts';
import { createAlertNotifier, type AlertNotifierOptions } from './alert-notifier.ts';
import type { NotificationChannel } from './notification-channels.ts';

const MINUTE = 60_000;
const RANGES: Record<HistoryRange, { bucketMs: number; windowMs: number }> = {
  hour: { bucketMs: 30_000, windowMs: 60 * MINUTE },
  day: { bucketMs: 10 * MINUTE, windowMs: 24 * 60 * MINUTE },
};
const THROUGHPUT_WINDOW_MS = MINUTE;
/** A lower tier's missed RPO turns critical after this many times its target without a cycle (README, "Alerts"). */
export const RPO_CRITICAL_MULTIPLE = 4;

/**
 * The span WAN throughput is averaged over: a minute, or two gaps between the batches the monitor
 * sees when those come further apart (the lab at 600× sends one per 150 s of its time; a 60 s window
 * then held nothing most of the time and the NOC wall read 0 bit/s while the link was busy).
 */
function throughputWindowMs(batchGapMs: number): number {
  return Math.min(15 * MINUTE, Math.max(THROUGHPUT_WINDOW_MS, 2 * batchGapMs));
}

/** A VM's replication as last seen, and when (estate clock). */
interface Seen { at: number; lastReplicationTime: number | null; pendingBytes: number; health: string; rpoMet: boolean | null }

/** Bytes a second the VM's pending size grew by since its last cycle, as one sighting shows it. */
function growthRate(s: Seen): number | null {
  return s.lastReplicationTime !== null && s.at > s.lastReplicationTime ? s.pendingBytes / (s.at - s.lastReplicationTime) : null;
}

/**
 * Bytes the cycles completed since the previous sighting carried: what was pending then, plus what
 * the VM wrote between that sighting and its newest cycle, at the rate its pending size grows. The
 * estate is often read less often than a VM replicates (a PowerShell refresh every 30 s of 30-s
 * cycles; the lab at 600×, 150 s between batches): "pending before less pending after" then saw
 * only the last cycle and took the writes after it away, and the WAN looked idle while it was busy.
 */
function shippedSince(before: Seen, after: Seen): number {
  const rate = growthRate(after) ?? growthRate(before) ?? 0;
  return before.pendingBytes + Math.max(0, after.lastReplicationTime! - before.at) * rate;
}

export interface ReplicationMonitor {
  /** Feed every batch the estate store publishes, in order. */
  observe(batch: PatchBatch): void;
  summary(): ReplicationSummary;
  history(vmId: string, range: HistoryRange): HistoryPoint[] | null;
  /** The estate's WAN throughput over the last hour, per complete bucket. */
  wanHistory(): WanHistory;
  alerts(): Alert[];
  /** The list with the seq of the last alerts.changed it includes. */
  alertList(): AlertList;
  acknowledge(ids: string[], by: string): string[];
  /** A test message through one channel, with the retries real alerts get. */
  testChannel(channel: NotificationChannel): Promise<Omit<DeliveryNote, 'at'>>;
  /**
   * Raises (or, with null, clears) an alert about something other than a VM's replication — a plan's
   * overdue drill — through the same book, journal and stream as the rest.
   */
  setExternalAlert(subject: { id: string; name: string }, kind: (typeof OTHER_ALERT_KINDS)[number], alert: { severity: Alert['severity']; message: string } | null): void;
  dispose(): void;
}

interface ReplicationMonitorOptions {
  store: EstateStore;
  dataDir: string;
  clock: ClockPort;
  logger: LoggerPort;
  onSummary(summary: ReplicationSummary): void;
  onAlerts(changes: AlertChanges): void;
  /** Summaries go out at most this often, however busy the estate is. */
  summaryIntervalMs?: number;
  /** Where incidents and unexplained critical alerts are sent (none: the console only). */
  channels?: () => NotificationChannel[];
  notifier?: Pick<AlertNotifierOptions, 'retryDelaysMs' | 'holdMs'>;
  /** The "catch up tier 0 first" state, carried in the summary. */
  catchUp?: () => CatchUpState | null;
}

/**
 * Watches the estate's replication fields: keeps a bounded history per VM, estimates WAN throughput
 * from completed cycles, raises alerts on health and RPO transitions, and computes the summary strip.
 */
export function createReplicationMonitor(options: ReplicationMonitorOptions): ReplicationMonitor {
  const { store } = options;
  const book = new AlertBook(options.dataDir, options.logger);
  const publishAlerts = () => {
    const changes = book.takeChanges();
    if (!changes) return;
    notifier.consider(changes.changed);
    options.onAlerts(changes);
  };
  const notifier = createAlertNotifier({
    book, clock: options.clock, logger: options.logger, channels: options.channels ?? (() => []), onNoted: () => publishAlerts(), ...options.notifier,
  });
  const seen = new Map<string, Seen>();
  const rings = new Map<string, { hour: HistoryRing; day: HistoryRing }>();
  const shipped: { at: number; bytes: number }[] = [];
  // Everything shipped, estate-wide, an hour of buckets: what a wall opened now draws at once.
  const wan = new HistoryRing(RANGES.hour.bucketMs, RANGES.hour.windowMs / RANGES.hour.bucketMs + 1);
  let summaryTimer: TimerHandle | null = null;
  const interval = options.summaryIntervalMs ?? 1000;

  const now = () => store.snapshotClock().now;
  const remember = (vm: Vm, at: number): Seen => ({
    at,
    lastReplicationTime: vm.replication?.lastReplicationTime ?? null,
    pendingBytes: vm.replication?.pendingBytes ?? 0,
    health: vm.replication?.health ?? 'NotApplicable',
    rpoMet: vm.rpo?.met ?? null,
  });
  const startedAt = now();
  let lastObservedAt: number | null = null;
  let batchGapMs = 0;
  for (const vm of store.vms()) if (isProtectedCopy(vm)) seen.set(vm.id, remember(vm, startedAt));

  function track(vm: Vm, at: number): boolean {
    const before = seen.get(vm.id);
    const after = remember(vm, at);
    seen.set(vm.id, after);
    let transfer = 0;
    if (before && after.lastReplicationTime !== null && after.lastReplicationTime !== before.lastReplicationTime) {
      transfer = Math.round(shippedSince(before, after));
      if (transfer > 0) {
        shipped.push({ at, bytes: transfer });
        wan.record(at, 0, 0, transfer);
      }
    }
    let ring = rings.get(vm.id);
    if (!ring) rings.set(vm.id, (ring = { hour: new HistoryRing(RANGES.hour.bucketMs, 120), day: new HistoryRing(RANGES.day.bucketMs, 144) }));
    if (before?.lastReplicationTime != null && after.lastReplicationTime !== null && after.lastReplicationTime !== before.lastReplicationTime) {
      // The lag peaks as the next cycle lands; recorded first, the bucket keeps it as its worst.
      const landed = Math.min(at, after.lastReplicationTime);
      const peakSec = Math.max(0, (landed - before.lastReplicationTime) / 1000);
      ring.hour.record(landed, peakSec, before.pendingBytes, 0, before.lastReplicationTime);
      ring.day.record(landed, peakSec, before.pendingBytes, 0, before.lastReplicationTime);
    }
    const lagSec = after.lastReplicationTime === null ? 0 : Math.max(0, (at - after.lastReplicationTime) / 1000);
    ring.hour.record(at, lagSec, after.pendingBytes, transfer, after.lastReplicationTime);
    ring.day.record(at, lagSec, after.pendingBytes, transfer, after.lastReplicationTime);
    return alertOn(vm, before, after, at);
  }

  function alertOn(vm: Vm, before: Seen | undefined, after: Seen, at: number): boolean {
    let changed = false;
    const base = { vmId: vm.id, vmName: vm.name, tier: vm.tier, raisedAt: at, raisedWallAt: options.clock.now() };
    if (after.health === 'Warning' || after.health === 'Critical') {
      if (before?.health !== after.health) {
        const severity = after.health === 'Critical' ? 'critical' : 'warning';
        changed = book.raise({ ...base, kind: 'health', severity, message: `${vm.name}: replication health is ${after.health} (state ${vm.replication!.state}).` }) || changed;
      }
    } else if (before && (before.health === 'Warning' || before.health === 'Critical')) {
      changed = book.clear(vm.id, 'health', at) || changed;
    }
    if (after.rpoMet === false && before?.rpoMet !== false) {
      const target = vm.rpo?.targetSec ?? 0;
      changed = book.raise({ ...base, kind: 'rpo', severity: vm.tier === 0 ? 'critical' : 'warning', message: `${vm.name}: RPO of ${formatTarget(target)} missed (tier ${vm.tier}).` }) || changed;
    } else if (after.rpoMet === true && before?.rpoMet === false) {
      changed = book.clear(vm.id, 'rpo', at) || changed;
    }
    return changed;
  }

  /**
   * A tier-1 or tier-2 VM's missed RPO is a warning at first and critical once nothing has replicated
   * for RPO_CRITICAL_MULTIPLE times its target (tier 0 is critical at once). Hyper-V's own health is
   * left as Hyper-V reports it (Warning for hours: Critical only after about 3 h without a cycle);
   * this is the console's judgement against the targets the hospital set.
   */
  function escalateLongMisses(at: number): boolean {
    let changed = false;
    for (const alert of [...book.ongoing()]) {
      if (alert.kind !== 'rpo' || alert.severity !== 'warning') continue;
      const vm = store.getVm(alert.vmId);
      const target = vm?.rpo?.targetSec;
      const last = vm?.replication?.lastReplicationTime;
      if (!vm || !target || last === undefined || vm.rpo?.met !== false) continue;
      const lagSec = last === null ? Infinity : (at - last) / 1000;
      if (lagSec <= RPO_CRITICAL_MULTIPLE * target) continue;
      changed = book.raise({
        kind: 'rpo', severity: 'critical', vmId: vm.id, vmName: vm.name, tier: vm.tier, raisedAt: alert.raisedAt, raisedWallAt: alert.raisedWallAt,
        message: `${vm.name}: RPO of ${formatTarget(target)} missed for ${Number.isFinite(lagSec) ? formatTarget(Math.floor(lagSec / 60) * 60) : 'ever'} since the last replication, more than ${RPO_CRITICAL_MULTIPLE}× its target (tier ${vm.tier}).`,
      }) || changed;
    }
    return changed;
  }

  /**
   * Raises the incidents the estate shows, clears those it no longer shows, and files every ongoing
   * VM alert under the incident that explains it (alerts raised before the incident was recognised
   * too: a tier-0 RPO is missed before a WAN cut can be told from a lull).
   */
  function correlate(at: number): boolean {
    const findings = findIncidents(store, at);
    const found = new Set(findings.map((f) => `${f.subjectId}|${f.kind}`));
    let changed = false;
    const ongoing = [...book.ongoing()];
    for (const a of ongoing) if (isIncident(a) && !found.has(`${a.vmId}|${a.kind}`)) changed = book.clear(a.vmId, a.kind, at) || changed;
    const explainedBy = new Map<string, string>();
    for (const f of findings) {
      changed = book.raise({ kind: f.kind, severity: f.severity, vmId: f.subjectId, vmName: f.subjectName, tier: null, message: f.message, raisedAt: at, raisedWallAt: options.clock.now() }) || changed;
      const incidentId = book.openOf(f.subjectId, f.kind)!.id;
      for (const vmId of f.covers) explainedBy.set(vmId, incidentId);
    }
    if (explainedBy.size === 0) return changed;
    for (const a of ongoing) {
      if (isIncident(a)) continue;
      const incidentId = explainedBy.get(a.vmId);
      if (incidentId) changed = book.link(a.id, incidentId) || changed;
    }
    return changed;
  }

  function scheduleSummary(): void {
    if (summaryTimer) return;
    summaryTimer = options.clock.setTimeout(() => {
      summaryTimer = null;
      options.onSummary(summary());
    }, interval);
  }

  function summary(): ReplicationSummary {
    const at = now();
    const byHealth = { Normal: 0, Warning: 0, Critical: 0, NotApplicable: 0 };
    const tiers = new Map<Tier, { protectedVms: number; withinRpo: number; pendingBytes: number }>([0, 1, 2].map((t) => [t as Tier, { protectedVms: 0, withinRpo: 0, pendingBytes: 0 }]));
    let worstLag: ReplicationSummary['worstLag'] = null;
    let pendingBytes = 0;
    let protectedVms = 0;
    for (const vm of store.vms()) {
      if (!isProtectedCopy(vm)) continue;
      protectedVms += 1;
      const replication = vm.replication!;
      byHealth[replication.health] += 1;
      pendingBytes += replication.pendingBytes;
      const tier = tiers.get(vm.tier)!;
      tier.protectedVms += 1;
      tier.pendingBytes += replication.pendingBytes;
      if (vm.rpo?.met) tier.withinRpo += 1;
      const lagSec = replication.lastReplicationTime === null ? Infinity : (at - replication.lastReplicationTime) / 1000;
      if (!worstLag || lagSec > worstLag.lagSec) worstLag = { vmId: vm.id, vmName: vm.name, lagSec };
    }
    const windowMs = throughputWindowMs(batchGapMs);
    while (shipped.length > 0 && shipped[0]!.at <= at - windowMs) shipped.shift();
    const bytes = shipped.reduce((sum, s) => sum + s.bytes, 0);
    if (worstLag && !Number.isFinite(worstLag.lagSec)) worstLag = { ...worstLag, lagSec: Number.MAX_SAFE_INTEGER };
    const wanThroughputBitsPerSec = Math.round((bytes * 8) / (windowMs / 1000));
    // In tier order at today's rate: each tier's backlog waits for the ones before it (new writes meanwhile ignored).
    let ahead = 0;
    const byTier = [...tiers].map(([tier, t]) => {
      ahead += t.pendingBytes;
      const catchUpSec = wanThroughputBitsPerSec > 0 ? Math.round(ahead / (wanThroughputBitsPerSec / 8)) : null;
      return { tier, ...t, pctWithinRpo: t.protectedVms === 0 ? 100 : Math.round((t.withinRpo / t.protectedVms) * 1000) / 10, catchUpSec };
    });
    return {
      at, protectedVms, byHealth, pendingBytes, byTier,
      worstLag: worstLag ? { ...worstLag, lagSec: Math.round(worstLag.lagSec) } : null,
      wanThroughputBitsPerSec,
      catchUp: options.catchUp?.() ?? null,
    };
  }

  return {
    observe(batch) {
      const at = now();
      if (lastObservedAt !== null && at > lastObservedAt) batchGapMs = at - lastObservedAt;
      lastObservedAt = at;
      let alertsChanged = false;
      for (const patch of batch.patches) {
        if (patch.op === 'clock') continue;
        if (patch.kind !== 'vm') continue;
        const id = patch.op === 'put' ? patch.value.id : patch.id;
        const vm = store.getVm(id);
        if (!vm || !isProtectedCopy(vm)) { seen.delete(id); continue; }
        alertsChanged = track(vm, at) || alertsChanged;
      }
      alertsChanged = escalateLongMisses(at) || alertsChanged;
      alertsChanged = correlate(at) || alertsChanged;
      if (alertsChanged) publishAlerts();
      notifier.tick(at);
      scheduleSummary();
    },
    summary,
    history(vmId, range) {
      const ring = rings.get(vmId);
      const vm = store.getVm(vmId);
      if (!vm) return null;
      const current = vm.replication ? { lastReplicationTime: vm.replication.lastReplicationTime, pendingBytes: vm.replication.pendingBytes } : undefined;
      return (ring?.[range] ?? new HistoryRing(RANGES[range].bucketMs, 1)).points(now(), RANGES[range].windowMs, current);
    },
    wanHistory() {
      const at = now();
      const { bucketMs, windowMs } = RANGES.hour;
      const shippedIn = new Map(wan.points(at, windowMs + bucketMs).map((p) => [p.t, p.transferBytes]));
      const points: WanHistory['points'] = [];
      // A bucket with nothing shipped is a zero (a cut link), not a gap; the running bucket is not complete.
      for (let t = Math.floor(Math.max(at - windowMs, startedAt) / bucketMs) * bucketMs; t + bucketMs <= at; t += bucketMs) {
        points.push({ t, bitsPerSec: Math.round(((shippedIn.get(t) ?? 0) * 8) / (bucketMs / 1000)) });
      }
      return { bucketMs, points };
    },
    setExternalAlert(subject, kind, alert) {
      const at = now();
      const changed = alert
        ? book.raise({ kind, severity: alert.severity, vmId: subject.id, vmName: subject.name, tier: null, message: alert.message, raisedAt: at, raisedWallAt: options.clock.now() })
        : book.clear(subject.id, kind, at);
      if (changed) publishAlerts();
    },
    alerts: () => book.list(),
    alertList: () => book.snapshot(),
    acknowledge(ids, by) {
      const missing = book.acknowledge(ids, by, options.clock.now());
      publishAlerts();
      return missing;
    },
    testChannel: (channel) => notifier.test(channel),
    dispose() {
      notifier.dispose();
      summaryTimer?.cancel();
      book.close();
    },
  };
}

function formatTarget(sec: number): string {
  return sec % 60 === 0 ? `${sec / 60} min` : `${sec} s`;
}
