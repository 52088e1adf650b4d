import { describe, expect, it } from 'vitest';
import type { Host } from '../../../shared/model/estate.ts';
import { liveMigrationMs, MIGRATION_MODEL } from '../backends/lab/live-migration.ts';
import { drainLowerBoundSec, liveLowerBound, type PlannerHost } from './drain-planner.ts';
import { DEFAULT_MIGRATION_MODEL, minLiveBytes } from './migration-model.ts';
import { rollingAvoid } from './rolling-run.ts';

const GiB = 1024 ** 3;
const R = DEFAULT_MIGRATION_MODEL.bytesPerSec.Compression;
const source: PlannerHost = { id: 'S', name: 'S', state: 'Up', capacityBytes: 512 * GiB, usedBytes: 0, logicalProcessors: 64, vcpuAssigned: 0, busyCores: 0, maxVmMigrations: 2, performance: 'Compression' };

describe('migration lower bounds', () => {
  it('count the least pre-copy re-sends, and stay below what the lab takes even for its idlest guest', () => {
    for (const gib of [4, 8, 16, 32, 64, 96]) {
      const mem = gib * GiB;
      const least = minLiveBytes(mem, R);
      expect(least).toBeGreaterThan(mem);
      // The lab's guests dirty at least 0.2 %/s; uncontended is the fastest a migration runs.
      const labSec = liveMigrationMs(mem, 0.002, MIGRATION_MODEL.memoryBytesPerSec.Compression) / 1000;
      const bound = drainLowerBoundSec([{ memoryBytes: mem, running: true }], ['live'], source).sec;
      expect(bound).toBeLessThanOrEqual(labSec + 1e-9);
      // A busier guest, or a shared source, only takes longer.
      expect(liveMigrationMs(mem, 0.01, R / 2) / 1000).toBeGreaterThan(bound);
    }
  });

  it('a drain is its bytes over the source rate; bytes reported are memory, not re-sends', () => {
    const vms = [32, 32, 16, 8].map((g) => ({ memoryBytes: g * GiB, running: true }));
    const b = drainLowerBoundSec(vms, ['live', 'live', 'live', 'offline'], source);
    expect(b.bytes).toBe(80 * GiB);
    expect(b.sec).toBeGreaterThan((80 * GiB) / R);
    expect(b.sec).toBeLessThan((80 * GiB * 1.1) / R);
  });

  it('a failback is limited by the slots of the node it returns to', () => {
    const four = [32 * GiB, 32 * GiB, 32 * GiB, 32 * GiB];
    const one = liveLowerBound(four, [R, R, R, R], 1);
    const two = liveLowerBound(four, [R, R, R, R], 2);
    expect(one).toBeCloseTo(2 * two, 0);
  });
});

describe('rolling maintenance destinations', () => {
  const order = Array.from({ length: 8 }, (_, i) => ({ id: `h${i}` }) as Host);
  it('avoid the nodes out or failing back, and the ones that drain before this failback ends', () => {
    expect(rollingAvoid(order, 3, 1)).toEqual(['h2', 'h4']);
    expect(rollingAvoid(order, 3, 2)).toEqual(['h1', 'h2', 'h4', 'h5', 'h6']);
    expect(rollingAvoid(order, 7, 2)).toEqual(['h5', 'h6']);
  });
});
