import { describe, expect, it } from 'vitest';
import type { PatchBatch } from '../../shared/model/estate.ts';
import { pacedListener, type Timers } from './paced-delivery.ts';

function manualTimers() {
  let now = 0;
  let due: { at: number; fn: () => void } | null = null;
  const timers: Timers = {
    setTimeout: (fn, ms) => (due = { at: now + ms, fn }),
    clearTimeout: () => { due = null; },
    now: () => now,
  };
  const advance = (ms: number) => {
    now += ms;
    if (due && due.at <= now) { const { fn } = due; due = null; fn(); }
  };
  return { timers, advance };
}
const batch = (seq: number): PatchBatch => ({ seq, patches: [{ op: 'merge', kind: 'vm', id: 'a', value: { cpuUsagePct: seq } }] });

describe('pacedListener', () => {
  it('delivers the first event at once and the rest combined, at most once per period', () => {
    const { timers, advance } = manualTimers();
    const got: PatchBatch[] = [];
    const paced = pacedListener('estate.patches', 2_000, (e) => got.push(e as PatchBatch), timers)!;
    paced.listener(batch(1));
    expect(got).toEqual([batch(1)]);
    for (let seq = 2; seq <= 8; seq++) { advance(250); paced.listener(batch(seq)); }
    expect(got).toHaveLength(1);
    advance(250);
    expect(got).toEqual([batch(1), { seq: 8, patches: [{ op: 'merge', kind: 'vm', id: 'a', value: { cpuUsagePct: 8 } }] }]);
    // Quiet for longer than the period: the next one goes at once again.
    advance(5_000);
    paced.listener(batch(9));
    expect(got.at(-1)).toEqual(batch(9));
  });

  it('drops what waits when the subscriber leaves', () => {
    const { timers, advance } = manualTimers();
    const got: unknown[] = [];
    const paced = pacedListener('estate.patches', 1_000, (e) => got.push(e), timers)!;
    paced.listener(batch(1));
    paced.listener(batch(2));
    paced.stop();
    advance(5_000);
    expect(got).toEqual([batch(1)]);
  });

  it('does not pace a stream whose events do not combine', () => {
    expect(pacedListener('settings.changed', 1_000, () => {})).toBeNull();
  });
});
