import { describe, expect, it } from 'vitest';
import type { ClockStart } from '../../../shared/model/recovery-run.ts';
import { clockOf, clockStartFor, combineVerdicts, drillRpoSec, primaryLastSeenAt, rtoSecOf, unplannedRpoSec, vmRtoVerdict } from './run-clock.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
const min = 60_000;
const loss = { at: T0, basis: 'site-lost' as const, detail: 'DC-A lost' };

describe('where RTO is counted from', () => {
  it('an unplanned failover counts from the loss, not from the operator deciding 20 minutes later', () => {
    expect(clockStartFor('unplanned-failover', T0 + 20 * min, loss)).toEqual({ at: T0, basis: 'site-lost', detail: 'DC-A lost' });
  });

  it('a loss the console never saw, or one seen after the run started, falls back to the run start and says so', () => {
    const none = clockStartFor('unplanned-failover', T0, null);
    expect(none).toMatchObject({ at: T0, basis: 'run-start' });
    expect(none.detail).toMatch(/no loss of the primary was seen/);
    expect(clockStartFor('unplanned-failover', T0, { ...loss, at: T0 + min })).toMatchObject({ at: T0, basis: 'run-start' });
  });

  it('a drill, a planned failover and a failback count from their own start even while a host is down', () => {
    for (const type of ['test-failover', 'planned-failover', 'failback'] as const) {
      expect(clockStartFor(type, T0 + 5 * min, loss)).toMatchObject({ at: T0 + 5 * min, basis: 'run-start' });
    }
  });

  it('runs journaled before the clock existed read from their own start', () => {
    expect(clockOf({ startedAt: T0 })).toMatchObject({ at: T0, basis: 'run-start' });
    expect(clockOf({ startedAt: T0 + min, clockStart: { at: T0, basis: 'hosts-down', detail: 'x' } }).at).toBe(T0);
  });

  it('RTO of a VM is the clock start to its applications healthy; nothing while it is not healthy', () => {
    const clock: ClockStart = { at: T0, basis: 'site-lost', detail: '' };
    expect(rtoSecOf(T0 + 51 * min, clock)).toBe(51 * 60);
    expect(rtoSecOf(null, clock)).toBeNull();
  });
});

describe('what RPO is measured to', () => {
  it('unplanned: from the last replication received to the moment the primary was last seen alive', () => {
    // A tier-0 VM replicating every 30 s, lost 12 s after its last cycle arrived: 12 s, whatever the operator's delay.
    expect(unplannedRpoSec(T0 - 12_000, T0)).toBe(12);
    expect(unplannedRpoSec(T0 + 1000, T0)).toBe(0);
  });

  it('the primary was last seen alive when its own host went down, else when the site was', () => {
    const clock: ClockStart = { at: T0, basis: 'site-lost', detail: '' };
    expect(primaryLastSeenAt(T0 - 3 * min, clock)).toBe(T0 - 3 * min);
    expect(primaryLastSeenAt(null, clock)).toBe(T0);
  });

  it('a drill: the age of the point its test copy started from, when the copy was made', () => {
    expect(drillRpoSec(T0 - 25_000, T0)).toBe(25);
  });
});

describe('when a target is met', () => {
  const clock: ClockStart = { at: T0, basis: 'run-start', detail: '' };
  const vm = (status: 'done' | 'skipped' | 'aborted' | 'running', healthyAt: number | null) => ({
    status, timing: { startedAt: T0, failoverDoneAt: null, runningAt: null, heartbeatAt: null, healthyAt },
  });

  it('a VM healthy within the target meets it; later misses it', () => {
    expect(vmRtoVerdict(vm('done', T0 + 30 * min), clock, 3600, 'completed', T0 + 40 * min)).toBe('met');
    expect(vmRtoVerdict(vm('done', T0 + 61 * min), clock, 3600, 'completed', T0 + 70 * min)).toBe('missed');
  });

  it('a skipped or aborted VM is a miss, never within target', () => {
    expect(vmRtoVerdict(vm('skipped', null), clock, 3600, 'completed', T0 + min)).toBe('missed');
    expect(vmRtoVerdict(vm('aborted', null), clock, 3600, 'aborted', T0 + min)).toBe('missed');
  });

  it('a VM still missing is pending while the run goes and the target has not passed, a miss after', () => {
    expect(vmRtoVerdict(vm('running', null), clock, 3600, 'running', T0 + 10 * min)).toBe('pending');
    expect(vmRtoVerdict(vm('running', null), clock, 3600, 'running', T0 + 61 * min)).toBe('missed');
    expect(vmRtoVerdict(vm('running', null), clock, 3600, 'completed', T0 + 10 * min)).toBe('missed');
  });

  it('one miss makes the whole a miss; an open one keeps it pending; nothing is not "met"', () => {
    expect(combineVerdicts(['met', 'missed', 'pending'])).toBe('missed');
    expect(combineVerdicts(['met', 'pending'])).toBe('pending');
    expect(combineVerdicts(['met', 'met'])).toBe('met');
    expect(combineVerdicts([])).toBe('pending');
  });
});
