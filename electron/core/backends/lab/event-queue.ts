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
  private heap: Entry[] = [];
  private seq = 0;
  private current: number;
  /** Events run so far (cancelled ones excluded): the bench's and the status's busy-ness figure. */
  processed = 0;

  constructor(start: number) {
    this.current = start;
  }

  get now(): number { return this.current; }
  get size(): number { return this.heap.length; }

  /** Runs fn at simulated time `at` (never earlier than now); times are whole milliseconds. */
  at(at: number, fn: () => void): ScheduledEvent {
    const entry = new Entry(Math.max(this.current, Math.ceil(at)), this.seq++, fn);
    this.push(entry);
    return entry;
  }

  after(ms: number, fn: () => void): ScheduledEvent {
    return this.at(this.current + ms, fn);
  }

  /** Time of the next live event, or null. */
  peek(): number | null {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap.length > 0 ? this.heap[0]!.at : null;
  }

  /** Runs every event due up to and including `until`, then leaves the clock at `until`. */
  runUntil(until: number): void {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.at <= until) {
      const entry = this.pop()!;
      if (entry.cancelled) continue;
      this.current = entry.at;
      this.processed += 1;
      entry.fn();
    }
    if (until > this.current) this.current = until;
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && before(heap[r]!, heap[l]!) ? r : l;
      if (!before(heap[child]!, last)) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
