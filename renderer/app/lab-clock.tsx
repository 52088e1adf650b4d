import { useEffect, useState } from 'react';
import { clockSpeedLabel, extrapolateClock, formatClock } from '../platform/clock-extrapolation.ts';
import { useConnection, useEstate } from '../platform/services-context.tsx';

export function LabClock() {
  const clock = useEstate((s) => s.snapshot?.clock);
  const receivedAt = useEstate((s) => s.clockReceivedAt);
  const live = useConnection((s) => s.state === 'connected');
  const [wallNow, setWallNow] = useState(() => performance.now());

  const running = live && clock !== undefined && clock.speed !== null && clock.speed > 0;
  const fast = running && clock.speed! > 1;
  useEffect(() => {
    if (!running) return;
    // Four ticks a second keep the seconds even at ×1. Faster, the seconds are a blur anyway and
    // every tick is a frame for the whole window: once a second is enough.
    const timer = setInterval(() => setWallNow(performance.now()), fast ? 1000 : 250);
    return () => clearInterval(timer);
  }, [running, fast]);

  if (!clock) return null;
  const shown = extrapolateClock(clock, receivedAt, Math.max(wallNow, receivedAt), live);
  return (
    <span className="status-item lab-clock num" data-testid="lab-clock" data-epoch-ms={Math.floor(shown)} title={clock.source === 'lab' ? 'The simulated estate’s clock' : 'The estate’s clock'}>
      <span className="status-key">{clock.source === 'lab' ? 'Lab clock' : 'Clock'}</span>
      <time dateTime={new Date(shown).toISOString()}>{formatClock(shown)}</time>
      <span className="clock-speed">{clockSpeedLabel(clock)}</span>
    </span>
  );
}
