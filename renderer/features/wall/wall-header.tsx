import { clockSpeedLabel } from '../../platform/clock-extrapolation.ts';
import { useConnection, useEstate } from '../../platform/services-context.tsx';
import { useWallEstateNow } from './wall-context.ts';
import { formatDate, formatTime } from './wall-time.ts';

/** The data's clock (the estate's, simulated on the lab), which backend it comes from, and the role. */
export function WallHeader() {
  const clock = useEstate((s) => s.snapshot?.clock);
  const backend = useEstate((s) => s.snapshot?.backend);
  const role = useConnection((s) => s.session?.role);
  const now = useWallEstateNow();
  return (
    <header className="wall-head">
      <span className="wall-brand">Standby</span>
      <span className="wall-clock" data-testid="wall-clock" data-epoch-ms={now === null ? undefined : Math.floor(now)}>
        <span className="wall-key">{clock?.source === 'lab' ? 'Lab time' : 'Estate time'}</span>
        <time className="num" dateTime={now === null ? undefined : new Date(now).toISOString()}>{now === null ? '--:--:--' : formatTime(now)}</time>
        {now !== null && <span className="muted">{formatDate(now)}</span>}
        {clock && clock.speed !== 1 && <span className="wall-speed">{clockSpeedLabel(clock)}</span>}
      </span>
      <span className="wall-backend" data-testid="wall-backend">
        <span className="wall-key">Backend</span>
        {backend ? (backend.kind === 'lab' ? `Lab · ${backend.description}` : backend.description) : '…'}
      </span>
      <span className="wall-role" data-testid="wall-role" data-role={role ?? ''}>{role === 'operator' ? 'Read-only wall (operator link)' : 'Read-only'}</span>
    </header>
  );
}
