import { describe, expect, it } from 'vitest';
import { BinaryHeap } from './binary-heap.ts';

describe('BinaryHeap', () => {
  it('pops in order, whatever the order of pushes', () => {
    const heap = new BinaryHeap<number>((a, b) => a < b);
    const values = [5, 3, 9, 1, 7, 3, 8, 2, 6, 4, 0];
    for (const v of values) heap.push(v);
    expect(heap.size).toBe(values.length);
    expect(heap.peek()).toBe(0);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out).toEqual([...values].sort((a, b) => a - b));
    expect(heap.pop()).toBeUndefined();
  });

  it('keeps first-in-first-out among equals when before breaks ties by a counter', () => {
    let seq = 0;
    const heap = new BinaryHeap<{ at: number; seq: number }>((a, b) => a.at < b.at || (a.at === b.at && a.seq < b.seq));
    for (const at of [2, 1, 2, 1, 2]) heap.push({ at, seq: seq++ });
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!.seq);
    expect(out).toEqual([1, 3, 0, 2, 4]);
  });

  it('clear empties it and returns what it held', () => {
    const heap = new BinaryHeap<number>((a, b) => a < b);
    for (const v of [3, 1, 2]) heap.push(v);
    expect(heap.clear().sort()).toEqual([1, 2, 3]);
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
  });
});
