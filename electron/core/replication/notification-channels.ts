import type { NotificationSettings } from '../../../shared/model/settings.ts';

/** One message for the outside world: an incident with the VM alerts it holds, or a digest of alerts. */
export interface NotificationMessage {
  subject: string;
  /** Plain text, for mail and for chat tools that show a `text` field. */
  text: string;
  /** The same, structured, for a webhook receiver. */
  body: Record<string, unknown>;
}

/** A way out of the console; send resolves with the receiver's answer or throws why it was refused. */
export interface NotificationChannel {
  readonly name: 'webhook' | 'smtp';
  send(message: NotificationMessage): Promise<string>;
}

const TIMEOUT_MS = 10_000;

/** The channels enabled in settings; a channel enabled without an address says so when it is used. */
export function channelsFrom(settings: NotificationSettings): NotificationChannel[] {
  const channels: NotificationChannel[] = [];
  if (settings.webhook.enabled) channels.push(webhookChannel(settings.webhook));
  if (settings.smtp.enabled) channels.push(smtpChannel(settings.smtp));
  return channels;
}

/** A JSON POST; any 2xx is delivered, anything else (or no answer in 10 s) is a failure to retry. */
export function webhookChannel(settings: NotificationSettings['webhook']): NotificationChannel {
  return {
    name: 'webhook',
    async send(message) {
      if (!settings.url) throw new Error('the webhook has no address (Settings → Notification channels)');
      const response = await fetch(settings.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `${message.subject}\n${message.text}`, ...message.body }),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      }).catch((error: unknown) => { throw new Error(`${settings.url} did not answer: ${describeCause(error)}`, { cause: error }); });
      const answer = (await response.text().catch(() => '')).slice(0, 200);
      if (!response.ok) throw new Error(`${settings.url} answered HTTP ${response.status}${answer ? `: ${answer}` : ''}`);
      return `HTTP ${response.status}`;
    },
  };
}

/**
 * Mail through an SMTP relay, by nodemailer (loaded only when mail is sent, so the console runs
 * without it). No authentication: sites relay alert mail from known hosts.
 */
export function smtpChannel(settings: NotificationSettings['smtp']): NotificationChannel {
  return {
    name: 'smtp',
    async send(message) {
      const missing = [!settings.host && 'no server', !settings.from && 'no sender', !settings.to.trim() && 'no recipients'].filter(Boolean);
      if (missing.length > 0) throw new Error(`the mail channel has ${missing.join(', ')} (Settings → Notification channels)`);
      const nodemailer = await import('nodemailer').catch((error: unknown) => { throw new Error('mail cannot be sent: the nodemailer package is not installed', { cause: error }); });
      const transport = nodemailer.createTransport({
        host: settings.host, port: settings.port,
        secure: settings.security === 'tls', requireTLS: settings.security === 'starttls', ignoreTLS: settings.security === 'none',
        connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS,
      });
      try {
        const info = await transport.sendMail({ from: settings.from, to: settings.to, subject: message.subject, text: message.text });
        return String(info.response ?? 'accepted');
      } catch (error) {
        throw new Error(`${settings.host}:${settings.port} refused the mail: ${describeCause(error)}`, { cause: error });
      } finally {
        transport.close();
      }
    },
  };
}

function describeCause(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
