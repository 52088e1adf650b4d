import { BinaryHeap } from '../../util/binary-heap.ts';

/**
 * The lab's simulated clock and its agenda: a binary min-heap ordered by (time, insertion order).
 * Ties break by insertion order so the same commands always produce the same event order.
 */
export interface ScheduledEvent {
  readonly at: number;
  /**
   * What the event is, as data, for the events a snapshot can re-create (a replication cycle, a WAN
   * delivery); an untagged event is an operation in flight, and the world is not snapshotted then.
   */
  readonly tag: object | undefined;
  cancel(): void;
}

class Entry implements ScheduledEvent {
  at: number;
  seq: number;
  fn: () => void;
  tag: object | undefined;
  cancelled = false;
  constructor(at: number, seq: number, fn: () => void, tag: object | undefined) {
    this.at = at;
    this.seq = seq;
    this.fn = fn;
    this.tag = tag;
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
  at(at: number, fn: () => void, tag?: object): ScheduledEvent {
    const entry = new Entry(Math.max(this.current, Math.ceil(at)), this.seq++, fn, tag);
    this.heap.push(entry, entry.at, entry.seq);
    return entry;
  }

  after(ms: number, fn: () => void, tag?: object): ScheduledEvent {
    return this.at(this.current + ms, fn, tag);
  }

  /** Time of the next live event, or null. */
  peek(): number | null {
    while (this.heap.size > 0 && this.heap.peek()!.cancelled) this.heap.pop();
    return this.heap.size > 0 ? this.heap.peekKey()! : null;
  }

  /** The live events in the order they will run: what a snapshot of the world must re-create. */
  pending(): ScheduledEvent[] {
    const live = this.heap.toArray().filter((e) => !e.cancelled);
    return live.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /**
   * Empties the agenda and sets the clock and the count, for a world restored from a snapshot (its
   * engines then schedule their pending events again, in the order the snapshot kept).
   */
  reset(now: number, processed: number): void {
    this.heap.clear();
    this.current = now;
    this.processed = processed;
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
