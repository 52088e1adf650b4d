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

  /**
   * Oldest first, only buckets within `windowMs` before `now`. `since` describes the VM as it is:
   * buckets after the last recorded one saw no replication change (any change is recorded), so
   * their lag is exact — it grew from the last replication — and they are filled in. Without that
   * the charts stopped at the moment a WAN cut stopped replication, when the lag is the point.
   */
  points(now: number, windowMs: number, since?: { lastReplicationTime: number | null; pendingBytes: number }): HistoryPoint[] {
    const out: HistoryPoint[] = [];
    for (let i = this.count - 1; i >= 0; i--) {
      const slot = (this.head - i + this.size) % this.size;
      const t = this.t[slot]!;
      if (t < now - windowMs) continue;
      let lagSec = this.lag[slot]!;
      // The newest bucket was recorded at its last change; its lag has grown since.
      if (i === 0 && since?.lastReplicationTime != null) lagSec = Math.max(lagSec, (Math.min(t + this.bucketMs, now) - since.lastReplicationTime) / 1000);
      out.push({ t, lagSec: Math.round(lagSec * 10) / 10, pendingBytes: this.pending[slot]!, transferBytes: this.transfer[slot]! });
    }
    const last = since?.lastReplicationTime ?? null;
    if (since && last !== null) {
      const recorded = this.count > 0 ? this.t[this.head]! : -Infinity;
      const first = Math.max(recorded + this.bucketMs, Math.floor(Math.max(now - windowMs, last) / this.bucketMs) * this.bucketMs);
      const from = Math.max(first, Math.floor(now / this.bucketMs) * this.bucketMs - (this.size - 1) * this.bucketMs);
      for (let t = from; t <= now; t += this.bucketMs) {
        if (t < now - windowMs) continue;
        // The worst lag in the bucket is at its end (or now, for the bucket in progress).
        const lagSec = Math.max(0, (Math.min(t + this.bucketMs, now) - last) / 1000);
        out.push({ t, lagSec: Math.round(lagSec * 10) / 10, pendingBytes: since.pendingBytes, transferBytes: 0 });
      }
    }
    return out;
  }
}
