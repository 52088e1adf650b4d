import { describe, expect, it } from 'vitest';
import { createLabRehearsal } from '../backends/lab/lab-rehearsal.ts';
import { createLabRig, settled, testPlan } from '../testing/lab-rig.ts';
import { manualClock, silentLogger } from '../testing/memory-ports.ts';
import type { RunType } from '../../../shared/model/recovery-run.ts';
import { calibrationFrom } from './boot-calibration.ts';
import { predictRun, type PredictionInput } from './run-prediction.ts';
import { summarize } from './run-summary.ts';

const clock = manualClock(Date.UTC(2026, 0, 1));
const noCalibration = { scale: new Map<string, number>(), source: new Map<string, string>() };

async function rigWithPlan() {
  const rig = await createLabRig({ vmCount: 60 });
  rig.sim.runFor(10 * 60_000);
  const plan = testPlan();
  const input = (type: RunType, extra: Partial<PredictionInput> = {}): PredictionInput => ({
    plan, type, estate: rig.estate.snapshot(), rehearse: (o) => createLabRehearsal(o, clock), calibration: noCalibration,
    loss: null, backendIsLab: true, faults: [], logger: silentLogger(), now: () => clock.now(), ...extra,
  });
  return { rig, plan, input };
}

async function drill(rig: Awaited<ReturnType<typeof rigWithPlan>>['rig'], plan: ReturnType<typeof testPlan>) {
  const report = await rig.service.preflight(plan, 'test-failover', { kind: 'latest' });
  const run = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), actor: 'test' });
  await rig.drive(settled(rig.service, run.id));
  const done = rig.service.get(run.id);
  rig.service.finish(run.id, 'cleanup', 'test');
  await rig.drive(() => rig.service.get(run.id).finishes[0]?.status === 'done');
  return done;
}

describe('predicted RTO from a rehearsal on a copy of the estate', () => {
  it('predicts a drill on the lab within 5 % of what the drill then achieves, and touches nothing live', async () => {
    const { rig, plan, input } = await rigWithPlan();
    const before = JSON.stringify(rig.estate.snapshot().vms);
    const prediction = await predictRun(input('test-failover'));
    expect(JSON.stringify(rig.estate.snapshot().vms)).toBe(before);
    expect(prediction.range).toBeNull();
    expect(prediction.verdict).toBe('met');
    expect(prediction.criticalPath.length).toBe(plan.groups.length);
    expect(prediction.bottleneck).not.toBeNull();
    expect(prediction.calibration.measuredVms).toBe(0);
    const achieved = summarize(await drill(rig, plan)).achievedRtoSec!;
    expect(Math.abs(prediction.rtoSec! - achieved) / achieved).toBeLessThanOrEqual(0.05);
    await rig.dispose();
  });

  it('calibrates from the boots an earlier run measured, and says so', async () => {
    const { rig, plan, input } = await rigWithPlan();
    const run = await drill(rig, plan);
    const calibration = calibrationFrom([run], () => false);
    const prediction = await predictRun(input('test-failover', { calibration }));
    expect(prediction.calibration.measuredVms).toBe(run.vms.length);
    expect(prediction.calibration.runs).toEqual([run.id]);
    expect(prediction.calibration.text).toContain(run.id);
    // The lab's guests boot as the model says: measured, they read as the model, and the second drill is
    // predicted as well as the first (the drill waited for a heartbeat, not for applications).
    expect(prediction.calibration.medianFactor).toBeGreaterThan(0.9);
    expect(prediction.calibration.medianFactor).toBeLessThan(1.2);
    const second = summarize(await drill(rig, plan)).achievedRtoSec!;
    expect(Math.abs(prediction.rtoSec! - second) / second).toBeLessThanOrEqual(0.05);
    // Guests measured twice as slow make the copy slower.
    const slow = { scale: new Map([...calibration.scale].map(([n, f]) => [n, f * 2])), source: calibration.source };
    const slower = await predictRun(input('test-failover', { calibration: slow }));
    expect(slower.rtoSec!).toBeGreaterThan(prediction.rtoSec! * 1.3);
    await rig.dispose();
  });

  it('gives a range, not a point, when a fault is active or durations are guesses', async () => {
    const { rig, input } = await rigWithPlan();
    const faulted = await predictRun(input('test-failover', { faults: ['HV-A01 crashed'] }));
    expect(faulted.range).toMatchObject({ highSec: null });
    expect(faulted.range!.why).toContain('HV-A01 crashed');
    const guessed = await predictRun(input('test-failover', { backendIsLab: false }));
    expect(guessed.range!.lowSec).toBeLessThan(guessed.rtoSec!);
    expect(guessed.range!.highSec!).toBeGreaterThan(guessed.rtoSec!);
    await rig.dispose();
  });
});
