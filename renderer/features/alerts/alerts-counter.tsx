import { useMemo } from 'react';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useAlerts } from './use-alerts.ts';
import { useSheet } from '../../platform/sheet-store.ts';
import './alerts.css';

/** The status bar's unacknowledged-alert count; opens the alert list. */
export function AlertsCounter() {
  const alerts = useAlerts((s) => s.alerts);
  const open = useSheet((s) => s.sheet === 'alerts');
  const { total, critical } = useMemo(() => {
    let total = 0;
    let critical = 0;
    for (const a of alerts) if (a.acknowledged === null) { total++; if (a.severity === 'critical' && a.clearedAt === null) critical++; }
    return { total, critical };
  }, [alerts]);
  const tone = critical > 0 ? 'crit' : total > 0 ? 'warn' : 'ok';
  return (
    <button
      type="button"
      className={`status-item status-button alerts-counter tone-${tone}`}
      aria-pressed={open}
      onClick={() => useSheet.getState().toggle('alerts')}
      data-testid="alerts-counter"
      data-count={total}
      title={total === 0 ? 'No unacknowledged alert' : `${total} unacknowledged alert${total === 1 ? '' : 's'}${critical ? `, ${critical} critical and ongoing` : ''}`}
    >
      <StatusGlyph tone={tone} />
      <span className="status-key">Alerts</span> <b className="num">{total.toLocaleString()}</b>
    </button>
  );
}
