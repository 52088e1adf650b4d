import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunPrediction } from '../../../shared/model/run-prediction.ts';
import { silentLogger } from '../testing/memory-ports.ts';
import { PredictionLog } from './prediction-log.ts';

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

function prediction(estateAt: number, rtoSec: number, type: RunPrediction['type'] = 'test-failover'): RunPrediction {
  return {
    planId: 'full-site', planName: 'Full site', planRevision: 1, type, predictedAt: estateAt, backend: 'lab', estateAt,
    vmCount: 2, rtoTargetSec: 3600, rtoSec, range: null, verdict: 'met', tiers: [], groups: [], criticalPath: [], bottleneck: null,
    calibration: { measuredVms: 0, defaultVms: 2, runs: [], medianFactor: 1, text: 'defaults' }, notes: [], wallMs: 1,
  };
}

describe('the prediction a run is reported against', () => {
  it('is the newest made before the run and after the previous run of the plan started, and survives a restart', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-predictions-'));
    dirs.push(dir);
    const log = new PredictionLog(dir, silentLogger());
    log.add(prediction(1_000, 600));
    log.add(prediction(1_500, 660));
    log.add(prediction(1_600, 900, 'planned-failover'));
    const first = { planId: 'full-site', type: 'test-failover' as const, startedAt: 2_000 };
    const second = { planId: 'full-site', type: 'test-failover' as const, startedAt: 5_000 };
    const runs = [first, second];
    expect(log.before(first, runs)?.rtoSec).toBe(660);
    // Nobody predicted the second drill: it has no prediction, not the first drill's.
    expect(log.before(second, runs)).toBeNull();
    log.add(prediction(4_000, 700));
    log.close();
    const reopened = new PredictionLog(dir, silentLogger());
    expect(reopened.before(second, runs)?.rtoSec).toBe(700);
    expect(reopened.before(first, runs)?.rtoSec).toBe(660);
    expect(reopened.before({ planId: 'full-site', type: 'planned-failover', startedAt: 2_000 }, runs)?.rtoSec).toBe(900);
    reopened.close();
  });
});
