import type { Staleness } from './staleness.ts';
import { useLiveness } from './wall-context.ts';

const localTime = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });

/** What the room must know when the wall may be lying: why, and how old what it shows is (local time). */
export function staleText(staleness: Staleness, lastUpdateWallAt: number | null): string {
  if (!staleness.stale) return '';
  const why = staleness.reason === 'disconnected'
    ? 'Connection to the Standby server lost — reconnecting'
    : staleness.reason === 'loading'
      ? 'Loading the estate'
      : `No update for ${Math.round((staleness.silentMs ?? 0) / 1000)} s`;
  return lastUpdateWallAt === null ? `${why} · no data yet` : `${why} · data from ${localTime.format(lastUpdateWallAt)}`;
}

export function StaleBanner() {
  const staleness = useLiveness((s) => s.staleness);
  const lastUpdateWallAt = useLiveness((s) => s.lastUpdateWallAt);
  if (!staleness.stale) return null;
  return (
    <div className="wall-stale" role="alert" data-testid="wall-stale" data-reason={staleness.reason}>
      <b>STALE</b> {staleText(staleness, lastUpdateWallAt)}
    </div>
  );
}
