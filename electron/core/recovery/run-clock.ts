import type { ClockStart, RtoVerdict, RunStatus, RunType, VmRun } from '../../../shared/model/recovery-run.ts';

/**
 * The clock rules of a run, in one place so the executor, the summary and their tests agree:
 * where RTO is counted from, what RPO is measured to, and when a target is met.
 */

/** The primary's loss as the estate saw it (OutageWatch): the first host down, or the whole site. */
export interface LossSighting {
  at: number;
  basis: 'site-lost' | 'hosts-down';
  detail: string;
}

/**
 * An unplanned failover counts from the moment the primary was lost: the operator's minutes of
 * deciding are part of the outage the patients see. Everything else (a drill, a planned move, a
 * failback) is started on purpose, so it counts from its own start. A loss "seen" after the run
 * started is not the disaster this run answers, and an unseen one cannot be dated: both fall back
 * to the run's start, and say so.
 */
export function clockStartFor(type: RunType, runStart: number, loss: LossSighting | null): ClockStart {
  if (type !== 'unplanned-failover') {
    return { at: runStart, basis: 'run-start', detail: type === 'test-failover' ? 'a drill counts from its own start' : 'a planned move counts from its own start' };
  }
  if (loss && loss.at <= runStart) return { at: loss.at, basis: loss.basis, detail: loss.detail };
  return { at: runStart, basis: 'run-start', detail: 'no loss of the primary was seen by this console, so the run\'s start is the earliest moment it can vouch for' };
}

/** The moment the primary copy was last known to be writing: its host's loss, else the site's, else the run's start. */
export function primaryLastSeenAt(hostDownAt: number | null, clock: ClockStart): number {
  return hostDownAt ?? clock.at;
}

/** Unplanned: the changes written after the last replication received until the primary was last seen alive. */
export function unplannedRpoSec(pointAt: number, primaryLastSeen: number): number {
  return Math.max(0, primaryLastSeen - pointAt) / 1000;
}

/** Drill: the age of the point the test copy started from, when the copy was made. */
export function drillRpoSec(pointAt: number, copyStartedAt: number): number {
  return Math.max(0, copyStartedAt - pointAt) / 1000;
}

export function rtoSecOf(healthyAt: number | null, clock: ClockStart): number | null {
  return healthyAt === null ? null : Math.max(0, healthyAt - clock.at) / 1000;
}

/** The run's clock start, for runs journaled before it was recorded: their own start. */
export function clockOf(run: { startedAt: number; clockStart?: ClockStart | undefined }): ClockStart {
  return run.clockStart ?? { at: run.startedAt, basis: 'run-start', detail: 'counted from the run\'s start (recorded before the disaster clock existed)' };
}

const STOPPED: ReadonlySet<RunStatus> = new Set(['completed', 'aborted']);

/**
 * A VM meets the target only by being healthy within it. Skipped or aborted is a miss, never "within
 * target"; still missing once the run stopped is a miss; still missing in a running run is a miss
 * once the target has passed, pending before that.
 */
export function vmRtoVerdict(vm: Pick<VmRun, 'status' | 'timing'>, clock: ClockStart, targetSec: number, runStatus: RunStatus, now: number): RtoVerdict {
  if (vm.status === 'skipped' || vm.status === 'aborted') return 'missed';
  const rto = rtoSecOf(vm.timing.healthyAt, clock);
  if (rto !== null) return rto <= targetSec ? 'met' : 'missed';
  if (STOPPED.has(runStatus)) return 'missed';
  return (now - clock.at) / 1000 > targetSec ? 'missed' : 'pending';
}

/** Many verdicts as one: any miss is a miss; anything still open keeps it pending. */
export function combineVerdicts(verdicts: readonly RtoVerdict[]): RtoVerdict {
  if (verdicts.includes('missed')) return 'missed';
  if (verdicts.length === 0 || verdicts.includes('pending')) return 'pending';
  return 'met';
}
