import { describe, expect, it } from 'vitest';
import { createRandom } from '../backends/lab/random.ts';
import { BreachQueue } from './breach-queue.ts';

describe('breach queue', () => {
  it('returns exactly the ids due by now, earliest first, across random pushes', () => {
    const random = createRandom(9);
    const queue = new BreachQueue();
    const all: [number, string][] = [];
    for (let i = 0; i < 500; i++) {
      const t = random.int(0, 10_000);
      queue.push(t, `vm${i}`);
      all.push([t, `vm${i}`]);
    }
    const due = queue.popDue(5_000);
    const expected = all.filter(([t]) => t <= 5_000).sort((a, b) => a[0] - b[0]);
    expect(due.length).toBe(expected.length);
    expect(due.map((id) => all.find(([, i]) => i === id)![0])).toEqual(expected.map(([t]) => t));
    expect(queue.size).toBe(500 - expected.length);
    expect(queue.popDue(4_999)).toEqual([]);
  });
});
