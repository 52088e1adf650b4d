import { isIncident, type Alert, type AlertChanges, type AlertList } from '../../shared/model/replication.ts';
import type { Settings } from '../../shared/model/settings.ts';
import type { Core } from '../core/core.ts';
import type { LoggerPort } from '../core/ports.ts';

/** The part of Electron's Notification this module uses, so tests can hand in a fake. */
export interface NotificationApi {
  isSupported(): boolean;
  create(options: { title: string; body: string; urgency: 'normal' | 'critical' }): { show(): void; on(event: 'click', listener: () => void): unknown };
}

export interface AlertNotifierOptions {
  core: Pick<Core, 'handle' | 'subscribe'>;
  notifications: NotificationApi;
  /** Brings the console window to the front when a notification is clicked. */
  showAlerts(): void;
  logger: Pick<LoggerPort, 'warn'>;
}

/**
 * More new alerts than this in one change (a WAN cut turns hundreds of VMs Warning at once) become
 * one summary notification: a desktop full of toasts helps nobody.
 */
export const SUMMARY_AT = 4;

// It only reads: the viewer role is all it needs.
const SYSTEM = { role: 'viewer' as const, actor: 'desktop notifications' };

/**
 * A desktop notification when the core raises a replication alert or an incident, or escalates one to
 * critical. An incident is announced with the number of VM alerts filed under it, and those VM alerts
 * get no toast of their own (a WAN cut is one notification, "the WAN to Riverside is down", not 1,192).
 * Alerts already present at start (journaled before a restart) are not announced again. Respects
 * the desktopNotifications setting as it changes. Returns a function that stops it.
 */
export async function startAlertNotifier(options: AlertNotifierOptions): Promise<() => void> {
  const { core, notifications, logger } = options;
  if (!notifications.isSupported()) return () => {};
  let enabled = ((await core.handle('settings.get', {}, SYSTEM)) as Settings).desktopNotifications;
  // Severity last announced (or already known at start) per alert id.
  const known = new Map<string, Alert['severity']>();
  // VM alert id → the incident it is filed under; incidents announced (or known at start).
  const filed = new Map<string, string>();
  const announced = new Set<string>();
  const initial = (await core.handle('alerts.list', {}, SYSTEM)) as AlertList;
  for (const alert of initial.alerts) {
    known.set(alert.id, alert.severity);
    if (isIncident(alert)) announced.add(alert.id);
    if (alert.incidentId !== null) filed.set(alert.id, alert.incidentId);
  }
  // Announced now or before: its VM alerts are in its count, not toasts of their own.
  const announcedIncident = (id: string) => announced.has(id) || fresh.some((a) => a.id === id);
  let fresh: Alert[] = [];

  const show = (title: string, body: string, critical: boolean) => {
    try {
      const n = notifications.create({ title, body, urgency: critical ? 'critical' : 'normal' });
      n.on('click', () => options.showAlerts());
      n.show();
    } catch (error) {
      logger.warn('A desktop notification could not be shown', { error: String(error) });
    }
  };

  const onAlerts = ({ changed, removed }: AlertChanges) => {
    for (const id of removed) { known.delete(id); filed.delete(id); announced.delete(id); }
    fresh = [];
    for (const alert of changed) {
      const before = known.get(alert.id);
      known.set(alert.id, alert.severity);
      const announce = before === undefined || (before === 'warning' && alert.severity === 'critical');
      if (announce && alert.clearedAt === null && alert.acknowledged === null) fresh.push(alert);
    }
    for (const alert of changed) if (alert.incidentId !== null) filed.set(alert.id, alert.incidentId);
    if (!enabled || fresh.length === 0) return;
    // What broke first (the WAN link, the site, the host), with the VM alerts it explains counted in it;
    // VM alerts filed under an incident already announced are not announced again one by one.
    const incidents = fresh.filter(isIncident);
    for (const incident of incidents) {
      const under = [...filed.values()].filter((id) => id === incident.id).length;
      show(`${incident.severity === 'critical' ? 'Critical' : 'Warning'}: ${incident.vmName}`, `${incident.message}${under > 0 ? ` ${under} VM alert${under === 1 ? '' : 's'} filed under it.` : ''}`, incident.severity === 'critical');
    }
    const loose = fresh.filter((a) => !isIncident(a) && (a.incidentId === null || !announcedIncident(a.incidentId)));
    for (const incident of incidents) announced.add(incident.id);
    if (loose.length === 0) return;
    const critical = loose.filter((a) => a.severity === 'critical');
    if (loose.length >= SUMMARY_AT) {
      const names = loose.slice(0, 3).map((a) => a.vmName).join(', ');
      show(`${loose.length} replication alerts`, `${critical.length} critical, ${loose.length - critical.length} warning: ${names} and ${loose.length - 3} more.`, critical.length > 0);
      return;
    }
    for (const alert of loose) show(`${alert.severity === 'critical' ? 'Critical' : 'Warning'}: ${alert.vmName}`, alert.message, alert.severity === 'critical');
  };

  const stops = [
    core.subscribe('alerts.changed', onAlerts),
    core.subscribe('settings.changed', (settings) => { enabled = settings.desktopNotifications; }),
  ];
  return () => { for (const stop of stops) stop(); };
}
