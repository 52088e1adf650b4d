import { describe, expect, it } from 'vitest';
import { BOOT_STORM_MODEL, BootStorm, shareOf } from './boot-storm.ts';
import { EventQueue } from './event-queue.ts';

/** Starts `n` boots of `workMs` on one cluster spread over `hosts` hosts; returns when each ended. */
function storm(n: number, workMs: number, hosts: number, paced: number | null = null): number[] {
  const queue = new EventQueue(0);
  const boots = new BootStorm(queue);
  const ended: number[] = [];
  let next = 0;
  const launch = () => {
    const i = next++;
    boots.start(`vm${i}`, `h${i % hosts}`, 'c1', workMs, () => {
      ended.push(queue.now);
      if (paced !== null && next < n) launch();
    });
  };
  const first = paced ?? n;
  for (let i = 0; i < Math.min(first, n); i++) launch();
  queue.runUntil(24 * 3600_000);
  return ended;
}

describe('boot storm', () => {
  it('boots at full speed up to the slots, then each boot slows and the total throughput falls', () => {
    expect(shareOf(1, 16)).toBe(1);
    expect(shareOf(16, 16)).toBe(1);
    const at2x = 32 * shareOf(32, 16);
    const at4x = 64 * shareOf(64, 16);
    expect(at2x).toBeLessThan(16);
    expect(at4x).toBeLessThan(at2x);
  });

  it('one boot alone takes its own work time', () => {
    expect(storm(1, 40_000, 1)).toEqual([40_000]);
  });

  it('starting 200 boots at once on one cluster is slower than pacing them at the storage slots', () => {
    const hosts = 10;
    const atOnce = Math.max(...storm(200, 40_000, hosts));
    const pacedSlots = Math.min(BOOT_STORM_MODEL.storageSlots, hosts * BOOT_STORM_MODEL.hostSlots);
    const paced = Math.max(...storm(200, 40_000, hosts, pacedSlots));
    // Paced: 200 boots through 16 full-speed slots is 13 rounds of 40 s.
    expect(paced).toBe(Math.ceil(200 / pacedSlots) * 40_000);
    expect(atOnce).toBeGreaterThan(paced * 1.5);
  });

  it('a cancelled boot gives its share back to the others', () => {
    const queue = new EventQueue(0);
    const boots = new BootStorm(queue);
    const ended = new Map<string, number>();
    // Five boots on a host with four slots: each runs at 4/5 speed, less the thrashing.
    for (let i = 0; i < 5; i++) boots.start(`vm${i}`, 'h1', 'c1', 40_000, () => ended.set(`vm${i}`, queue.now));
    queue.runUntil(10_000);
    boots.cancel('vm4');
    queue.runUntil(3600_000);
    expect(ended.has('vm4')).toBe(false);
    const slowed = 10_000 * shareOf(5, BOOT_STORM_MODEL.hostSlots);
    expect(ended.get('vm0')).toBe(Math.ceil(10_000 + (40_000 - slowed)));
    expect(boots.booting('c1')).toBe(0);
  });
});
