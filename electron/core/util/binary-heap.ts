/**
 * A binary min-heap ordered by `before` (true when a comes out before b). Ties come out in an order
 * fixed by the sequence of pushes and pops, so the same commands always give the same order; a queue
 * that needs first-in-first-out among equals puts an insertion counter into `before`.
 */
export class BinaryHeap<T> {
  private items: T[] = [];
  private readonly before: (a: T, b: T) => boolean;

  constructor(before: (a: T, b: T) => boolean) {
    this.before = before;
  }

  get size(): number { return this.items.length; }

  /** The first item, left in place. */
  peek(): T | undefined { return this.items[0]; }

  push(item: T): void {
    const heap = this.items;
    const before = this.before;
    heap.push(item);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  pop(): T | undefined {
    const heap = this.items;
    const before = this.before;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return top;
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

  /** Empties the heap and returns what it held, in heap (not sorted) order. */
  clear(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}
