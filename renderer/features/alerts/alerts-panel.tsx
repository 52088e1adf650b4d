import { memo, useCallback, useMemo, useState } from 'react';
import type { Alert } from '../../../shared/model/replication.ts';
import { formatAgo } from '../../../shared/format/duration.ts';
import { useEstate, useServices, useSettings } from '../../platform/services-context.tsx';
import { useIsViewer } from '../../platform/read-only.ts';
import { isPreloadBridge } from '../../transport/choose-transport.ts';
import { useUi } from '../../platform/ui-store.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useReplicationUi } from '../replication/replication-ui-store.ts';
import { useAlerts, useAlertsStore } from './use-alerts.ts';
import { useSheet } from '../../platform/sheet-store.ts';
import { alertKindLabel, deliverySummary, groupAlerts, type AlertFilter, type IncidentGroup } from './alert-groups.ts';
import { NotificationChannelsForm } from './notification-channels-form.tsx';

/** Rows drawn at a time in a long list; the rest are one click away and counted, never dropped silently. */
const PAGE = 100;
export const VIEWER_REASON = 'Viewer (read-only): only an operator can acknowledge alerts';

/** Incidents first, with the VM alerts they explain; then VM alerts nothing explains. */
export function AlertsPanel() {
  const alerts = useAlerts((s) => s.alerts);
  const status = useAlerts((s) => s.status);
  const error = useAlerts((s) => s.error);
  const ackError = useAlerts((s) => s.ackError);
  const acking = useAlerts((s) => s.acking);
  const viewer = useIsViewer();
  const now = useEstate((s) => s.snapshot?.clock.now ?? Date.now());
  const store = useAlertsStore();
  const close = () => useSheet.getState().open(null);
  const [show, setShow] = useState<AlertFilter>('unacknowledged');
  const [confirming, setConfirming] = useState<string[] | null>(null);
  const { groups, loose } = useMemo(() => groupAlerts(alerts, show), [alerts, show]);
  const ackable = useMemo(() => {
    const ids: string[] = [];
    for (const g of groups) {
      if (g.incident.acknowledged === null) ids.push(g.incident.id);
      for (const m of g.members) if (m.acknowledged === null) ids.push(m.id);
    }
    for (const a of loose) if (a.acknowledged === null) ids.push(a.id);
    return ids;
  }, [groups, loose]);
  // Acknowledging more than one asks first: it silences them for every console.
  const acknowledge = useCallback((ids: string[]) => { if (ids.length > 1) setConfirming(ids); else void store.acknowledge(ids); }, [store]);
  const ctx: RowContext = { now, viewer, acking, acknowledge };
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
        <span title={viewer ? VIEWER_REASON : undefined}>
          <button type="button" disabled={viewer || ackable.length === 0 || acking} onClick={() => acknowledge(ackable)} data-testid="ack-all">
            Acknowledge {ackable.length > 0 ? `all ${ackable.length.toLocaleString()} shown` : 'all shown'}
          </button>
        </span>
      </div>
      {confirming ? (
        <div className="ack-confirm" role="alertdialog" aria-labelledby="ack-confirm-text" data-testid="ack-confirm">
          <p id="ack-confirm-text">Acknowledge {confirming.length.toLocaleString()} alerts? They stop counting as unacknowledged in every console; ongoing ones stay listed until they clear.</p>
          <button type="button" className="primary" autoFocus onClick={() => { void store.acknowledge(confirming); setConfirming(null); }} data-testid="ack-confirm-yes">Acknowledge {confirming.length.toLocaleString()}</button>
          <button type="button" onClick={() => setConfirming(null)}>Cancel</button>
        </div>
      ) : null}
      {ackError ? <p className="sheet-error" role="alert" data-testid="ack-error">Not acknowledged: {ackError}</p> : null}
      {status === 'error' ? <p className="sheet-error">{error}</p> : null}
      {groups.length === 0 && loose.length === 0 ? <p className="muted sheet-empty">{status === 'loading' ? 'Loading alerts…' : show === 'unacknowledged' ? 'No unacknowledged alert.' : 'No alert.'}</p> : null}
      {groups.length > 0 ? (
        <section className="sheet-section" aria-labelledby="incidents-title">
          <h3 id="incidents-title">Incidents ({groups.length})</h3>
          <ul className="alert-list" data-testid="incident-list">
            {groups.map((g) => <IncidentCard key={g.incident.id} group={g} ctx={ctx} />)}
          </ul>
        </section>
      ) : null}
      {loose.length > 0 ? (
        <section className="sheet-section" aria-labelledby="vm-alerts-title">
          <h3 id="vm-alerts-title">{groups.length > 0 ? 'Other VM alerts' : 'VM alerts'} ({loose.length.toLocaleString()})</h3>
          <PagedAlerts alerts={loose} ctx={ctx} testId="alert-list" />
        </section>
      ) : null}
      <NotificationChannelsForm viewer={viewer} />
      <DesktopNotificationsToggle viewer={viewer} />
    </aside>
  );
}

interface RowContext { now: number; viewer: boolean; acking: boolean; acknowledge(ids: string[]): void }

function IncidentCard({ group, ctx }: { group: IncidentGroup; ctx: RowContext }) {
  const [open, setOpen] = useState(false);
  const { incident, members } = group;
  const unacked = [incident, ...members].filter((a) => a.acknowledged === null).map((a) => a.id);
  const delivery = deliverySummary(incident);
  const tiers = group.byTier.map((n, tier) => (n > 0 ? `tier ${tier}: ${n.toLocaleString()}` : null)).filter(Boolean).join(' · ');
  return (
    <li className={`alert-item incident sev-${incident.severity}${incident.clearedAt !== null ? ' is-cleared' : ''}`} data-testid="incident" data-kind={incident.kind}>
      <StatusGlyph tone={incident.severity === 'critical' ? 'crit' : 'warn'} label={incident.severity === 'critical' ? 'Critical' : 'Warning'} />
      <div className="alert-text">
        <b className="alert-vm">{alertKindLabel(incident.kind)}</b> <span className="alert-kind muted">{incident.vmName}</span>
        <p className="alert-message">{incident.message}</p>
        <span className="muted num alert-when">
          raised {formatAgo(incident.raisedAt, ctx.now)}{incident.clearedAt !== null ? ` · cleared ${formatAgo(incident.clearedAt, ctx.now)}` : ' · ongoing'}
          {incident.acknowledged ? ` · acknowledged by ${incident.acknowledged.by}` : ''}
        </span>
        <span className={`alert-delivery${incident.delivery.some((d) => d.outcome === 'failed') ? ' is-failed' : ''}`} data-testid="delivery">{delivery ?? 'Not sent outside the console (no channel on when it was raised).'}</span>
        {members.length > 0 ? (
          <p className="incident-members num" data-testid="incident-members" data-count={members.length}>
            Holds <b>{members.length.toLocaleString()}</b> VM alert{members.length === 1 ? '' : 's'} on {group.vms.toLocaleString()} VM{group.vms === 1 ? '' : 's'}{group.critical > 0 ? `, ${group.critical.toLocaleString()} critical` : ''}{tiers ? ` (${tiers})` : ''}
            {' '}<button type="button" className="link-button" aria-expanded={open} onClick={() => setOpen(!open)} data-testid="incident-toggle">{open ? 'Hide VMs' : 'Show VMs'}</button>
          </p>
        ) : null}
      </div>
      {unacked.length > 0 ? (
        <span title={ctx.viewer ? VIEWER_REASON : undefined}>
          <button type="button" className="alert-ack" disabled={ctx.viewer || ctx.acking} onClick={() => ctx.acknowledge(unacked)} data-testid="ack-incident">
            Acknowledge{unacked.length > 1 ? ` ${unacked.length.toLocaleString()}` : ''}
          </button>
        </span>
      ) : null}
      {open && members.length > 0 ? <div className="incident-vms"><PagedAlerts alerts={members} ctx={ctx} testId="incident-vm-list" /></div> : null}
    </li>
  );
}

function PagedAlerts({ alerts, ctx, testId }: { alerts: readonly Alert[]; ctx: RowContext; testId: string }) {
  const [shown, setShown] = useState(PAGE);
  return (
    <ol className="alert-list vm-alerts" data-testid={testId}>
      {alerts.slice(0, shown).map((a) => <AlertRow key={a.id} alert={a} viewer={ctx.viewer} acking={ctx.acking} acknowledge={ctx.acknowledge} />)}
      {alerts.length > shown ? (
        <li className="more-row">
          <span className="muted num">Showing {shown.toLocaleString()} of {alerts.length.toLocaleString()}.</span>{' '}
          <button type="button" className="link-button" onClick={() => setShown(shown + PAGE * 5)} data-testid="show-more">Show {Math.min(PAGE * 5, alerts.length - shown).toLocaleString()} more</button>
        </li>
      ) : null}
    </ol>
  );
}

/**
 * One VM alert. Times are estate clock times, not "ago": a row then changes only when its alert
 * does, and a thousand of them arriving during a WAN cut do not redraw the ones already shown.
 */
const AlertRow = memo(function AlertRow({ alert: a, viewer, acking, acknowledge }: { alert: Alert; viewer: boolean; acking: boolean; acknowledge(ids: string[]): void }) {
  const aboutPlan = a.kind === 'drill-overdue';
  const openVm = () => {
    // A plan's overdue drill is about the plan, not a VM: its place is the Drills view.
    if (aboutPlan) { useUi.getState().setView('drills'); return; }
    useUi.getState().setView('replication');
    useReplicationUi.getState().openDrawer(a.vmId);
  };
  const delivery = deliverySummary(a);
  return (
    <li className={`alert-item sev-${a.severity}${a.clearedAt !== null ? ' is-cleared' : ''}`} data-testid="alert-item">
      <StatusGlyph tone={a.severity === 'critical' ? 'crit' : 'warn'} label={a.severity === 'critical' ? 'Critical' : 'Warning'} />
      <div className="alert-text">
        <button type="button" className="link-button alert-vm" onClick={openVm} title={aboutPlan ? 'Open the Drills view' : 'Open in the replication view'}>{a.vmName}</button>
        <span className="alert-kind muted">{alertKindLabel(a.kind)}{a.tier !== null ? ` · tier ${a.tier}` : ''}</span>
        <p className="alert-message">{a.message}</p>
        <span className="muted num alert-when">
          raised {clockTime(a.raisedAt)}
          {a.clearedAt !== null ? ` · cleared ${clockTime(a.clearedAt)}` : ' · ongoing'}
          {a.acknowledged ? ` · acknowledged by ${a.acknowledged.by}` : ''}
        </span>
        {delivery ? <span className="alert-delivery" data-testid="delivery">{delivery}</span> : null}
      </div>
      {a.acknowledged === null ? (
        <span title={viewer ? VIEWER_REASON : undefined}>
          <button type="button" className="alert-ack" disabled={viewer || acking} onClick={() => acknowledge([a.id])} data-testid="ack-one">Acknowledge</button>
        </span>
      ) : null}
    </li>
  );
});

/** Estate clock time of day, UTC as the lab clock shows it. */
function clockTime(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** Only in the desktop app, where the core raises system notifications for new alerts. */
function DesktopNotificationsToggle({ viewer }: { viewer: boolean }) {
  const services = useServices();
  const on = useSettings((s) => s.settings?.desktopNotifications ?? true);
  const notice = useSettings((s) => s.notice);
  if (!isPreloadBridge((window as unknown as { standby?: unknown }).standby)) return null;
  return (
    <div className="sheet-tools">
      <label title={viewer ? 'Viewer (read-only): only an operator can change this' : 'A system notification when an alert is raised or turns critical'}>
        <input type="checkbox" checked={on} disabled={viewer} onChange={(e) => void services.settings.setDesktopNotifications(e.target.checked)} data-testid="desktop-notifications" />
        {' '}Desktop notifications
      </label>
      {notice ? <span className="muted">{notice}</span> : null}
    </div>
  );
}
