import { describe, expect, it } from 'vitest';
import { generateLabEstate } from '../backends/lab/estate-generator.ts';
import { HistoryRing } from './history-ring.ts';
import { MONITOR_START, replicationMonitorSuite } from '../testing/replication-monitor-suite.ts';

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

  it('fills buckets without a sample: the lag grew from the last replication, exactly', () => {
    const ring = new HistoryRing(1000, 10);
    ring.record(500, 0.5, 7, 0, 0);
    // Nothing changed until 4.2 s, when a cycle landed with the replication taken at 4 s.
    ring.record(4200, 4.2, 7, 0, 0);
    ring.record(4200, 0.2, 0, 7, 4000);
    expect(ring.points(6500, 100_000)).toEqual([
      { t: 0, lagSec: 1, pendingBytes: 7, transferBytes: 0 },
      { t: 1000, lagSec: 2, pendingBytes: 7, transferBytes: 0 },
      { t: 2000, lagSec: 3, pendingBytes: 7, transferBytes: 0 },
      { t: 3000, lagSec: 4, pendingBytes: 7, transferBytes: 0 },
      { t: 4000, lagSec: 4.2, pendingBytes: 0, transferBytes: 7 },
    ]);
    expect(ring.points(6500, 100_000, { lastReplicationTime: 4000, pendingBytes: 3 }).slice(5)).toEqual([
      { t: 5000, lagSec: 2, pendingBytes: 3, transferBytes: 0 },
      { t: 6000, lagSec: 2.5, pendingBytes: 3, transferBytes: 0 },
    ]);
  });
});
