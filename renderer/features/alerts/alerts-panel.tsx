import { useMemo, useState } from 'react';
import type { Alert } from '../../../shared/model/replication.ts';
import { formatAgo } from '../../../shared/format/duration.ts';
import { useConnection, useEstate, useServices, useSettings } from '../../platform/services-context.tsx';
import { isPreloadBridge } from '../../transport/choose-transport.ts';
import { useUi } from '../../platform/ui-store.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useReplicationUi } from '../replication/replication-ui-store.ts';
import { useAlerts, useAlertsStore } from './use-alerts.ts';
import { useSheet } from '../../platform/sheet-store.ts';

type Show = 'unacknowledged' | 'open' | 'all';

/** The alert list: raised by the core when a VM turns Warning/Critical or misses its RPO. */
export function AlertsPanel() {
  const alerts = useAlerts((s) => s.alerts);
  const status = useAlerts((s) => s.status);
  const error = useAlerts((s) => s.error);
  const ackError = useAlerts((s) => s.ackError);
  const acking = useAlerts((s) => s.acking);
  const role = useConnection((s) => s.session?.role);
  const now = useEstate((s) => s.snapshot?.clock.now ?? Date.now());
  const store = useAlertsStore();
  const close = () => useSheet.getState().open(null);
  const [show, setShow] = useState<Show>('unacknowledged');
  const visible = useMemo(() => alerts.filter((a) => (show === 'all' ? true : show === 'open' ? a.clearedAt === null : a.acknowledged === null)), [alerts, show]);
  const ackable = visible.filter((a) => a.acknowledged === null);
  const openVm = (a: Alert) => {
    // A plan's overdue drill is about the plan, not a VM: its place is the Drills view.
    if (a.kind === 'drill-overdue') { useUi.getState().setView('drills'); return; }
    useUi.getState().setView('replication');
    useReplicationUi.getState().openDrawer(a.vmId);
  };
  return (
    <aside className="side-sheet alerts-panel" aria-labelledby="alerts-title" data-testid="alerts-panel" onKeyDown={(e) => { if (e.key === 'Escape') close(); }}>
      <header className="sheet-head">
        <h2 id="alerts-title">Alerts</h2>
        <button type="button" className="detail-close" onClick={close} aria-label="Close alerts" autoFocus>×</button>
      </header>
      <div className="sheet-tools">
        <div className="segmented" role="radiogroup" aria-label="Which alerts">
          {([['unacknowledged', 'Unacknowledged'], ['open', 'Ongoing'], ['all', 'All']] as const).map(([v, l]) => (
            <button key={v} type="button" role="radio" aria-checked={show === v} className={show === v ? 'is-on' : ''} onClick={() => setShow(v)}>{l}</button>
          ))}
        </div>
        <button type="button" disabled={ackable.length === 0 || acking} onClick={() => void store.acknowledge(ackable.map((a) => a.id))} data-testid="ack-all" title={role === 'viewer' ? 'Viewer (read-only): the server will refuse this' : undefined}>
          Acknowledge {ackable.length > 0 ? `all ${ackable.length} shown` : 'all shown'}
        </button>
      </div>
      <DesktopNotificationsToggle viewer={role === 'viewer'} />
      {ackError ? <p className="sheet-error" role="alert" data-testid="ack-error">Not acknowledged: {ackError}</p> : null}
      {status === 'error' ? <p className="sheet-error">{error}</p> : null}
      {visible.length === 0 ? <p className="muted sheet-empty">{status === 'loading' ? 'Loading alerts…' : show === 'unacknowledged' ? 'No unacknowledged alert.' : 'No alert.'}</p> : (
        <ul className="alert-list" data-testid="alert-list">
          {visible.slice(0, 300).map((a) => (
            <li key={a.id} className={`alert-item sev-${a.severity}${a.clearedAt !== null ? ' is-cleared' : ''}`} data-testid="alert-item">
              <StatusGlyph tone={a.severity === 'critical' ? 'crit' : 'warn'} label={a.severity === 'critical' ? 'Critical' : 'Warning'} />
              <div className="alert-text">
                <button type="button" className="link-button alert-vm" onClick={() => openVm(a)} title={a.kind === 'drill-overdue' ? 'Open the Drills view' : 'Open in the replication view'}>{a.vmName}</button>
                <span className="alert-kind muted">{ALERT_KIND_LABEL[a.kind]}</span>
                <p className="alert-message">{a.message}</p>
                <span className="muted num alert-when">
                  raised {formatAgo(a.raisedAt, now)}
                  {a.clearedAt !== null ? ` · cleared ${formatAgo(a.clearedAt, now)}` : ' · ongoing'}
                  {a.acknowledged ? ` · acknowledged by ${a.acknowledged.by}` : ''}
                </span>
              </div>
              {a.acknowledged === null ? <button type="button" className="alert-ack" disabled={acking} onClick={() => void store.acknowledge([a.id])} data-testid="ack-one">Acknowledge</button> : null}
            </li>
          ))}
          {visible.length > 300 ? <li className="muted">…and {visible.length - 300} older alerts.</li> : null}
        </ul>
      )}
    </aside>
  );
}

/** Only in the desktop app, where the core raises system notifications for new alerts. */
function DesktopNotificationsToggle({ viewer }: { viewer: boolean }) {
  const services = useServices();
  const on = useSettings((s) => s.settings?.desktopNotifications ?? true);
  const notice = useSettings((s) => s.notice);
  if (!isPreloadBridge((window as unknown as { standby?: unknown }).standby)) return null;
  return (
    <div className="sheet-tools">
      <label title={viewer ? 'Viewer (read-only): the server will refuse this' : 'A system notification when an alert is raised or turns critical'}>
        <input type="checkbox" checked={on} onChange={(e) => void services.settings.setDesktopNotifications(e.target.checked)} data-testid="desktop-notifications" />
        {' '}Desktop notifications
      </label>
      {notice ? <span className="muted">{notice}</span> : null}
    </div>
  );
}

export const ALERT_KIND_LABEL: Record<Alert['kind'], string> = { health: 'Health', rpo: 'RPO', 'drill-overdue': 'Drill overdue' };
