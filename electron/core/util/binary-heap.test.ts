import { describe, expect, it } from 'vitest';
import { BinaryHeap } from './binary-heap.ts';

describe('BinaryHeap', () => {
  it('pops by key, whatever the order of pushes', () => {
    const heap = new BinaryHeap<string>();
    const values = [5, 3, 9, 1, 7, 3.5, 8, 2, 6, 4, 0];
    for (const v of values) heap.push(`v${v}`, v);
    expect(heap.size).toBe(values.length);
    expect(heap.peek()).toBe('v0');
    expect(heap.peekKey()).toBe(0);
    const out: string[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out).toEqual([...values].sort((a, b) => a - b).map((v) => `v${v}`));
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekKey()).toBeUndefined();
  });

  it('breaks ties by the second number: first-in-first-out with an insertion counter', () => {
    const heap = new BinaryHeap<number>();
    let seq = 0;
    for (const at of [2, 1, 2, 1, 2]) { heap.push(seq, at, seq); seq += 1; }
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out).toEqual([1, 3, 0, 2, 4]);
  });

  it('clear empties it and returns what it held', () => {
    const heap = new BinaryHeap<number>();
    for (const v of [3, 1, 2]) heap.push(v, v);
    expect(heap.clear().sort()).toEqual([1, 2, 3]);
    expect(heap.size).toBe(0);
    expect(heap.peek()).toBeUndefined();
    heap.push(5, 5);
    expect(heap.pop()).toBe(5);
  });
});
