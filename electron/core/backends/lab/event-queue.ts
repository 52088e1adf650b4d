import { BinaryHeap } from '../../util/binary-heap.ts';

/**
 * The lab's simulated clock and its agenda: a binary min-heap ordered by (time, insertion order).
 * Ties break by insertion order so the same commands always produce the same event order.
 */
export interface ScheduledEvent {
  readonly at: number;
  cancel(): void;
}

class Entry implements ScheduledEvent {
  at: number;
  seq: number;
  fn: () => void;
  cancelled = false;
  constructor(at: number, seq: number, fn: () => void) {
    this.at = at;
    this.seq = seq;
    this.fn = fn;
  }
  cancel(): void { this.cancelled = true; }
}

export class EventQueue {
  private readonly heap = new BinaryHeap<Entry>();
  private seq = 0;
  private current: number;
  /** Events run so far (cancelled ones excluded): the bench's and the status's busy-ness figure. */
  processed = 0;

  constructor(start: number) {
    this.current = start;
  }

  get now(): number { return this.current; }
  get size(): number { return this.heap.size; }

  /** Runs fn at simulated time `at` (never earlier than now); times are whole milliseconds. */
  at(at: number, fn: () => void): ScheduledEvent {
    const entry = new Entry(Math.max(this.current, Math.ceil(at)), this.seq++, fn);
    this.heap.push(entry, entry.at, entry.seq);
    return entry;
  }

  after(ms: number, fn: () => void): ScheduledEvent {
    return this.at(this.current + ms, fn);
  }

  /** Time of the next live event, or null. */
  peek(): number | null {
    while (this.heap.size > 0 && this.heap.peek()!.cancelled) this.heap.pop();
    return this.heap.size > 0 ? this.heap.peekKey()! : null;
  }

  /** Runs every event due up to and including `until`, then leaves the clock at `until`. */
  runUntil(until: number): void {
    const heap = this.heap;
    while (heap.size > 0 && heap.peekKey()! <= until) {
      const entry = heap.pop()!;
      if (entry.cancelled) continue;
      this.current = entry.at;
      this.processed += 1;
      entry.fn();
    }
    if (until > this.current) this.current = until;
  }
}
