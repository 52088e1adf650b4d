import type { Clock } from '../../shared/model/estate.ts';

/** How far past the last tick the display may run on its own; beyond it the core is late. */
export const MAX_EXTRAPOLATION_MS = 3_000;

/**
 * The estate clock between the core's ticks (about one a second): last value plus elapsed wall
 * time times speed, so the seconds run smoothly instead of jumping. Stops after
 * MAX_EXTRAPOLATION_MS without a tick, so a stalled core shows a stopped clock, not a guess.
 */
export function extrapolateClock(clock: Clock, receivedAtMs: number, nowMs: number, live: boolean): number {
  if (!live || clock.speed === null || clock.speed === 0) return clock.now;
  const elapsed = Math.min(Math.max(0, nowMs - receivedAtMs), MAX_EXTRAPOLATION_MS);
  return clock.now + elapsed * clock.speed;
}

export function clockSpeedLabel(clock: Clock): string {
  if (clock.speed === null) return 'max speed';
  if (clock.speed === 0) return 'paused';
  if (clock.speed === 1) return clock.source === 'real' ? 'real time' : '×1';
  return `×${clock.speed.toLocaleString('en-US', { maximumFractionDigits: 2 })}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'short', day: '2-digit', month: 'short', year: 'numeric',
  hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZoneName: 'short',
});

export function formatClock(epochMs: number): string {
  return dateFormat.format(epochMs);
}
