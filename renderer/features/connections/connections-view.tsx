import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import type { SiteRole } from '../../../shared/model/estate.ts';
import { useEstate, useStoreOf } from '../../platform/services-context.tsx';
import { connectionsStores, type ConnectionsStoreState } from './connections-store.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { SiteCard } from './site-card.tsx';
import './connections.css';
import { useIsViewer, VIEWER_REASON } from '../../platform/read-only.ts';

const ROLE_ORDER: Record<SiteRole, number> = { primary: 0, dr: 1, cloud: 2 };

function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

/**
 * Connections: one card per site with its session state, its nodes, the sentence that says what to
 * do about a failure, the profile form, Test connection and Reconnect now.
 */
export function ConnectionsView() {
  const connections = useStoreOf(connectionsStores);
  const use = <T,>(selector: (s: ConnectionsStoreState) => T) => useStore(connections.store, selector);
  const status = use((s) => s.status);
  const error = use((s) => s.error);
  const list = use((s) => s.list);
  const sessions = use((s) => s.sessions);
  const tests = use((s) => s.tests);
  const reconnecting = use((s) => s.reconnecting);
  const estateSites = useEstate((s) => s.snapshot?.sites);
  const estateClusters = useEstate((s) => s.snapshot?.clusters);
  const viewer = useIsViewer();
  const [adding, setAdding] = useState(false);
  const [backendNotice, setBackendNotice] = useState<{ tone: 'ok' | 'crit'; text: string } | null>(null);
  const now = useNow();

  useEffect(() => { void connections.load(); }, [connections]);

  const sites = useMemo(() => {
    const out = new Map<string, { id: string; name: string; role: SiteRole; location: string; clusterNames: string[] }>();
    for (const site of Object.values(estateSites ?? {})) {
      out.set(site.id, { id: site.id, name: site.name, role: site.role, location: site.location, clusterNames: site.clusterIds.map((id) => estateClusters?.[id]?.name ?? id) });
    }
    for (const { profile } of list?.entries ?? []) {
      if (!out.has(profile.siteId)) out.set(profile.siteId, { id: profile.siteId, name: profile.name, role: profile.role, location: profile.location, clusterNames: profile.clusters.map((c) => c.cluster) });
    }
    return [...out.values()].sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name));
  }, [estateSites, estateClusters, list]);

  const backend = list?.backend;
  const completeCount = list?.entries.filter((e) => e.complete).length ?? 0;
  const test = async (profile: Parameters<typeof connections.test>[0], password: string) => {
    const result = await connections.test(profile, password);
    if (result) return null;
    const failed = connections.store.getState().tests[profile.siteId];
    return { error: failed?.error ?? 'The test failed.' };
  };
  const chooseBackend = async (kind: 'lab' | 'powershell') => {
    const outcome = await connections.setBackend(kind);
    setBackendNotice(outcome.ok ? { tone: 'ok', text: outcome.message ?? '' } : { tone: 'crit', text: outcome.error });
  };

  return (
    <div className="connections-view" data-testid="connections-view">
      <header className="connections-head">
        <div>
          <h1>Connections</h1>
          <p className="muted">How Standby reaches each site’s clusters over PowerShell remoting (WinRM). Passwords go to the secret store and are never shown again.</p>
        </div>
        <button type="button" disabled={viewer || adding} title={viewer ? VIEWER_REASON : undefined} onClick={() => setAdding(true)} data-testid="add-site">Add a site</button>
      </header>

      {backend ? (
        <section className="backend-banner" aria-label="Backend" data-testid="backend-banner">
          <p>
            <StatusGlyph tone={backend.restartRequired ? 'warn' : 'info'} />
            <span>Running on <b data-testid="backend-active">{backend.active === 'lab' ? 'the lab (simulated estate)' : 'PowerShell remoting'}</b>
              {backend.preferred !== backend.active || backend.restartRequired
                ? <> · <b>{backend.preferred === 'lab' ? 'the lab' : 'PowerShell remoting'}</b> after a restart{backend.restartRequired ? ' (restart Standby to apply the saved connections)' : ''}</>
                : null}
              . Local PowerShell: <code>{backend.executable}</code>.</span>
          </p>
          <div className="backend-actions">
            {backend.preferred === 'lab'
              ? <button type="button" disabled={viewer || completeCount === 0} title={viewer ? VIEWER_REASON : completeCount === 0 ? 'Save a complete connection first.' : undefined} onClick={() => void chooseBackend('powershell')} data-testid="use-powershell">Use PowerShell at next start</button>
              : <button type="button" disabled={viewer} title={viewer ? VIEWER_REASON : undefined} onClick={() => void chooseBackend('lab')} data-testid="use-lab">Use the lab at next start</button>}
          </div>
          {backendNotice ? <p className={backendNotice.tone === 'ok' ? 'inline-ok' : 'inline-error'} role={backendNotice.tone === 'ok' ? 'status' : 'alert'}>{backendNotice.text}</p> : null}
          <p className="muted backend-file">Profiles: <code>{list.file}</code></p>
        </section>
      ) : null}

      {viewer ? <p className="viewer-note" role="note"><StatusGlyph tone="info" /> Read-only (viewer) connection: you see the state of every connection, but the server refuses changes and tests.</p> : null}
      {status === 'loading' && !list ? <p className="muted" data-testid="connections-loading">Loading connections…</p> : null}
      {error ? <p className="inline-error" role="alert" data-testid="connections-error"><StatusGlyph tone="crit" /> Connections could not be loaded: {error}</p> : null}

      <div className="site-cards">
        {adding ? (
          <SiteCard
            key="new-site"
            site={{ id: '', name: '', role: 'dr', location: '', clusterNames: [] }}
            entry={null} session={null} test={null} reconnecting={false}
            backendActive={backend?.active ?? 'lab'} viewer={viewer} now={now} startEditing
            onSave={async (profile, password) => { const outcome = await connections.save(profile, password); if (outcome.ok) setAdding(false); return outcome; }}
            onDelete={async () => ({ ok: true })}
            onTest={test}
            onReconnect={async () => ({ ok: true })}
            onCancelNew={() => setAdding(false)}
          />
        ) : null}
        {list ? sites.map((site) => {
          const entry = list.entries.find((e) => e.profile.siteId === site.id) ?? null;
          return (
            <SiteCard
              key={site.id}
              site={site}
              entry={entry}
              session={sessions[site.id] ?? null}
              test={tests[site.id] ?? null}
              reconnecting={reconnecting[site.id] === true}
              backendActive={backend?.active ?? 'lab'}
              viewer={viewer}
              now={now}
              onSave={(profile, password) => connections.save(profile, password)}
              onDelete={() => connections.remove(site.id)}
              onTest={test}
              onReconnect={() => connections.reconnect(site.id)}
            />
          );
        }) : null}
      </div>
    </div>
  );
}
