import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.ts';

describe('event queue', () => {
  it('runs events in time order, ties in the order they were scheduled, and skips cancelled ones', () => {
    const queue = new EventQueue(1000);
    const seen: string[] = [];
    queue.at(1030, () => seen.push('c'));
    queue.at(1010, () => seen.push('a1'));
    const cancelled = queue.at(1020, () => seen.push('never'));
    queue.at(1010, () => seen.push('a2'));
    queue.at(1020, () => { seen.push('b'); queue.after(0, () => seen.push('b-then')); });
    cancelled.cancel();
    queue.runUntil(1025);
    expect(seen).toEqual(['a1', 'a2', 'b', 'b-then']);
    expect(queue.now).toBe(1025);
    queue.runUntil(2000);
    expect(seen.at(-1)).toBe('c');
    expect(queue.processed).toBe(5);
  });

  it('never schedules into the past', () => {
    const queue = new EventQueue(5000);
    let at = 0;
    queue.at(10, () => { at = queue.now; });
    queue.runUntil(5000);
    expect(at).toBe(5000);
  });
});
