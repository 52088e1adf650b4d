import type { Clock } from '../../../shared/model/estate.ts';
import { WALL_ESTATE_EVERY_MS } from './wall-route.ts';

/**
 * When the wall must say its data is old. The lab publishes a clock patch every 250 ms while it
 * runs (backends/lab/time-driver.ts, tickMs); a PowerShell backend re-reads the estate every 30 s
 * (powershell-backend.ts, refreshMs). A paused lab publishes nothing, so the wall asks the core a
 * cheap question every PROBE_MS and counts the answer as proof of life.
 */
// The wall asks for the estate at most every WALL_ESTATE_EVERY_MS (combined by the server), so a
// running lab's updates come that often, not every 250 ms.
export const LAB_CADENCE_MS = Math.max(1_000, WALL_ESTATE_EVERY_MS);
export const REAL_CADENCE_MS = 30_000;
export const PROBE_MS = 5_000;
/** "A few seconds beyond the expected cadence". */
export const STALE_GRACE_MS = 4_000;

/** How often updates are due; null when none are (a paused lab: then the probe keeps time). */
export function expectedCadenceMs(clock: Clock | null | undefined): number | null {
  if (!clock) return LAB_CADENCE_MS;
  if (clock.source === 'real') return REAL_CADENCE_MS;
  return clock.speed === 0 ? null : LAB_CADENCE_MS;
}

export interface Liveness {
  connected: boolean;
  /** The estate copy is a complete, current snapshot (not loading or resyncing after a reconnect). */
  estateReady: boolean;
  /** Monotonic ms of the last update (a patch batch, or an answered probe); null before the first. */
  lastUpdateAt: number | null;
}

export type StaleReason = 'disconnected' | 'loading' | 'silent';
export type Staleness = { stale: false } | { stale: true; reason: StaleReason; silentMs: number | null };

export function judgeStaleness(liveness: Liveness, now: number, cadenceMs: number | null, graceMs = STALE_GRACE_MS): Staleness {
  const silentMs = liveness.lastUpdateAt === null ? null : Math.max(0, now - liveness.lastUpdateAt);
  if (!liveness.connected) return { stale: true, reason: 'disconnected', silentMs };
  if (!liveness.estateReady) return { stale: true, reason: 'loading', silentMs };
  const allowed = (cadenceMs ?? PROBE_MS) + graceMs;
  if (silentMs === null || silentMs > allowed) return { stale: true, reason: 'silent', silentMs };
  return { stale: false };
}
