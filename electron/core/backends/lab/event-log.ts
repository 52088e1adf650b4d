import type { LabEvent } from '../../../../shared/model/lab.ts';

/**
 * The lab's event log: what an engineer would read in the Hyper-V and cluster event logs. Keeps the
 * most recent events plus a running digest of all of them, so determinism can be checked over runs
 * far longer than what is kept in memory.
 */
export class EventLog {
  private readonly keep: number;
  private ring: LabEvent[] = [];
  private outbox: LabEvent[] = [];
  private hash = 0x811c9dc5;
  count = 0;

  constructor(keep = 5000) {
    this.keep = keep;
  }

  add(event: Omit<LabEvent, 'seq'>): LabEvent {
    this.count += 1;
    const full: LabEvent = { seq: this.count, ...event };
    this.ring.push(full);
    if (this.ring.length > this.keep * 1.5) this.ring = this.ring.slice(-this.keep);
    this.outbox.push(full);
    // Nobody draining (a lab stepped by hand): keep the newest, like the ring.
    if (this.outbox.length > this.keep * 2) this.outbox = this.outbox.slice(-this.keep);
    const text = `${full.at}|${full.kind}|${full.vm ?? ''}|${full.host ?? ''}|${full.message}`;
    let h = this.hash;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    this.hash = h >>> 0;
    return full;
  }

  saveState(): { ring: LabEvent[]; hash: number; count: number } {
    return { ring: this.ring.map((e) => ({ ...e })), hash: this.hash, count: this.count };
  }

  /** Events restored from a snapshot were streamed when they happened: none is waiting to be drained. */
  restoreState(state: { ring: LabEvent[]; hash: number; count: number }): void {
    this.ring = state.ring.map((e) => ({ ...e }));
    this.hash = state.hash;
    this.count = state.count;
    this.outbox = [];
  }

  /** FNV-1a over every event ever logged, in order. */
  get digest(): string { return this.hash.toString(16).padStart(8, '0'); }

  recent(limit: number): LabEvent[] {
    return this.ring.slice(-limit);
  }

  all(): LabEvent[] {
    return [...this.ring];
  }

  /** Events logged since the last drain, for the live stream. */
  drain(): LabEvent[] {
    const out = this.outbox;
    this.outbox = [];
    return out;
  }
}
