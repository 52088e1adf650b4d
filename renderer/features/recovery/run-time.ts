import { useEffect, useState } from 'react';
import type { RunSnapshot, VmRun } from '../../../shared/model/recovery-run.ts';
import { extrapolateClock } from '../../platform/clock-extrapolation.ts';
import { useConnection, useEstate } from '../../platform/services-context.tsx';

/** The estate's clock (the run's clock: simulated on the lab), moving smoothly between ticks. */
export function useEstateNow(active: boolean): number | null {
  const clock = useEstate((s) => s.snapshot?.clock);
  const receivedAt = useEstate((s) => s.clockReceivedAt);
  const live = useConnection((s) => s.state === 'connected');
  const [wallNow, setWallNow] = useState(() => performance.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setWallNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, [active]);
  if (!clock) return null;
  return extrapolateClock(clock, receivedAt, Math.max(wallNow, receivedAt), live);
}

export function isActive(run: Pick<RunSnapshot, 'status'>): boolean {
  return run.status === 'running' || run.status === 'aborting' || run.status === 'finishing';
}

/** Where "now" is on the run's timeline: the estate clock while it runs, its end once it stopped. */
export function runNow(run: RunSnapshot, estateNow: number | null): number {
  // After the failover itself, the timeline stays on it: commit or cleanup hours later must not squash it.
  if (run.mainEndedAt !== null) return run.mainEndedAt;
  if (!isActive(run)) return run.endedAt ?? latestTime(run);
  return Math.max(estateNow ?? 0, latestTime(run), run.startedAt);
}

function latestTime(run: RunSnapshot): number {
  let t = run.startedAt;
  for (const g of run.groups) t = Math.max(t, g.endedAt ?? g.startedAt ?? t);
  return t;
}

/** Elapsed seconds of the main phase: from start to the end of the failover itself. */
export function elapsedSec(run: RunSnapshot, now: number): number {
  const end = run.mainEndedAt ?? now;
  return Math.max(0, (end - run.startedAt) / 1000);
}

/** Current or last step of a VM, for one short line in its row. */
export function currentStep(vm: VmRun): VmRun['steps'][number] | undefined {
  return vm.steps.find((s) => s.status === 'running' || s.status === 'waiting-operator' || s.status === 'failed')
    ?? vm.steps.find((s) => s.status === 'pending')
    ?? vm.steps.at(-1);
}

export function stepsDone(vm: VmRun): number {
  let n = 0;
  for (const s of vm.steps) if (s.status === 'done' || s.status === 'skipped') n++;
  return n;
}
