import { useEffect, useMemo, useState } from 'react';
import { useStore } from 'zustand';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useEstate, useStoreOf } from '../../platform/services-context.tsx';
import { migrationStores, type MigrationStore, type MigrationStoreState } from './migration-store.ts';
import type { MigrationItem, PatchStep } from '../../../shared/model/migration.ts';
import { MIGRATION_PERFORMANCES, type MigrationPerformance } from '../../../shared/model/hyperv-enums.ts';
import { fmtBytes, fmtDuration, fmtRate, hostName, sections, throughputSeries, TYPE_LABEL } from './queue-model.ts';
import './migrations.css';

/** One migration store per connection. */
function useMigrationStore(): MigrationStore {
  return useStoreOf(migrationStores);
}

function useMig<T>(store: MigrationStore, selector: (s: MigrationStoreState) => T): T {
  return useStore(store.store, selector);
}

const PERF_LABEL: Record<MigrationPerformance, string> = { TCPIP: 'TCP/IP', Compression: 'Compression', SMB: 'SMB' };

export function MigrationsView() {
  const store = useMigrationStore();
  const snapshot = useEstate((s) => s.snapshot);
  const clusters = useMemo(() => (snapshot ? Object.values(snapshot.clusters).sort((a, b) => (a.name < b.name ? -1 : 1)) : []), [snapshot?.clusters]);
  const clusterId = useMig(store, (s) => s.clusterId);
  const state = useMig(store, (s) => s.state);
  const error = useMig(store, (s) => s.error);
  const actionError = useMig(store, (s) => s.actionError);

  useEffect(() => {
    if (!clusterId && clusters.length > 0) void store.selectCluster(clusters[0]!.id);
  }, [clusterId, clusters, store]);

  return (
    <section className="migrations" aria-label="Migrations" data-testid="migrations-view">
      <header className="mig-header">
        <label>
          Cluster{' '}
          <select data-testid="mig-cluster" value={clusterId ?? ''} onChange={(e) => void store.selectCluster(e.target.value)}>
            {clusters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void store.reload()}>Refresh</button>
        {state === 'loading' ? <span className="mig-muted">Loading…</span> : null}
        {error ? <span className="mig-error" role="alert">{error}</span> : null}
        {actionError ? <span className="mig-error" role="alert" data-testid="mig-action-error">{actionError}</span> : null}
      </header>
      <div className="mig-grid">
        <div className="mig-main">
          <Operations store={store} />
          <Lanes store={store} />
          <Throughput store={store} />
          <Queue store={store} />
        </div>
        <aside className="mig-side">
          <DrainPlanner store={store} />
          <RollingPanel store={store} />
        </aside>
      </div>
    </section>
  );
}

function Lanes({ store }: { store: MigrationStore }) {
  const queue = useMig(store, (s) => s.queue);
  const hosts = useMig(store, (s) => s.hosts);
  const busy = useMig(store, (s) => s.busy);
  if (!queue) return null;
  const items = new Map(queue.items.map((i) => [i.id, i]));
  return (
    <section className="mig-panel" aria-label="Hosts">
      <h2>Hosts and migration slots</h2>
      <table className="mig-table" data-testid="mig-lanes">
        <thead><tr><th>Host</th><th>State</th><th>VMs</th><th>Slots</th><th>Occupied by</th><th>Max concurrent</th><th>Performance</th></tr></thead>
        <tbody>
          {queue.lanes.map((lane) => {
            const settings = hosts.find((h) => h.hostId === lane.hostId);
            return (
              <tr key={lane.hostId} data-testid={`lane-${lane.name}`}>
                <td>{lane.name}</td>
                <td data-testid="lane-state">{lane.state}</td>
                <td data-testid="lane-vms">{lane.vmCount}</td>
                <td>
                  <span className="mig-slots" aria-label={`${lane.occupiedBy.length} of ${lane.limit} slots in use`}>
                    {Array.from({ length: Math.max(lane.limit, lane.occupiedBy.length) }, (_, i) => <span key={i} className={i < lane.occupiedBy.length ? 'mig-slot on' : 'mig-slot'} />)}
                  </span>
                </td>
                <td className="mig-occupants">{lane.occupiedBy.map((id) => {
                  const it = items.get(id);
                  return it ? `${it.vmName}${it.sourceHostId === lane.hostId ? ' →' : ' ←'}` : id;
                }).join(', ')}</td>
                <td>
                  <input
                    type="number" min={1} max={64} defaultValue={settings?.maxVmMigrations ?? lane.limit} key={`${lane.hostId}-${lane.limit}`}
                    aria-label={`Maximum concurrent migrations of ${lane.name}`} disabled={busy}
                    onBlur={(e) => {
                      const value = Number(e.target.value);
                      if (Number.isInteger(value) && value !== lane.limit) void store.setHostSettings(lane.hostId, { maxVmMigrations: value });
                    }}
                  />
                </td>
                <td>
                  <select value={lane.performance} disabled={busy} aria-label={`Migration performance option of ${lane.name}`}
                    onChange={(e) => void store.setHostSettings(lane.hostId, { performance: e.target.value as MigrationPerformance })}>
                    {MIGRATION_PERFORMANCES.map((p) => <option key={p} value={p}>{PERF_LABEL[p]}</option>)}
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}

function Throughput({ store }: { store: MigrationStore }) {
  const queue = useMig(store, (s) => s.queue);
  const data = useMemo(() => throughputSeries(queue), [queue]);
  if (data.length === 0) return null;
  return (
    <section className="mig-panel" aria-label="Throughput">
      <h2>Migration throughput</h2>
      <div className="mig-chart">
        <ResponsiveContainer width="100%" height={140}>
          <AreaChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" domain={['dataMin', 0]} unit=" min" tick={{ fontSize: 11 }} />
            <YAxis unit=" Gb/s" width={60} tick={{ fontSize: 11 }} />
            <Tooltip formatter={(v) => [`${String(v)} Gbit/s`, 'throughput']} labelFormatter={(l) => `${String(l)} min`} />
            <Area type="stepAfter" dataKey="gbit" isAnimationActive={false} />
          </AreaChart>
        </ResponsiveContainer>
      </div>
    </section>
  );
}

function Queue({ store }: { store: MigrationStore }) {
  const queue = useMig(store, (s) => s.queue);
  const s = useMemo(() => sections(queue), [queue]);
  if (!queue) return null;
  const row = (item: MigrationItem) => (
    <tr key={item.id} data-testid="mig-item" data-state={item.state}>
      <td>{item.vmName}</td>
      <td>{hostName(queue, item.sourceHostId)} → {hostName(queue, item.destHostId)}</td>
      <td>{TYPE_LABEL[item.type]}{item.purpose === 'failback' ? ' · failback' : item.purpose === 'external' ? ' · other' : ''}</td>
      <td>
        {item.state === 'running'
          ? <progress max={100} value={item.percent} aria-label={`${item.vmName} ${item.percent}%`} />
          : item.state}
        {item.attempt > 1 ? ` (attempt ${item.attempt})` : ''}
      </td>
      <td>{item.bytesTotal > 0 ? `${fmtBytes(item.bytesDone)} / ${fmtBytes(item.bytesTotal)}` : '—'}</td>
      <td>{fmtRate(item.bytesPerSec)}</td>
      <td>{item.state === 'running' ? fmtDuration(item.etaSec) : item.state === 'queued' ? `~${fmtDuration(item.predictedSec)}` : ''}</td>
      <td className="mig-msg">{item.message ?? ''}</td>
      <td>{item.state === 'queued' && item.purpose !== 'external' ? <button type="button" onClick={() => void store.cancel(item.id)}>Cancel</button> : null}</td>
    </tr>
  );
  const table = (title: string, items: MigrationItem[], testId: string) => (
    <section className="mig-panel" aria-label={title}>
      <h2>{title} <span className="mig-count" data-testid={`${testId}-count`}>{items.length}</span></h2>
      {items.length > 0 ? (
        <table className="mig-table" data-testid={testId}>
          <thead><tr><th>VM</th><th>Move</th><th>Type</th><th>Progress</th><th>Bytes</th><th>Speed</th><th>ETA</th><th /><th /></tr></thead>
          <tbody>{items.slice(0, 200).map(row)}</tbody>
        </table>
      ) : null}
    </section>
  );
  return (
    <>
      {table('In progress', s.running, 'mig-running')}
      {table('Queued', s.queued, 'mig-queued')}
      {table('Failed', s.failed, 'mig-failed')}
      {table('Finished', s.finished.slice(0, 100), 'mig-finished')}
    </>
  );
}

function Operations({ store }: { store: MigrationStore }) {
  const ops = useMig(store, (s) => s.operations);
  const clusterId = useMig(store, (s) => s.clusterId);
  const drains = ops.drains.filter((d) => d.clusterId === clusterId && d.parentId === null).slice(0, 5);
  const rolling = ops.rolling.filter((r) => r.clusterId === clusterId).slice(0, 3);
  if (drains.length === 0 && rolling.length === 0) return null;
  return (
    <section className="mig-panel" aria-label="Drains and maintenance">
      <h2>Drains and maintenance</h2>
      <ul className="mig-ops">
        {drains.map((d) => (
          <li key={d.id} data-testid="mig-drain" data-status={d.status}>
            <strong>Drain {d.hostName}</strong> — <span data-testid="mig-drain-status">{d.status}</span>
            {' · '}{d.counts.completed}/{d.counts.total} moved{d.counts.failed > 0 ? `, ${d.counts.failed} failed` : ''}
            {' · '}predicted {fmtDuration(d.predictedDurationSec)}{d.finishedAt ? `, took ${fmtDuration((d.finishedAt - d.startedAt) / 1000)}` : ''}
            <OpButtons store={store} id={d.id} status={d.status} />
            <ol className="mig-events" data-testid="mig-drain-events">
              {d.events.slice(-4).map((e, i) => <li key={i} className={`sev-${e.severity}`}>{e.message}</li>)}
            </ol>
          </li>
        ))}
        {rolling.map((r) => (
          <li key={r.id} data-testid="mig-rolling" data-status={r.status}>
            <strong>Rolling maintenance {r.clusterName}</strong> — {r.status} · {r.nodesAtOnce} node{r.nodesAtOnce > 1 ? 's' : ''} at a time
            {' · '}predicted {fmtDuration(r.predictedDurationSec)}{r.finishedAt ? `, took ${fmtDuration((r.finishedAt - r.startedAt) / 1000)}` : ''}
            <OpButtons store={store} id={r.id} status={r.status} />
            <ol className="mig-nodes">
              {r.nodes.map((n) => (
                <li key={n.hostId} data-phase={n.phase}>
                  {n.hostName}: {n.phase}
                  {n.phase === 'patching' && r.patch.kind === 'operator'
                    ? <button type="button" onClick={() => void store.confirmPatched(r.id, n.hostId)}>Patched — resume {n.hostName}</button>
                    : null}
                </li>
              ))}
            </ol>
            <ol className="mig-events">{r.events.slice(-4).map((e, i) => <li key={i} className={`sev-${e.severity}`}>{e.message}</li>)}</ol>
          </li>
        ))}
      </ul>
    </section>
  );
}

function OpButtons({ store, id, status }: { store: MigrationStore; id: string; status: string }) {
  if (status === 'completed' || status === 'failed' || status === 'cancelled') return null;
  return (
    <span className="mig-buttons">
      {status === 'paused'
        ? <button type="button" onClick={() => void store.resume(id)}>Resume</button>
        : <button type="button" onClick={() => void store.pause(id)}>Pause</button>}
      <button type="button" onClick={() => void store.abort(id)}>Stop</button>
    </span>
  );
}

function DrainPlanner({ store }: { store: MigrationStore }) {
  const queue = useMig(store, (s) => s.queue);
  const plan = useMig(store, (s) => s.drainPlan);
  const busy = useMig(store, (s) => s.busy);
  const [hostId, setHostId] = useState('');
  const [liveLow, setLiveLow] = useState(true);
  const [acceptQuick, setAcceptQuick] = useState(false);
  const lanes = queue?.lanes ?? [];
  const chosen = hostId || lanes.find((l) => l.state === 'Up')?.hostId || '';
  const quick = plan?.warnings.filter((w) => w.kind === 'quick-migration') ?? [];
  const other = plan?.warnings.filter((w) => w.kind !== 'quick-migration') ?? [];
  const quickMoves = plan?.moves.filter((m) => m.type === 'quick').length ?? 0;
  return (
    <section className="mig-panel" aria-label="Drain a host">
      <h2>Drain a host</h2>
      <label>Host{' '}
        <select data-testid="drain-host" value={chosen} onChange={(e) => { setHostId(e.target.value); store.clearPlans(); }}>
          {lanes.map((l) => <option key={l.hostId} value={l.hostId}>{l.name} ({l.vmCount} VMs, {l.state})</option>)}
        </select>
      </label>
      <label className="mig-check">
        <input type="checkbox" data-testid="drain-live-low" checked={liveLow} onChange={(e) => { setLiveLow(e.target.checked); store.clearPlans(); }} />
        Live-migrate Low-priority VMs too (a Windows drain quick-migrates them: downtime)
      </label>
      <button type="button" data-testid="drain-plan" disabled={busy || !chosen} onClick={() => void store.planDrain(chosen, liveLow)}>Plan the drain</button>
      {plan && plan.hostId === chosen ? (
        <div className="mig-plan" data-testid="drain-plan-result">
          <p>
            <strong data-testid="drain-predicted">Predicted {fmtDuration(plan.predictedDurationSec)}</strong> for {plan.moves.length} VMs
            ({fmtBytes(plan.bytesToMove)}); lower bound {fmtDuration(plan.lowerBoundSec)}.
          </p>
          {quick.length > 0 ? (
            <div className={quickMoves > 0 ? 'mig-warn' : 'mig-note'} data-testid="drain-quick-warning" role={quickMoves > 0 ? 'alert' : undefined}>
              {quickMoves > 0
                ? <p><strong>{quickMoves} Low-priority VMs would be quick-migrated</strong> (saved and restored: downtime).{' '}
                    <button type="button" data-testid="drain-offer-live" onClick={() => { setLiveLow(true); void store.planDrain(chosen, true); }}>Live-migrate them instead</button></p>
                : <p>{quick.length} Low-priority VMs are live-migrated instead of quick-migrated.</p>}
              <ul>{quick.slice(0, 6).map((w) => <li key={w.vmId}>{w.message}</li>)}{quick.length > 6 ? <li>…and {quick.length - 6} more</li> : null}</ul>
            </div>
          ) : null}
          {other.length > 0 ? <ul className="mig-notes">{other.map((w, i) => <li key={i} className={w.kind === 'no-capacity' ? 'sev-error' : ''}>{w.message}</li>)}</ul> : null}
          <details>
            <summary>Moves in order</summary>
            <ol className="mig-moves" data-testid="drain-moves">{plan.moves.map((m) => (
              <li key={m.vmId}>{m.vmName} → {m.destHostName} ({m.type}, {fmtBytes(m.memoryBytes)}, {fmtDuration(m.predictedStartSec)}–{fmtDuration(m.predictedEndSec)})
                {m.reason ? <span className="mig-why" data-testid="drain-move-reason">: {m.reason}</span> : null}</li>
            ))}</ol>
          </details>
          {quickMoves > 0 ? (
            <label className="mig-check"><input type="checkbox" checked={acceptQuick} onChange={(e) => setAcceptQuick(e.target.checked)} /> I accept the downtime of the quick migrations</label>
          ) : null}
          <button type="button" data-testid="drain-start" disabled={busy || (quickMoves > 0 && !acceptQuick)} onClick={() => void store.startDrain(chosen, liveLow, acceptQuick)}>
            Pause {lanes.find((l) => l.hostId === chosen)?.name} and drain it
          </button>
        </div>
      ) : null}
    </section>
  );
}

function RollingPanel({ store }: { store: MigrationStore }) {
  const plan = useMig(store, (s) => s.rollingPlan);
  const busy = useMig(store, (s) => s.busy);
  const [patchKind, setPatchKind] = useState<'operator' | 'wait'>('operator');
  const [minutes, setMinutes] = useState(20);
  const [atOnce, setAtOnce] = useState(1);
  const patch: PatchStep = patchKind === 'operator' ? { kind: 'operator' } : { kind: 'wait', seconds: Math.max(0, Math.round(minutes * 60)) };
  return (
    <section className="mig-panel" aria-label="Rolling maintenance">
      <h2>Rolling maintenance</h2>
      <label>Patch step{' '}
        <select value={patchKind} onChange={(e) => { setPatchKind(e.target.value as 'operator' | 'wait'); store.clearPlans(); }}>
          <option value="operator">Operator confirms each node</option>
          <option value="wait">Scripted step of fixed length</option>
        </select>
      </label>
      {patchKind === 'wait' ? <label>Minutes per node <input type="number" min={0} max={600} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} /></label> : null}
      <label>Nodes at a time <input type="number" min={1} max={8} value={atOnce} onChange={(e) => { setAtOnce(Math.max(1, Number(e.target.value))); store.clearPlans(); }} /></label>
      <button type="button" disabled={busy} onClick={() => void store.planRolling(patch, atOnce)}>Plan</button>
      {plan ? (
        <div className="mig-plan" data-testid="rolling-plan">
          <p><strong>Predicted {fmtDuration(plan.predictedDurationSec)}</strong> for {plan.nodes.length} nodes
            {plan.includesPatchSec > 0 ? ` (includes ${fmtDuration(plan.includesPatchSec)} of patch steps)` : ' (plus the time patching takes)'}; lower bound {fmtDuration(plan.lowerBoundSec)}.</p>
          <ol className="mig-moves">{plan.nodes.map((n) => <li key={n.hostId}>{n.hostName}: {n.vmCount} VMs, {fmtBytes(n.bytesToMove)}, drain ~{fmtDuration(n.predictedDrainSec)} (at least {fmtDuration(n.lowerBoundSec)})</li>)}</ol>
          {plan.warnings.length > 0 ? <ul className="mig-notes">{plan.warnings.slice(0, 8).map((w, i) => <li key={i}>{w.message}</li>)}</ul> : null}
          <button type="button" disabled={busy} onClick={() => void store.startRolling(patch, atOnce)}>Start rolling maintenance</button>
        </div>
      ) : null}
    </section>
  );
}
