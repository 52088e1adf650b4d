import { useEffect } from 'react';
import { isIncident } from '../../../shared/model/replication.ts';
import { useUi } from '../../platform/ui-store.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useReplicationUi } from '../replication/replication-ui-store.ts';
import { useAlerts, useAlertsStore } from './use-alerts.ts';
import { useSheet } from '../../platform/sheet-store.ts';

const TOAST_MS = 12_000;

/** New critical alerts, bottom right, for a few seconds; they stay in the alert list after. */
export function AlertToasts() {
  const toasts = useAlerts((s) => s.toasts);
  const store = useAlertsStore();
  useEffect(() => {
    if (toasts.length === 0) return;
    const timers = toasts.map((t) => setTimeout(() => store.dismissToast(t.id), TOAST_MS));
    return () => timers.forEach(clearTimeout);
  }, [toasts, store]);
  if (toasts.length === 0) return null;
  return (
    <div className="toasts" role="region" aria-label="New critical alerts">
      {toasts.map((t) => (
        <div key={t.id} className="toast toast-critical" role="alert" data-testid="alert-toast">
          <StatusGlyph tone="crit" />
          <div className="toast-text">
            <b>{t.vmName}</b> <span>{t.message}</span>
            <div className="toast-actions">
              {isIncident(t) ? null : <button type="button" className="link-button" onClick={() => { useUi.getState().setView('replication'); useReplicationUi.getState().openDrawer(t.vmId); store.dismissToast(t.id); }}>Show VM</button>}
              <button type="button" className="link-button" onClick={() => { useSheet.getState().open('alerts'); store.dismissToast(t.id); }}>All alerts</button>
            </div>
          </div>
          <button type="button" className="toast-close" onClick={() => store.dismissToast(t.id)} aria-label="Dismiss">×</button>
        </div>
      ))}
    </div>
  );
}
