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
  /** The VM's last replication as of the bucket's latest sample; NaN before the first one. */
  private readonly lastReplication: Float64Array;
  private head = -1;
  private count = 0;

  constructor(bucketMs: number, size: number) {
    this.bucketMs = bucketMs;
    this.size = size;
    this.t = new Float64Array(size);
    this.lag = new Float32Array(size);
    this.pending = new Float64Array(size);
    this.transfer = new Float64Array(size);
    this.lastReplication = new Float64Array(size);
  }

  record(at: number, lagSec: number, pendingBytes: number, transferBytes: number, lastReplicationTime: number | null = null): void {
    const bucket = Math.floor(at / this.bucketMs) * this.bucketMs;
    const last = lastReplicationTime ?? Number.NaN;
    if (this.count > 0 && this.t[this.head] === bucket) {
      this.lag[this.head] = Math.max(this.lag[this.head]!, lagSec);
      this.pending[this.head] = pendingBytes;
      this.transfer[this.head]! += transferBytes;
      this.lastReplication[this.head] = last;
      return;
    }
    if (this.count > 0 && bucket < this.t[this.head]!) return;
    this.head = (this.head + 1) % this.size;
    this.count = Math.min(this.count + 1, this.size);
    this.t[this.head] = bucket;
    this.lag[this.head] = lagSec;
    this.pending[this.head] = pendingBytes;
    this.transfer[this.head] = transferBytes;
    this.lastReplication[this.head] = last;
  }

  /**
   * Oldest first, one point per bucket within `windowMs` before `now`. Every change to the VM's
   * replication is recorded, so a bucket with no sample saw none: its lag grew from the last
   * replication of the sample before it, exactly, and it is filled in — as is the time since the
   * newest sample, from `current` (the VM as it is). Without that the lag chart stopped when a
   * WAN cut stopped replication, which is when someone looks at it.
   */
  points(now: number, windowMs: number, current?: { lastReplicationTime: number | null; pendingBytes: number }): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    const windowStart = now - windowMs;
    const firstBucket = Math.floor(windowStart / this.bucketMs) * this.bucketMs;
    const lagAt = (bucket: number, last: number) => Math.max(0, (Math.min(bucket + this.bucketMs, now) - last) / 1000);
    const push = (t: number, lagSec: number, pendingBytes: number, transferBytes: number) => {
      if (t >= windowStart) out.push({ t, lagSec: Math.round(lagSec * 10) / 10, pendingBytes, transferBytes });
    };
    /** Buckets from `from` up to (not including) `to` with no sample, lag growing from `last`. */
    const fill = (from: number, to: number, last: number, pendingBytes: number) => {
      if (Number.isNaN(last)) return;
      for (let t = Math.max(from, firstBucket, Math.floor(last / this.bucketMs) * this.bucketMs); t < to && t <= now; t += this.bucketMs) push(t, lagAt(t, last), pendingBytes, 0);
    };
    let prev: { t: number; last: number; pending: number } | null = null;
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = (this.head - i + this.size) % this.size;
      const t = this.t[slot]!;
      const last = this.lastReplication[slot]!;
      if (prev) fill(prev.t + this.bucketMs, t, prev.last, prev.pending);
      const lagSec = Number.isNaN(last) ? this.lag[slot]! : Math.max(this.lag[slot]!, lagAt(t, last));
      push(t, lagSec, this.pending[slot]!, this.transfer[slot]!);
      prev = { t, last, pending: this.pending[slot]! };
    }
    if (current && current.lastReplicationTime !== null) fill(prev ? prev.t + this.bucketMs : firstBucket, Number.POSITIVE_INFINITY, current.lastReplicationTime, current.pendingBytes);
    return out;
  }
}
