import { describe, expect, it } from 'vitest';
import { EventQueue } from './event-queue.ts';
import { WanLink } from './wan-link.ts';

describe('WAN link', () => {
  const MB = 1_000_000;
  // 80 Mbit/s = 10 MB/s, no latency: one 10 MB transfer takes one second alone.
  const link = (queue: EventQueue) => new WanLink({ id: 'primary-dr', name: 'test link', bitsPerSec: 80e6, latencyMs: 0 }, queue);

  it('shares its bandwidth fairly between concurrent transfers', () => {
    const queue = new EventQueue(0);
    const wan = link(queue);
    const done: Record<string, number> = {};
    wan.send(10 * MB, () => { done.a = queue.now; }, () => {});
    wan.send(10 * MB, () => { done.b = queue.now; }, () => {});
    queue.runUntil(1500);
    // Alone each would take 1 s; together they share: 2 s for both.
    expect(done).toEqual({});
    queue.runUntil(2100);
    expect(done.a).toBeGreaterThanOrEqual(1999);
    expect(done.a).toBeLessThanOrEqual(2001);
    expect(done.b).toBe(done.a);
  });

  it('gives a short transfer its share and the long one the rest afterwards', () => {
    const queue = new EventQueue(0);
    const wan = link(queue);
    const done: Record<string, number> = {};
    wan.send(30 * MB, () => { done.long = queue.now; }, () => {});
    queue.runUntil(1000); // 10 MB of the long one sent alone
    wan.send(5 * MB, () => { done.short = queue.now; }, () => {});
    queue.runUntil(10_000);
    expect(done.short).toBeGreaterThanOrEqual(1999); // 5 MB at 5 MB/s
    expect(done.short).toBeLessThanOrEqual(2001);
    // 10 MB alone in 1 s, 5 MB while sharing in the next, the last 15 MB alone in 1.5 s.
    expect(done.long).toBeGreaterThanOrEqual(3499);
    expect(done.long).toBeLessThanOrEqual(3501);
  });

  it('fails transfers in flight when cut, refuses new ones until restored, and adds latency', () => {
    const queue = new EventQueue(0);
    const wan = new WanLink({ id: 'dr-cloud', name: 'test link', bitsPerSec: 80e6, latencyMs: 40 }, queue);
    const failures: string[] = [];
    let delivered = -1;
    wan.send(10 * MB, () => { delivered = queue.now; }, (reason) => failures.push(reason));
    queue.runUntil(500);
    wan.cut();
    wan.send(MB, () => {}, (reason) => failures.push(reason));
    queue.runUntil(600);
    expect(failures).toEqual(['test link is down', 'test link is down']);
    expect(wan.status().state).toBe('down');
    wan.restore();
    wan.send(10 * MB, () => { delivered = queue.now; }, () => {});
    queue.runUntil(5000);
    expect(delivered).toBeGreaterThanOrEqual(600 + 1000 + 40);
    expect(delivered).toBeLessThanOrEqual(600 + 1000 + 42);
  });

  it('slows down when degraded', () => {
    const queue = new EventQueue(0);
    const wan = link(queue);
    let delivered = -1;
    wan.degrade(0.25, 0);
    wan.send(10 * MB, () => { delivered = queue.now; }, () => {});
    queue.runUntil(10_000);
    expect(delivered).toBeGreaterThanOrEqual(3999);
    expect(delivered).toBeLessThanOrEqual(4001);
    expect(wan.status().state).toBe('degraded');
  });
});
