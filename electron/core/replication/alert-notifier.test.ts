import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isIncident } from '../../../shared/model/replication.ts';
import { DEFAULT_NOTIFICATIONS } from '../../../shared/model/settings.ts';
import { systemClock } from '../ports.ts';
import { incidentRig } from '../testing/incident-rig.ts';
import { manualClock, silentLogger } from '../testing/memory-ports.ts';
import { smtpLoopback } from '../testing/smtp-loopback.ts';
import { webhookReceiver } from '../testing/webhook-receiver.ts';
import { AlertBook } from './alert-book.ts';
import { createAlertNotifier } from './alert-notifier.ts';
import { smtpChannel, webhookChannel, type NotificationChannel, type NotificationMessage } from './notification-channels.ts';

const MINUTE = 60_000;
const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

describe('notifications of incidents', () => {
  it('a WAN cut reaches a webhook once, as one incident; a refused first attempt is retried and the alert says it was delivered', async () => {
    const receiver = await webhookReceiver([503, 200]);
    cleanups.push(receiver.close);
    const rig = await incidentRig({ wall: systemClock, retryDelaysMs: [20, 20], channels: () => [webhookChannel({ enabled: true, url: receiver.url })] });
    cleanups.push(() => rig.dispose());
    rig.run(5 * MINUTE);
    rig.lab.injectFault({ kind: 'wan-cut', link: 'primary-dr' });
    rig.run(30 * MINUTE);
    const wan = rig.ongoing().find(isIncident)!;
    expect(wan.kind).toBe('wan-link');
    await vi.waitFor(() => expect(rig.monitor.alerts().find((a) => a.id === wan.id)!.delivery).toHaveLength(1));
    expect(rig.monitor.alerts().find((a) => a.id === wan.id)!.delivery[0]).toMatchObject({ channel: 'webhook', outcome: 'delivered', attempts: 2, detail: 'HTTP 200' });
    const vmAlerts = rig.ongoing().filter((a) => !isIncident(a));
    expect(vmAlerts.length).toBeGreaterThan(10);
    // Half an hour of a cut later: still the one incident, and no message per VM.
    rig.run(30 * MINUTE);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(2);
    expect(receiver.delivered()).toEqual([expect.objectContaining({
      source: 'Standby', type: 'incident',
      incident: expect.objectContaining({ id: wan.id, kind: 'wan-link', severity: 'critical' }),
      text: expect.stringContaining('WAN link'),
    })]);
    expect((receiver.delivered()[0] as { vmAlerts: { total: number } }).vmAlerts.total).toBeGreaterThan(0);
  });

  it('a webhook that keeps failing is tried once per retry and the alert says why it was not delivered', async () => {
    const receiver = await webhookReceiver([500]);
    cleanups.push(receiver.close);
    const result = await notifierWith(webhookChannel({ enabled: true, url: receiver.url })).test();
    expect(result).toMatchObject({ channel: 'webhook', outcome: 'failed', attempts: 3 });
    expect(result.detail).toContain('HTTP 500');
    expect(receiver.received).toHaveLength(3);
  });

  it('critical VM alerts no incident explains go out after the hold, together, once', async () => {
    const sent: NotificationMessage[] = [];
    const channel: NotificationChannel = { name: 'webhook', send: async (m) => { sent.push(m); return 'HTTP 200'; } };
    const book = new AlertBook(mkdtempSync(join(tmpdir(), 'standby-notify-')), silentLogger());
    cleanups.push(() => book.close());
    const notifier = createAlertNotifier({ book, channels: () => [channel], clock: manualClock(0), logger: silentLogger(), onNoted: () => {}, holdMs: 5 * MINUTE });
    cleanups.push(() => notifier.dispose());
    for (const vm of ['EHR01', 'EHR02']) book.raise({ vmId: vm, vmName: vm, tier: 0, kind: 'rpo', severity: 'critical', message: `${vm}: RPO of 2 min missed (tier 0).`, raisedAt: 0, raisedWallAt: 0 });
    book.raise({ vmId: 'FILE01', vmName: 'FILE01', tier: 2, kind: 'rpo', severity: 'warning', message: 'FILE01 behind', raisedAt: 0, raisedWallAt: 0 });
    notifier.consider(book.takeChanges()!.changed);
    notifier.tick(4 * MINUTE);
    expect(sent).toEqual([]);
    notifier.tick(5 * MINUTE);
    notifier.tick(6 * MINUTE);
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]!.subject).toBe('[Standby] CRITICAL: 2 VM alerts');
    expect(sent[0]!.text).toContain('EHR02: RPO of 2 min missed');
    await vi.waitFor(() => expect(book.list().filter((a) => a.delivery.length > 0).map((a) => a.vmId).sort()).toEqual(['EHR01', 'EHR02']));
  });
});

describe('mail', () => {
  it('sends the test message to a loopback SMTP relay', async () => {
    const relay = await smtpLoopback();
    cleanups.push(relay.close);
    const result = await notifierWith(smtpChannel({ ...DEFAULT_NOTIFICATIONS.smtp, enabled: true, host: '127.0.0.1', port: relay.port, security: 'none', from: 'standby@hospital.test', to: 'oncall@hospital.test, dr@hospital.test' })).test();
    expect(result).toMatchObject({ channel: 'smtp', outcome: 'delivered', attempts: 1 });
    expect(result.detail).toContain('250');
    expect(relay.mails).toHaveLength(1);
    expect(relay.mails[0]).toMatchObject({ from: 'standby@hospital.test', to: ['oncall@hospital.test', 'dr@hospital.test'] });
    expect(relay.mails[0]!.data).toContain('Subject: [Standby] Test message');
  });

  it('says which relay refused the mail and what it answered', async () => {
    const relay = await smtpLoopback({ refuseRecipient: true });
    cleanups.push(relay.close);
    const result = await notifierWith(smtpChannel({ ...DEFAULT_NOTIFICATIONS.smtp, enabled: true, host: '127.0.0.1', port: relay.port, security: 'none', from: 'standby@hospital.test', to: 'nobody@hospital.test' })).test();
    expect(result.outcome).toBe('failed');
    expect(result.detail).toMatch(/127\.0\.0\.1:\d+ refused the mail: .*550/);
    expect(relay.mails).toHaveLength(0);
  });

  it('says what is missing before trying', async () => {
    const result = await notifierWith(smtpChannel({ ...DEFAULT_NOTIFICATIONS.smtp, enabled: true })).test();
    expect(result).toMatchObject({ outcome: 'failed', detail: 'the mail channel has no server, no sender, no recipients (Settings → Notification channels)' });
  });
});

function notifierWith(channel: NotificationChannel) {
  const book = new AlertBook(mkdtempSync(join(tmpdir(), 'standby-notify-')), silentLogger());
  const notifier = createAlertNotifier({ book, channels: () => [channel], clock: systemClock, logger: silentLogger(), onNoted: () => {}, retryDelaysMs: [10, 10] });
  cleanups.push(() => { notifier.dispose(); book.close(); });
  return { test: () => notifier.test(channel) };
}
