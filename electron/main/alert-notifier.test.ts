import { describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../shared/model/replication.ts';
import { SUMMARY_AT, startAlertNotifier, type NotificationApi } from './alert-notifier.ts';

const alert = (id: string, severity: Alert['severity'], more: Partial<Alert> = {}): Alert => ({
  id, kind: 'health', severity, vmId: `p:${id}`, vmName: `VM-${id}`, message: `Replication health of VM-${id} is ${severity}.`,
  tier: 1, raisedAt: 1, raisedWallAt: 1, clearedAt: null, acknowledged: null, incidentId: null, delivery: [], ...more,
});

async function rig(options: { enabled?: boolean; existing?: Alert[]; supported?: boolean } = {}) {
  const listeners = new Map<string, (event: unknown) => void>();
  const shown: { title: string; body: string; urgency: string }[] = [];
  const clicks: (() => void)[] = [];
  const notifications: NotificationApi = {
    isSupported: () => options.supported ?? true,
    create: (o) => ({ show: () => shown.push(o), on: (_e, listener) => clicks.push(listener) }),
  };
  const core = {
    handle: vi.fn(async (channel: string) => (channel === 'settings.get' ? { desktopNotifications: options.enabled ?? true } : { alerts: options.existing ?? [], seq: 0 })),
    subscribe: vi.fn((stream: string, listener: (event: never) => void) => { listeners.set(stream, listener as (event: unknown) => void); return () => listeners.delete(stream); }),
  };
  const showAlerts = vi.fn();
  const stop = await startAlertNotifier({ core: core as never, notifications, showAlerts, logger: { warn: vi.fn() } });
  let seq = 0;
  const publish = (changed: Alert[]) => listeners.get('alerts.changed')!({ seq: ++seq, changed, removed: [] });
  const setEnabled = (on: boolean) => listeners.get('settings.changed')!({ desktopNotifications: on });
  return { shown, clicks, showAlerts, publish, setEnabled, stop, listeners };
}

describe('desktop notifications for alerts', () => {
  it('announces a raised alert once, and again only when it escalates to critical', async () => {
    const r = await rig();
    r.publish([alert('a', 'warning')]);
    r.publish([alert('a', 'warning')]);
    expect(r.shown).toEqual([{ title: 'Warning: VM-a', body: 'Replication health of VM-a is warning.', urgency: 'normal' }]);
    r.publish([alert('a', 'critical')]);
    expect(r.shown.map((s) => [s.title, s.urgency])).toEqual([['Warning: VM-a', 'normal'], ['Critical: VM-a', 'critical']]);
    r.clicks[0]!();
    expect(r.showAlerts).toHaveBeenCalledTimes(1);
  });

  it('does not announce again the alerts present at start, nor cleared or acknowledged ones', async () => {
    const r = await rig({ existing: [alert('old', 'critical')] });
    r.publish([alert('old', 'critical'), alert('gone', 'warning', { clearedAt: 5 }), alert('seen', 'warning', { acknowledged: { by: 'alice', at: 2 } })]);
    expect(r.shown).toEqual([]);
  });

  it('announces an incident once, with the VM alerts filed under it counted in it instead of toasted', async () => {
    const r = await rig();
    const wan = alert('wan', 'critical', { kind: 'wan-link', vmId: 'wan:site-pri>site-dr', vmName: 'WAN Northgate → Riverside', message: 'The WAN link from Northgate to Riverside is down.', tier: null });
    const under = Array.from({ length: 40 }, (_, i) => alert(`v${i}`, i < 5 ? 'critical' : 'warning', { incidentId: 'wan' }));
    r.publish([wan, ...under.slice(0, 30)]);
    expect(r.shown).toEqual([{ title: 'Critical: WAN Northgate → Riverside', body: 'The WAN link from Northgate to Riverside is down. 30 VM alerts filed under it.', urgency: 'critical' }]);
    // Later VM alerts of the same cut: nothing new on the desktop.
    r.publish(under.slice(30));
    expect(r.shown).toHaveLength(1);
    // A VM alert no incident explains is still announced on its own.
    r.publish([alert('lone', 'warning')]);
    expect(r.shown.map((s) => s.title)).toEqual(['Critical: WAN Northgate → Riverside', 'Warning: VM-lone']);
  });

  it('does not toast VM alerts filed under an incident known at start', async () => {
    const r = await rig({ existing: [alert('site', 'critical', { kind: 'site', vmName: 'Site Northgate', tier: null })] });
    r.publish([alert('x', 'critical', { incidentId: 'site' }), alert('y', 'warning', { incidentId: 'site' })]);
    expect(r.shown).toEqual([]);
  });

  it('turns a burst into one summary notification', async () => {
    const r = await rig();
    r.publish(Array.from({ length: SUMMARY_AT + 6 }, (_, i) => alert(String(i), i < 2 ? 'critical' : 'warning')));
    expect(r.shown).toHaveLength(1);
    expect(r.shown[0]).toMatchObject({ title: `${SUMMARY_AT + 6} replication alerts`, urgency: 'critical' });
    expect(r.shown[0]!.body).toMatch(/^2 critical, 8 warning: VM-0, VM-1, VM-2 and 7 more\.$/);
  });

  it('follows the setting: off at start, then on; alerts raised while off are not announced later', async () => {
    const r = await rig({ enabled: false });
    r.publish([alert('a', 'warning')]);
    expect(r.shown).toEqual([]);
    r.setEnabled(true);
    r.publish([alert('a', 'warning'), alert('b', 'critical')]);
    expect(r.shown.map((s) => s.title)).toEqual(['Critical: VM-b']);
  });

  it('does nothing where the system has no notifications, and stops listening when stopped', async () => {
    const none = await rig({ supported: false });
    expect(none.listeners.size).toBe(0);
    const r = await rig();
    r.stop();
    expect(r.listeners.size).toBe(0);
  });
});
