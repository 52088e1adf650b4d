import './meter.css';

/** A thin usage bar with its figure beside it; the bar is decoration, the text carries the value. */
export function Meter({ fraction, text, label }: { fraction: number; text: string; label: string }) {
  const pct = Math.max(0, Math.min(1, Number.isFinite(fraction) ? fraction : 0)) * 100;
  return (
    <span className="meter" title={`${label}: ${text}`}>
      <span className="meter-track" aria-hidden="true">
        <span className={`meter-fill${fraction > 1 ? ' meter-over' : ''}`} style={{ width: `${pct}%` }} />
      </span>
      <span className="meter-text">{text}</span>
    </span>
  );
}
