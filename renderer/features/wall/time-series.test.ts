import { describe, expect, it } from 'vitest';
import { TimeSeries } from './time-series.ts';

const MIN = 60_000;

describe('bounded time series', () => {
  it('keeps one point per bucket, the newest value winning', () => {
    const s = new TimeSeries(60 * MIN, 10_000);
    expect(s.push(1_000, 5)).toBe(true);
    expect(s.push(9_000, 7)).toBe(true);
    expect(s.push(9_500, 7)).toBe(false);
    s.push(12_000, 1);
    expect(s.values()).toEqual([{ t: 0, value: 7 }, { t: 10_000, value: 1 }]);
  });

  it('never holds more than window / bucket + 1 points, however long it runs (two weeks at one every 5 s)', () => {
    const s = new TimeSeries(60 * MIN, 10_000);
    let max = 0;
    for (let t = 0; t < 14 * 24 * 60 * MIN; t += 5_000) {
      s.push(t, t % 7);
      max = Math.max(max, s.values().length);
    }
    expect(max).toBe(361);
    const points = s.values();
    expect(points.at(-1)!.t - points[0]!.t).toBeLessThanOrEqual(60 * MIN);
  });

  it('drops what fell out of the window after a gap', () => {
    const s = new TimeSeries(60 * MIN, 10_000);
    s.push(0, 1);
    s.push(30 * MIN, 2);
    s.push(95 * MIN, 3);
    expect(s.values().map((p) => p.value)).toEqual([3]);
  });

  it('starts afresh when the clock goes backwards (the lab restarted)', () => {
    const s = new TimeSeries(60 * MIN, 10_000);
    s.push(50 * MIN, 1);
    s.push(51 * MIN, 2);
    s.push(1 * MIN, 3);
    expect(s.values()).toEqual([{ t: MIN, value: 3 }]);
  });

  it('never mutates an array it handed out (a chart holding it re-renders on a new one)', () => {
    const s = new TimeSeries(60 * MIN, 10_000);
    s.push(0, 1);
    const before = s.values();
    s.push(5_000, 2);
    s.push(20_000, 3);
    expect(before).toEqual([{ t: 0, value: 1 }]);
  });

  it('refuses a window or bucket that is not positive', () => {
    expect(() => new TimeSeries(0, 10)).toThrow(/positive window and bucket/);
  });

  it('is seeded from a history up to where the live points begin, still bounded', () => {
    const s = new TimeSeries(60 * MIN, 30_000);
    s.push(90 * MIN, 9);
    s.seed(Array.from({ length: 200 }, (_, i) => ({ t: i * 30_000, value: i })));
    const points = s.values();
    expect(points.at(-1)).toEqual({ t: 90 * MIN, value: 9 });
    expect(points.at(-2)).toEqual({ t: 90 * MIN - 30_000, value: 179 });
    expect(points[0]).toEqual({ t: 30 * MIN, value: 60 });
    expect(points.length).toBe(s.maxPoints);
  });
});
