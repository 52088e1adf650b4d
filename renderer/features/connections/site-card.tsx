import { useState } from 'react';
import { formatAgo } from '../../../shared/format/duration.ts';
import type { ConnectionEntry, ConnectionProfile, NodeSessionState, RemotingFailure, SessionStateName, SiteSessionState } from '../../../shared/model/connections.ts';
import type { SiteRole } from '../../../shared/model/estate.ts';
import type { ActionOutcome, SiteTest } from './connections-store.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { clockTime, FAILURE_TITLE, ROLE_LABEL, STATE_LABEL, STATE_TONE } from './connection-labels.ts';
import { FailureAdvice } from './failure-advice.tsx';
import { ProfileForm } from './profile-form.tsx';
import { draftFromProfile, newDraft } from './profile-draft.ts';
import { VIEWER_REASON } from '../../platform/read-only.ts';

export interface SiteCardProps {
  site: { id: string; name: string; role: SiteRole; location: string; clusterNames: string[] };
  entry: ConnectionEntry | null;
  /** The live session when the PowerShell backend runs. */
  session: SiteSessionState | null;
  test: SiteTest | null;
  reconnecting: boolean;
  backendActive: 'lab' | 'powershell';
  viewer: boolean;
  now: number;
  startEditing?: boolean;
  onSave(profile: ConnectionProfile, password: string): Promise<ActionOutcome>;
  onDelete(): Promise<ActionOutcome>;
  onTest(profile: ConnectionProfile, password: string): Promise<{ where?: string; error?: string } | null>;
  onReconnect(): Promise<ActionOutcome>;
  onCancelNew?(): void;
}

/** What the card shows: the live session, else the last test, else nothing yet. */
function shown(session: SiteSessionState | null, test: SiteTest | null): {
  source: 'live' | 'test' | 'none'; state: SessionStateName; nodes: NodeSessionState[]; failure: RemotingFailure | null;
  psVersion: string | null; since: number | null; attempt: number | null; nextRetryAt: number | null;
} {
  if (session) {
    return { source: 'live', state: session.state, nodes: session.nodes, failure: session.lastError, psVersion: session.psVersion, since: session.since, attempt: session.attempt, nextRetryAt: session.nextRetryAt };
  }
  if (test?.result) {
    const r = test.result;
    return { source: 'test', state: r.state, nodes: r.nodes, failure: r.failure, psVersion: r.psVersion, since: test.at, attempt: null, nextRetryAt: null };
  }
  return { source: 'none', state: 'disconnected', nodes: [], failure: null, psVersion: null, since: null, attempt: null, nextRetryAt: null };
}

/** The node's sentence; a run of nodes failing the same way says so once, then points up. */
function nodeAdvice(nodes: NodeSessionState[], i: number): string {
  const n = nodes[i]!;
  if (!n.lastError) return n.connected ? '' : 'Waiting for the next attempt.';
  const first = nodes.find((m) => m.lastError?.kind === n.lastError!.kind);
  return first && first !== n ? `Same as ${first.computerName} above: ${FAILURE_TITLE[n.lastError.kind]}.` : n.lastError.advice;
}

export function SiteCard(props: SiteCardProps) {
  const { site, entry, session, test, reconnecting, backendActive, viewer, now } = props;
  const [editing, setEditing] = useState(props.startEditing === true);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'crit'; text: string } | null>(null);
  const view = shown(session, test);
  const title = entry?.profile.name ?? site.name;
  const role = entry?.profile.role ?? site.role;
  const testing = test?.running === true;
  const reconnectWhy = viewer ? VIEWER_REASON
    : session ? null
    : backendActive === 'lab' ? 'The lab is the active backend: there is no live session to reconnect. Use Test connection.'
    : 'This site has no live session: it was saved after Standby started. Restart Standby to use it.';

  const act = async (work: () => Promise<ActionOutcome>) => {
    setNotice(null);
    const outcome = await work();
    setNotice(outcome.ok ? (outcome.message ? { tone: 'ok', text: outcome.message } : null) : { tone: 'crit', text: outcome.error });
    return outcome;
  };

  return (
    <article className={`site-card state-${view.state}`} data-testid="site-card" data-site-id={site.id} aria-labelledby={`site-${site.id}-title`}>
      <header className="site-card-head">
        <h2 id={`site-${site.id}-title`}>
          <StatusGlyph tone={STATE_TONE[view.state]} />
          <span>{title}</span>
          <span className="role-badge">{ROLE_LABEL[role]}</span>
        </h2>
        <p className="site-state" data-testid="site-state" data-state={view.state}>
          <b>{STATE_LABEL[view.state]}</b>
          {view.source === 'test' ? <span className="muted"> · last test {view.since ? clockTime(view.since) : ''}</span> : null}
          {view.source === 'none' ? <span className="muted"> · {entry ? (backendActive === 'lab' ? 'the lab is the active backend' : 'not in use until Standby restarts') : 'no connection set up'}</span> : null}
        </p>
      </header>

      <dl className="site-facts">
        <div><dt>Since</dt><dd data-testid="fact-since">{view.source === 'live' && view.since ? <><span className="num">{clockTime(view.since)}</span> <span className="muted">({formatAgo(view.since, now)})</span></> : '—'}</dd></div>
        <div><dt>Attempts</dt><dd className="num" data-testid="fact-attempts">{view.attempt ?? '—'}</dd></div>
        <div><dt>Next retry</dt><dd data-testid="fact-retry">{view.nextRetryAt ? <><span className="num">{clockTime(view.nextRetryAt)}</span> <span className="muted">({formatAgo(view.nextRetryAt, now)})</span></> : '—'}</dd></div>
        <div><dt>Local PowerShell</dt><dd className="num" data-testid="fact-psversion">{view.psVersion ?? '—'}</dd></div>
        <div><dt>Clusters</dt><dd>{(entry?.profile.clusters.map((c) => c.cluster) ?? site.clusterNames).join(', ') || '—'}</dd></div>
        <div><dt>User</dt><dd>{entry ? (entry.profile.username ?? 'signed-in Windows user') : '—'}{entry?.profile.username ? <span className="muted"> · {entry.hasPassword ? 'password stored' : 'no password stored'}</span> : null}</dd></div>
      </dl>

      {entry && entry.problems.length > 0 ? (
        <ul className="entry-problems" data-testid="entry-problems">{entry.problems.map((p) => <li key={p}><StatusGlyph tone="warn" /> {p}</li>)}</ul>
      ) : null}
      {test?.error ? <p className="inline-error" role="alert" data-testid="test-error"><StatusGlyph tone="crit" /> {test.error}</p> : null}
      {view.failure ? <FailureAdvice key={`${view.failure.kind}:${view.failure.detail}`} failure={view.failure} tone={view.state === 'degraded' ? 'warn' : 'crit'} /> : null}

      {view.nodes.length > 0 ? (
        <table className="node-table" data-testid="node-table">
          <caption className="visually-hidden">Nodes of {title}</caption>
          <thead><tr><th scope="col">Node</th><th scope="col">Cluster</th><th scope="col">Session</th><th scope="col">What to do</th></tr></thead>
          <tbody>
            {view.nodes.map((n, i) => (
              <tr key={n.computerName} data-testid="node-row" data-connected={n.connected}>
                <th scope="row" className="mono">{n.computerName}</th>
                <td className="mono">{n.cluster}</td>
                <td><StatusGlyph tone={n.connected ? 'ok' : 'crit'} /> {n.connected ? 'Connected' : 'Not connected'}</td>
                <td className="node-advice">{nodeAdvice(view.nodes, i)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      {notice ? <p className={notice.tone === 'ok' ? 'inline-ok' : 'inline-error'} role={notice.tone === 'ok' ? 'status' : 'alert'} data-testid="card-notice"><StatusGlyph tone={notice.tone} /> {notice.text}</p> : null}

      {!editing ? (
        <div className="card-actions">
          <button type="button" className="primary" disabled={viewer || !entry || testing} title={viewer ? VIEWER_REASON : !entry ? 'Set up the connection first.' : undefined}
            onClick={() => { if (entry) void props.onTest(entry.profile, ''); }} data-testid="card-test">{testing ? 'Testing…' : 'Test connection'}</button>
          <button type="button" disabled={reconnectWhy !== null || reconnecting} title={reconnectWhy ?? undefined}
            onClick={() => void act(props.onReconnect)} data-testid="card-reconnect">{reconnecting ? 'Reconnecting…' : 'Reconnect now'}</button>
          <button type="button" disabled={viewer} title={viewer ? VIEWER_REASON : undefined} onClick={() => { setEditing(true); setNotice(null); }} data-testid="card-edit">{entry ? 'Edit connection' : 'Set up connection'}</button>
          {entry ? <button type="button" className="danger" disabled={viewer} title={viewer ? VIEWER_REASON : undefined} data-testid="card-delete"
            onClick={() => { if (confirm(`Delete the connection to ${title} and its stored password?`)) void act(props.onDelete); }}>Delete</button> : null}
          {reconnectWhy && !viewer ? <p className="muted action-note">{reconnectWhy}</p> : null}
        </div>
      ) : (
        <ProfileForm
          initial={entry ? draftFromProfile(entry.profile) : newDraft({ id: site.id, name: site.name, role: site.role, location: site.location }, site.clusterNames)}
          existing={entry !== null}
          hasPassword={entry?.hasPassword === true}
          disabled={viewer}
          testing={testing}
          onSave={async (profile, password) => {
            const outcome = await act(() => props.onSave(profile, password));
            if (outcome.ok) setEditing(false);
            return outcome;
          }}
          onTest={props.onTest}
          onCancel={() => { setEditing(false); props.onCancelNew?.(); }}
        />
      )}
    </article>
  );
}
