import { useMemo } from 'react';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useAlerts } from './use-alerts.ts';
import { useSheet } from '../../platform/sheet-store.ts';
import { countAlerts } from './alert-groups.ts';
import './alerts.css';

/**
 * The status bar's alert count; opens the alert list. Alerts acknowledged but still ongoing are
 * counted apart and keep the counter from turning green: seen is not healthy.
 */
export function AlertsCounter() {
  const alerts = useAlerts((s) => s.alerts);
  const open = useSheet((s) => s.sheet === 'alerts');
  const { unacknowledged, critical, acknowledgedOngoing } = useMemo(() => countAlerts(alerts), [alerts]);
  const tone = critical > 0 ? 'crit' : unacknowledged > 0 || acknowledgedOngoing > 0 ? 'warn' : 'ok';
  const parts = [
    unacknowledged === 0 ? 'No unacknowledged alert' : `${unacknowledged} unacknowledged alert${unacknowledged === 1 ? '' : 's'}${critical ? `, ${critical} critical and ongoing` : ''}`,
    acknowledgedOngoing > 0 ? `${acknowledgedOngoing} acknowledged but still ongoing` : null,
  ];
  return (
    <button
      type="button"
      className={`status-item status-button alerts-counter tone-${tone}`}
      aria-pressed={open}
      onClick={() => useSheet.getState().toggle('alerts')}
      data-testid="alerts-counter"
      data-count={unacknowledged}
      data-acknowledged-ongoing={acknowledgedOngoing}
      title={parts.filter(Boolean).join('; ')}
    >
      <StatusGlyph tone={tone} />
      <span className="status-key">Alerts</span> <b className="num">{unacknowledged.toLocaleString()}</b>
      {acknowledgedOngoing > 0 ? <span className="num alerts-acked" data-testid="alerts-acked">+ {acknowledgedOngoing.toLocaleString()} ack’d, ongoing</span> : null}
    </button>
  );
}
