import { isIncident, type Alert, type DeliveryNote } from '../../../shared/model/replication.ts';
import type { ClockPort, LoggerPort } from '../ports.ts';
import type { AlertBook } from './alert-book.ts';
import type { NotificationChannel, NotificationMessage } from './notification-channels.ts';
import { WAN_RULES } from './incident-rules.ts';

export interface AlertNotifierOptions {
  book: AlertBook;
  /** The channels enabled now (settings can change between two alerts). */
  channels(): NotificationChannel[];
  clock: ClockPort;
  logger: LoggerPort;
  /** Delivery notes were written to the book: publish them. */
  onNoted(): void;
  /** Wall-clock waits between attempts; one attempt more than there are waits. */
  retryDelaysMs?: readonly number[];
  /** Estate time a critical VM alert waits for an incident to explain it before it goes out alone. */
  holdMs?: number;
}

export interface AlertNotifier {
  /** Alerts just raised or changed; incidents go out at once, critical VM alerts are held. */
  consider(changed: readonly Alert[]): void;
  /** The estate clock moved: held VM alerts that no incident explained go out, as one digest. */
  tick(at: number): void;
  /** Sends a test message through one channel, with the same retries, and says what happened. */
  test(channel: NotificationChannel): Promise<Omit<DeliveryNote, 'at'>>;
  dispose(): void;
}

const RETRY_DELAYS_MS = [2_000, 10_000, 30_000];
/** A WAN cut is recognised after minSilenceMs; two minutes on top covers the shortest RPO's lead. */
const HOLD_MS = WAN_RULES.minSilenceMs + 2 * 60_000;
const DIGEST_LINES = 50;

/**
 * Tells the channels about incidents and about critical alerts nothing explains: one WAN cut is one
 * message (not 1,200), sent once, retried on failure, and its outcome noted on the alert so the
 * console shows whether anyone outside heard. Alerts present when the console started were
 * considered then, so a restart does not send them again.
 */
export function createAlertNotifier(options: AlertNotifierOptions): AlertNotifier {
  const { book } = options;
  const delays = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  const holdMs = options.holdMs ?? HOLD_MS;
  const considered = new Set<string>();
  for (const a of book.list()) considered.add(a.id);
  const held = new Map<string, number>();
  const timers = new Set<{ cancel(): void }>();
  let disposed = false;

  const wait = (ms: number) => new Promise<void>((resolve) => {
    const timer = options.clock.setTimeout(() => { timers.delete(timer); resolve(); }, ms);
    timers.add(timer);
  });

  async function attempt(channel: NotificationChannel, message: NotificationMessage): Promise<Omit<DeliveryNote, 'at'>> {
    for (let attempts = 1; ; attempts++) {
      try {
        return { channel: channel.name, outcome: 'delivered', attempts, detail: await channel.send(message) };
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        const delay = delays[attempts - 1];
        if (delay === undefined || disposed) return { channel: channel.name, outcome: 'failed', attempts, detail };
        await wait(delay);
        if (disposed) return { channel: channel.name, outcome: 'failed', attempts, detail };
      }
    }
  }

  function deliver(message: NotificationMessage, alertIds: readonly string[]): void {
    for (const channel of options.channels()) {
      void attempt(channel, message).then((result) => {
        if (disposed) return;
        if (result.outcome === 'failed') options.logger.warn(`Alert notification by ${channel.name} failed after ${result.attempts} attempts: ${result.detail}`);
        const note = { ...result, at: options.clock.now() };
        for (const id of alertIds) book.noteDelivery(id, note);
        options.onNoted();
      });
    }
  }

  function incidentMessage(incident: Alert): NotificationMessage {
    const held: Alert[] = [];
    for (const a of book.ongoing()) if (a.incidentId === incident.id) held.push(a);
    const critical = held.filter((a) => a.severity === 'critical').length;
    return {
      subject: `[Standby] ${incident.severity === 'critical' ? 'CRITICAL' : 'Warning'}: ${incident.message}`,
      text: `${incident.message}\n${held.length} VM alert${held.length === 1 ? '' : 's'} so far (${critical} critical) are filed under this incident in the console.\nIncident ${incident.id}, raised ${new Date(incident.raisedAt).toISOString()} (estate clock).`,
      body: {
        source: 'Standby', type: 'incident',
        incident: { id: incident.id, kind: incident.kind, severity: incident.severity, subject: incident.vmName, message: incident.message, raisedAt: incident.raisedAt },
        vmAlerts: { total: held.length, critical },
      },
    };
  }

  function digestMessage(alerts: readonly Alert[]): NotificationMessage {
    const lines = alerts.slice(0, DIGEST_LINES).map((a) => `- ${a.message}`);
    if (alerts.length > DIGEST_LINES) lines.push(`- …and ${alerts.length - DIGEST_LINES} more in the console.`);
    return {
      subject: alerts.length === 1 ? `[Standby] CRITICAL: ${alerts[0]!.message}` : `[Standby] CRITICAL: ${alerts.length} VM alerts`,
      text: lines.join('\n'),
      body: {
        source: 'Standby', type: 'alerts',
        alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, severity: a.severity, vm: a.vmName, tier: a.tier, message: a.message, raisedAt: a.raisedAt })),
      },
    };
  }

  return {
    consider(changed) {
      for (const a of changed) {
        if (considered.has(a.id)) continue;
        if (a.clearedAt !== null || a.acknowledged !== null) { considered.add(a.id); continue; }
        if (isIncident(a)) {
          considered.add(a.id);
          deliver(incidentMessage(a), [a.id]);
        } else if (a.severity === 'critical') {
          considered.add(a.id);
          held.set(a.id, a.raisedAt);
        }
      }
    },
    tick(at) {
      const due: Alert[] = [];
      for (const [id, raisedAt] of held) {
        if (at - raisedAt < holdMs) continue;
        held.delete(id);
        const alert = book.get(id);
        // Explained by an incident (its message counted it), over, or already seen: nothing to send.
        if (alert && alert.incidentId === null && alert.clearedAt === null && alert.acknowledged === null) due.push(alert);
      }
      if (due.length > 0) deliver(digestMessage(due), due.map((a) => a.id));
    },
    test(channel) {
      return attempt(channel, {
        subject: '[Standby] Test message',
        text: 'This is a test from the Standby console: alerts and incidents will arrive here.',
        body: { source: 'Standby', type: 'test' },
      });
    },
    dispose() {
      disposed = true;
      for (const timer of timers) timer.cancel();
      timers.clear();
    },
  };
}
