import { describe, expect, it } from 'vitest';
import { expectedCadenceMs, judgeStaleness, LAB_CADENCE_MS, PROBE_MS, REAL_CADENCE_MS, STALE_GRACE_MS } from './staleness.ts';

const live = { connected: true, estateReady: true };

describe('expected cadence', () => {
  it('follows the backend: the lab ticks while it runs, PowerShell refreshes every 30 s, a paused lab not at all', () => {
    expect(expectedCadenceMs({ source: 'lab', now: 0, speed: 600 })).toBe(LAB_CADENCE_MS);
    expect(expectedCadenceMs({ source: 'lab', now: 0, speed: null })).toBe(LAB_CADENCE_MS);
    expect(expectedCadenceMs({ source: 'real', now: 0, speed: 1 })).toBe(REAL_CADENCE_MS);
    expect(expectedCadenceMs({ source: 'lab', now: 0, speed: 0 })).toBeNull();
  });
});

describe('staleness', () => {
  it('is fresh until a few seconds beyond the cadence pass without an update, then says how long', () => {
    const at = 10_000;
    expect(judgeStaleness({ ...live, lastUpdateAt: at }, at + LAB_CADENCE_MS + STALE_GRACE_MS, LAB_CADENCE_MS)).toEqual({ stale: false });
    expect(judgeStaleness({ ...live, lastUpdateAt: at }, at + LAB_CADENCE_MS + STALE_GRACE_MS + 1, LAB_CADENCE_MS))
      .toEqual({ stale: true, reason: 'silent', silentMs: LAB_CADENCE_MS + STALE_GRACE_MS + 1 });
  });

  it('uses the probe interval when no updates are due', () => {
    expect(judgeStaleness({ ...live, lastUpdateAt: 0 }, PROBE_MS + STALE_GRACE_MS, null)).toEqual({ stale: false });
    expect(judgeStaleness({ ...live, lastUpdateAt: 0 }, PROBE_MS + STALE_GRACE_MS + 1, null).stale).toBe(true);
  });

  it('is stale at once when the connection drops or the estate is reloading, however recent the last update', () => {
    expect(judgeStaleness({ connected: false, estateReady: true, lastUpdateAt: 100 }, 200, LAB_CADENCE_MS)).toEqual({ stale: true, reason: 'disconnected', silentMs: 100 });
    expect(judgeStaleness({ connected: true, estateReady: false, lastUpdateAt: 100 }, 200, LAB_CADENCE_MS)).toEqual({ stale: true, reason: 'loading', silentMs: 100 });
  });

  it('is stale before the first update', () => {
    expect(judgeStaleness({ ...live, lastUpdateAt: null }, 0, LAB_CADENCE_MS)).toEqual({ stale: true, reason: 'silent', silentMs: null });
  });
});
