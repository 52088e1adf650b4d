import { describe, expect, it } from 'vitest';
import { generateLabEstate } from '../backends/lab/estate-generator.ts';
import { HistoryRing } from './history-ring.ts';
import { MONITOR_START, replicationMonitorSuite } from './replication-monitor-suite.ts';

replicationMonitorSuite('the lab', async () => generateLabEstate({ seed: 5, vmCount: 40, startTime: MONITOR_START }));

describe('history ring', () => {
  it('folds samples of one bucket and forgets the oldest beyond its size', () => {
    const ring = new HistoryRing(1000, 3);
    ring.record(100, 5, 10, 1);
    ring.record(900, 7, 20, 2);
    expect(ring.points(1000, 10_000)).toEqual([{ t: 0, lagSec: 7, pendingBytes: 20, transferBytes: 3 }]);
    for (let i = 1; i <= 4; i++) ring.record(i * 1000, i, i, 0);
    expect(ring.points(5000, 100_000).map((p) => p.t)).toEqual([2000, 3000, 4000]);
  });
});
