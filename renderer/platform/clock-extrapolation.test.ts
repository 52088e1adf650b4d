import { describe, expect, it } from 'vitest';
import { clockSpeedLabel, extrapolateClock, MAX_EXTRAPOLATION_MS } from './clock-extrapolation.ts';

const clock = { source: 'lab' as const, now: 1_000_000, speed: 60 };

describe('extrapolateClock', () => {
  it('runs on at the estate speed between ticks', () => {
    expect(extrapolateClock(clock, 500, 1_000, true)).toBe(1_000_000 + 500 * 60);
  });
  it('stops extrapolating when the core goes quiet or the link is down', () => {
    expect(extrapolateClock(clock, 0, 60_000, true)).toBe(1_000_000 + MAX_EXTRAPOLATION_MS * 60);
    expect(extrapolateClock(clock, 0, 500, false)).toBe(1_000_000);
  });
  it('holds still when paused or running as fast as possible', () => {
    expect(extrapolateClock({ ...clock, speed: 0 }, 0, 500, true)).toBe(1_000_000);
    expect(extrapolateClock({ ...clock, speed: null }, 0, 500, true)).toBe(1_000_000);
  });
  it('names the speed', () => {
    expect(clockSpeedLabel(clock)).toBe('×60');
    expect(clockSpeedLabel({ ...clock, speed: 0 })).toBe('paused');
    expect(clockSpeedLabel({ source: 'real', now: 0, speed: 1 })).toBe('real time');
  });
});
