import type { DrillSchedule } from '../../../shared/model/recovery-plan.ts';
import type { RunHistoryPoint, RunSnapshot } from '../../../shared/model/recovery-run.ts';
import { latestSignOffs } from '../../../shared/model/drill-session.ts';
import { summarize } from './run-summary.ts';

const DAY_MS = 86_400_000;

/**
 * One run as the plan's history charts it. `now` is the backend clock: a run still going is judged
 * as summarize judges it (a VM still missing past the target has already missed it).
 */
export function historyPoint(run: RunSnapshot, now: number): RunHistoryPoint {
  const summary = summarize(run, now);
  let failures = 0;
  for (const vm of run.vms) for (const step of vm.steps) if (step.error !== null) failures += 1;
  for (const group of run.groups) for (const step of [...group.before, ...group.after]) if (step.error !== null) failures += 1;
  const latest = latestSignOffs(run.checklist?.applications ?? [], run.signOffs ?? []);
  return {
    runId: run.id, type: run.type, status: run.status, startedAt: run.startedAt, rtoTargetSec: run.rtoTargetSec,
    achievedRtoSec: summary.achievedRtoSec, predictedRtoSec: run.predictedRtoSec ?? null,
    tier0RtoSec: summary.tiers.find((t) => t.tier === 0)?.rtoSec ?? null,
    rtoVerdict: summary.rtoVerdict, failures, vmsMissed: summary.vmsMissed, vmCount: run.vms.length,
    applicationsFailed: latest.filter((l) => l.signOff?.verdict === 'failed').length,
  };
}

/**
 * When a plan's next drill is due: its newest test failover (aborted ones do not count: they proved
 * nothing) plus the cadence. Never drilled: due now, so overdue.
 */
export function drillSchedule(cadenceDays: number, drills: readonly { type: string; status: string; startedAt: number }[], now: number): DrillSchedule {
  const starts = drills.filter((r) => r.type === 'test-failover' && r.status !== 'aborted').map((r) => r.startedAt);
  const lastDrillAt = starts.length > 0 ? Math.max(...starts) : null;
  const dueAt = lastDrillAt === null ? null : lastDrillAt + cadenceDays * DAY_MS;
  return { cadenceDays, lastDrillAt, dueAt, overdue: dueAt === null || now > dueAt };
}
