import type { HistoryPoint } from '../../../shared/model/replication.ts';

/**
 * Fixed-size history of one series at a fixed bucket width: memory stays bounded however long the
 * console runs and however fast the lab goes. Samples in the same bucket are folded (worst lag,
 * latest pending, summed transfer), so a 600× lab does not overflow an hour's ring in six seconds.
 */
export class HistoryRing {
  readonly bucketMs: number;
  readonly size: number;
  private readonly t: Float64Array;
  private readonly lag: Float32Array;
  private readonly pending: Float64Array;
  private readonly transfer: Float64Array;
  private head = -1;
  private count = 0;

  constructor(bucketMs: number, size: number) {
    this.bucketMs = bucketMs;
    this.size = size;
    this.t = new Float64Array(size);
    this.lag = new Float32Array(size);
    this.pending = new Float64Array(size);
    this.transfer = new Float64Array(size);
  }

  record(at: number, lagSec: number, pendingBytes: number, transferBytes: number): void {
    const bucket = Math.floor(at / this.bucketMs) * this.bucketMs;
    if (this.count > 0 && this.t[this.head] === bucket) {
      this.lag[this.head] = Math.max(this.lag[this.head]!, lagSec);
      this.pending[this.head] = pendingBytes;
      this.transfer[this.head]! += transferBytes;
      return;
    }
    if (this.count > 0 && bucket < this.t[this.head]!) return;
    this.head = (this.head + 1) % this.size;
    this.count = Math.min(this.count + 1, this.size);
    this.t[this.head] = bucket;
    this.lag[this.head] = lagSec;
    this.pending[this.head] = pendingBytes;
    this.transfer[this.head] = transferBytes;
  }

  /** Oldest first, only buckets within `windowMs` before `now`. */
  points(now: number, windowMs: number): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = (this.head - i + this.size) % this.size;
      const t = this.t[slot]!;
      if (t < now - windowMs) continue;
      out.push({ t, lagSec: Math.round(this.lag[slot]! * 10) / 10, pendingBytes: this.pending[slot]!, transferBytes: this.transfer[slot]! });
    }
    return out;
  }
}
