export interface SeriesPoint {
  /** Estate clock, epoch ms: the start of the point's bucket. */
  t: number;
  value: number;
}

/**
 * A bounded series over the last `windowMs` of the estate clock, one point per `bucketMs` (the
 * newest value in a bucket wins). It holds at most windowMs / bucketMs + 1 points however long the
 * wall runs; a clock that goes backwards (the lab restarted) starts it afresh.
 */
export class TimeSeries {
  private points: SeriesPoint[] = [];
  readonly maxPoints: number;
  readonly windowMs: number;
  readonly bucketMs: number;

  constructor(windowMs: number, bucketMs: number) {
    if (!(windowMs > 0) || !(bucketMs > 0)) throw new Error(`TimeSeries needs a positive window and bucket (got ${windowMs} ms, ${bucketMs} ms).`);
    this.windowMs = windowMs;
    this.bucketMs = bucketMs;
    this.maxPoints = Math.ceil(windowMs / bucketMs) + 1;
  }

  /** Returns true when the visible points changed. */
  push(at: number, value: number): boolean {
    const t = Math.floor(at / this.bucketMs) * this.bucketMs;
    const last = this.points.at(-1);
    if (last && t < last.t) this.points = [];
    const next = this.points.at(-1);
    if (next && next.t === t) {
      if (next.value === value) return false;
      this.points = [...this.points.slice(0, -1), { t, value }];
      return true;
    }
    const from = t - this.windowMs;
    let start = 0;
    while (start < this.points.length && this.points[start]!.t < from) start++;
    start = Math.max(start, this.points.length + 1 - this.maxPoints);
    // A fresh array each change, so a chart given it re-renders (and an old one is never mutated).
    this.points = [...this.points.slice(start), { t, value }];
    return true;
  }

  /**
   * Fills the series from a history (the core's, when the wall opens or comes back): its points up
   * to where the live ones begin, then the live ones. Points must be oldest first.
   */
  seed(history: readonly SeriesPoint[]): void {
    const firstLive = this.points[0]?.t ?? Infinity;
    const older = history.filter((p) => p.t < firstLive).map((p) => ({ t: Math.floor(p.t / this.bucketMs) * this.bucketMs, value: p.value }));
    const merged = [...older, ...this.points];
    const newest = merged.at(-1)?.t ?? 0;
    this.points = merged.filter((p) => p.t >= newest - this.windowMs).slice(-this.maxPoints);
  }

  values(): readonly SeriesPoint[] {
    return this.points;
  }

  clear(): void {
    this.points = [];
  }
}
