import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { formatDuration } from '../../../shared/format/duration.ts';
import type { Alert } from '../../../shared/model/replication.ts';
import { useStoreOf } from '../../platform/services-context.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { alertsStores } from '../alerts/alerts-store.ts';
import { useWallEstateNow } from './wall-context.ts';

/** Height of one alert row in rem (wall.css, .wall-alert-list li). */
const ROW_REM = 1.5;

/** Open (not cleared) alerts, critical before warning, newest first within each. */
export function openAlerts(alerts: readonly Alert[]): Alert[] {
  return alerts
    .filter((a) => a.clearedAt === null)
    .sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1) || b.raisedAt - a.raisedAt || a.id.localeCompare(b.id));
}

export function WallAlerts() {
  const alerts = useStore(useStoreOf(alertsStores).store, (s) => s.alerts);
  const open = useMemo(() => openAlerts(alerts), [alerts]);
  const now = useWallEstateNow() ?? 0;
  const critical = open.filter((a) => a.severity === 'critical').length;
  const { ref, rows } = useRowsThatFit();
  // The last row says how many more there are when not all fit.
  const shown = open.length > rows ? Math.max(0, rows - 1) : open.length;
  return (
    <section className="wall-panel wall-alerts" aria-label="Open alerts" data-testid="wall-alerts">
      <header className="wall-panel-head">
        <h2>Open alerts</h2>
        <span className="num" data-testid="wall-alert-count" data-count={open.length}>
          <b>{open.length}</b>{critical > 0 && <span className="wall-crit-text"> · {critical} critical</span>}
        </span>
      </header>
      {open.length === 0 && <p className="muted">No open alerts.</p>}
      <ol className="wall-alert-list" ref={ref}>
        {open.slice(0, shown).map((a) => (
          <li key={a.id} data-testid="wall-alert" data-severity={a.severity}>
            <StatusGlyph tone={a.severity === 'critical' ? 'crit' : 'warn'} label={a.severity === 'critical' ? 'Critical' : 'Warning'} />
            <b className="wall-alert-vm">{a.vmName}</b>
            <span className="wall-alert-what">{a.kind === 'rpo' ? 'RPO missed' : a.kind === 'drill-overdue' ? 'Drill overdue' : 'Health'}{a.acknowledged ? ' · ack' : ''}</span>
            <span className="wall-alert-age num">{formatDuration((now - a.raisedAt) / 1000)}</span>
          </li>
        ))}
        {shown < open.length && <li className="muted wall-more" data-testid="wall-alert-more">+{open.length - shown} more open</li>}
      </ol>
    </section>
  );
}

/** How many rows the list's box holds: no scrolling, and no row cut in half, at any wall size. */
function useRowsThatFit(): { ref: React.RefObject<HTMLOListElement | null>; rows: number } {
  const ref = useRef<HTMLOListElement | null>(null);
  const [rows, setRows] = useState(5);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      const rem = parseFloat(getComputedStyle(document.documentElement).fontSize) || 24;
      setRows(Math.max(1, Math.floor(el.clientHeight / (ROW_REM * rem))));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, rows };
}
