import { BinaryHeap } from '../util/binary-heap.ts';

/**
 * Min-heap of (time, id) with lazy deletion: the estate store asks "which RPOs run out by now?"
 * on every clock tick, and on a 10,000-VM estate walking every VM per tick costs more than the
 * simulation itself. Stale entries are skipped by the caller's check, not removed here.
 */
export class BreachQueue {
  private readonly heap = new BinaryHeap<string>();

  get size(): number {
    return this.heap.size;
  }

  push(time: number, id: string): void {
    this.heap.push(id, time);
  }

  /** Removes and returns every id due at or before `now`, earliest first. */
  popDue(now: number): string[] {
    const due: string[] = [];
    while (this.heap.size > 0 && this.heap.peekKey()! <= now) due.push(this.heap.pop()!);
    return due;
  }
}
