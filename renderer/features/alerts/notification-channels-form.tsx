import { useEffect, useState } from 'react';
import { DEFAULT_NOTIFICATIONS, type NotificationSettings } from '../../../shared/model/settings.ts';
import { describeError } from '../../platform/describe-error.ts';
import { useServices, useSettings } from '../../platform/services-context.tsx';

const VIEWER = 'Viewer (read-only): only an operator can change or test notification channels';

/**
 * Where incidents go besides this console: a webhook (JSON POST) and mail through an SMTP relay,
 * each saved to the shared settings and testable before it is turned on.
 */
export function NotificationChannelsForm({ viewer }: { viewer: boolean }) {
  const services = useServices();
  const stored = useSettings((s) => s.settings?.notifications ?? DEFAULT_NOTIFICATIONS);
  const [draft, setDraft] = useState<NotificationSettings>(stored);
  const [result, setResult] = useState<{ tone: 'ok' | 'crit'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => { setDraft(stored); }, [stored]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(stored);
  const webhook = (change: Partial<NotificationSettings['webhook']>) => setDraft({ ...draft, webhook: { ...draft.webhook, ...change } });
  const smtp = (change: Partial<NotificationSettings['smtp']>) => setDraft({ ...draft, smtp: { ...draft.smtp, ...change } });

  const save = async () => {
    setBusy(true);
    const problem = await services.settings.setNotifications(draft);
    setBusy(false);
    setResult(problem ? { tone: 'crit', text: `Not saved: ${problem}` } : { tone: 'ok', text: 'Saved.' });
  };
  const test = async (channel: 'webhook' | 'smtp') => {
    setBusy(true);
    setResult(null);
    try {
      if (dirty) {
        const problem = await services.settings.setNotifications(draft);
        if (problem) { setResult({ tone: 'crit', text: `Not saved, so not tested: ${problem}` }); return; }
      }
      const answer = await services.client.request('notifications.test', { channel });
      const name = channel === 'webhook' ? 'Webhook' : 'Mail';
      setResult(answer.outcome === 'delivered'
        ? { tone: 'ok', text: `${name} test delivered (${answer.detail}).` }
        : { tone: 'crit', text: `${name} test not delivered after ${answer.attempts} attempts: ${answer.detail}` });
    } catch (error) {
      setResult({ tone: 'crit', text: `Test failed: ${describeError(error)}` });
    } finally {
      setBusy(false);
    }
  };
  const off = viewer || busy;
  return (
    <details className="sheet-section channels" data-testid="notification-channels">
      <summary>
        Notification channels{' '}
        <span className="muted">
          {[stored.webhook.enabled && 'webhook', stored.smtp.enabled && 'mail'].filter(Boolean).join(' and ') || 'none on'}
        </span>
      </summary>
      <fieldset disabled={off} title={viewer ? VIEWER : undefined}>
        <legend>Webhook (JSON POST, e.g. a Teams workflow or a pager bridge)</legend>
        <label className="check"><input type="checkbox" checked={draft.webhook.enabled} onChange={(e) => webhook({ enabled: e.target.checked })} data-testid="webhook-enabled" /> On</label>
        <label>Address <input type="url" value={draft.webhook.url} placeholder="https://…" onChange={(e) => webhook({ url: e.target.value })} data-testid="webhook-url" /></label>
        <button type="button" onClick={() => void test('webhook')} disabled={off || !draft.webhook.url} data-testid="webhook-test">Send a test</button>
      </fieldset>
      <fieldset disabled={off} title={viewer ? VIEWER : undefined}>
        <legend>Mail (SMTP relay, no sign-in)</legend>
        <label className="check"><input type="checkbox" checked={draft.smtp.enabled} onChange={(e) => smtp({ enabled: e.target.checked })} data-testid="smtp-enabled" /> On</label>
        <label>Server <input value={draft.smtp.host} onChange={(e) => smtp({ host: e.target.value })} data-testid="smtp-host" /></label>
        <label>Port <input type="number" min={1} max={65535} value={draft.smtp.port} onChange={(e) => smtp({ port: Number(e.target.value) || 0 })} data-testid="smtp-port" /></label>
        <label>Security
          <select value={draft.smtp.security} onChange={(e) => smtp({ security: e.target.value as NotificationSettings['smtp']['security'] })} data-testid="smtp-security">
            <option value="starttls">STARTTLS (587)</option><option value="tls">TLS (465)</option><option value="none">None (relay on this network)</option>
          </select>
        </label>
        <label>From <input type="email" value={draft.smtp.from} onChange={(e) => smtp({ from: e.target.value })} data-testid="smtp-from" /></label>
        <label>To <input value={draft.smtp.to} placeholder="oncall@…, dr-team@…" onChange={(e) => smtp({ to: e.target.value })} data-testid="smtp-to" /></label>
        <button type="button" onClick={() => void test('smtp')} disabled={off || !draft.smtp.host} data-testid="smtp-test">Send a test</button>
      </fieldset>
      <div className="sheet-tools">
        <span title={viewer ? VIEWER : undefined}>
          <button type="button" className="primary" disabled={off || !dirty} onClick={() => void save()} data-testid="channels-save">Save channels</button>
        </span>
        {result ? <span className={result.tone === 'ok' ? 'channel-result' : 'sheet-error'} role="status" data-testid="channel-result">{result.text}</span> : null}
      </div>
    </details>
  );
}
