import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { HistoryPoint, HistoryRange } from '../../../shared/model/replication.ts';
import type { Replication } from '../../../shared/model/estate.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { formatAgo, formatDuration } from '../../../shared/format/duration.ts';
import { useEstate, useServices } from '../../app/services-context.tsx';
import { describeError } from '../../stores/describe-error.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { HEALTH_LABEL, HEALTH_TONE, splitWords } from '../../ui/hyperv-labels.ts';
import { useAlerts } from '../alerts/use-alerts.ts';
import { useLab } from '../lab/use-lab.ts';
import type { ReplicationRow } from './replication-rows.ts';
import { useReplicationUi } from './replication-ui-store.ts';
import { useReplication } from './use-replication.ts';
import { useRemPx } from '../topology/use-rem-px.ts';

/** The VM's replication in detail: settings, recovery points, history, its alerts and lab events. */
export function VmDrawer({ row, now }: { row: ReplicationRow | undefined; now: number }) {
  const drawerId = useReplicationUi((s) => s.drawerId);
  const openDrawer = useReplicationUi((s) => s.openDrawer);
  const closeRef = useRef<HTMLButtonElement>(null);
  useEffect(() => { closeRef.current?.focus({ preventScroll: true }); }, [drawerId]);
  if (!drawerId) return null;
  return (
    <aside className="vm-drawer" aria-label="VM replication details" data-testid="vm-drawer" onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); openDrawer(null); } }}>
      <button ref={closeRef} type="button" className="detail-close" onClick={() => openDrawer(null)} aria-label="Close details">×</button>
      {row ? <DrawerBody row={row} now={now} /> : <p className="drawer-gone">This VM is no longer protected in the estate.</p>}
    </aside>
  );
}

function DrawerBody({ row, now }: { row: ReplicationRow; now: number }) {
  const r = row.vm.replication!;
  const tone = HEALTH_TONE[row.health];
  return (
    <div className="drawer-scroll">
      <header className="drawer-head">
        <h2 className="drawer-title" data-testid="drawer-title">{row.name}</h2>
        <div className={`drawer-sub tone-${tone}`}><StatusGlyph tone={tone} /> {HEALTH_LABEL[row.health]} · {splitWords(row.state)} · T{row.tier} · {row.vm.workload}</div>
      </header>
      <Section title="Where it runs">
        <Prop k="Primary">{row.hostName} <span className="muted">· {row.clusterName} · {row.siteName}</span></Prop>
        <Prop k="Replica">{row.replicaHostName ? <>{row.replicaHostName} <span className="muted">· {row.replicaClusterName}</span></> : <span className="muted">no replica copy</span>}</Prop>
        <Prop k="Replica server"><span className="mono">{r.replicaServer}</span></Prop>
      </Section>
      <Section title="Recovery point objective">
        {row.rpoMet === null || row.rpoTargetSec === null ? <Prop k="RPO">—</Prop> : (
          <>
            <Prop k="Target">{formatDuration(row.rpoTargetSec)} (tier {row.tier})</Prop>
            <Prop k="Status"><span className={row.rpoMet ? 'tone-ok' : 'tone-crit'}><StatusGlyph tone={row.rpoMet ? 'ok' : 'crit'} /> {row.rpoMet ? 'Met' : 'Missed'}</span>
              {row.rpoMet && row.rpoBreachAt !== null ? <span className="muted"> · breaks {formatAgo(row.rpoBreachAt, now)} without a cycle</span> : null}
            </Prop>
          </>
        )}
        <Prop k="Last replication">{r.lastReplicationTime === null ? 'never (initial replication pending)' : formatAgo(r.lastReplicationTime, now)}</Prop>
        <Prop k="Pending">{formatBytes(r.pendingBytes)}</Prop>
      </Section>
      <ReplicationSettings title="Recovery point settings" r={r} />
      {row.extended ? <ReplicationSettings title="Extended replication (DR → cloud)" r={row.extended} now={now} /> : null}
      <HistoryCharts vmId={row.id} rpoTargetSec={row.rpoTargetSec} />
      <VmAlerts vmId={row.id} />
      <VmLabEvents vmName={row.name} />
    </div>
  );
}

function ReplicationSettings({ title, r, now }: { title: string; r: Replication; now?: number }) {
  return (
    <Section title={title}>
      {now !== undefined ? <Prop k="Health"><StatusGlyph tone={HEALTH_TONE[r.health]} /> {HEALTH_LABEL[r.health]} · {splitWords(r.state)}</Prop> : null}
      <Prop k="Frequency">every {formatDuration(r.frequencySec)}</Prop>
      <Prop k="Recovery points">latest + {r.additionalRecoveryPoints} hourly</Prop>
      <Prop k="App-consistent">{r.appConsistentIntervalHours === 0 ? 'off' : `every ${r.appConsistentIntervalHours} h (VSS)`}</Prop>
      {now !== undefined ? <Prop k="Last replication">{r.lastReplicationTime === null ? 'never' : formatAgo(r.lastReplicationTime, now)}</Prop> : null}
    </Section>
  );
}

/** Refetched when the core publishes a new summary, at most every few seconds while the drawer is open. */
const HISTORY_REFRESH_MS = 5_000;

function HistoryCharts({ vmId, rpoTargetSec }: { vmId: string; rpoTargetSec: number | null }) {
  const { client } = useServices();
  const range = useReplicationUi((s) => s.historyRange);
  const setRange = useReplicationUi((s) => s.setHistoryRange);
  const summaryAt = useReplication((s) => s.summary?.at ?? 0);
  const [points, setPoints] = useState<HistoryPoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const lastFetch = useRef(0);

  useEffect(() => {
    const wait = lastFetch.current + HISTORY_REFRESH_MS - performance.now();
    if (wait <= 0) { setTick((t) => t + 1); return; }
    const timer = setTimeout(() => setTick((t) => t + 1), wait);
    return () => clearTimeout(timer);
  }, [summaryAt]);

  useEffect(() => { setPoints(null); }, [vmId, range]);
  useEffect(() => {
    let live = true;
    lastFetch.current = performance.now();
    client.request('replication.history', { vmId, range }).then(
      (res) => { if (live) { setPoints(res.points); setError(null); } },
      (e: unknown) => { if (live) setError(describeError(e)); },
    );
    return () => { live = false; };
  }, [client, vmId, range, tick]);

  const data = useMemo(() => (points ?? []).map((p) => ({ ...p, lagMin: p.lagSec / 60, pendingMiB: p.pendingBytes / 2 ** 20, transferMiB: p.transferBytes / 2 ** 20 })), [points]);
  const remPx = useRemPx();
  const axis = { stroke: 'var(--text-muted)', fontSize: Math.round(remPx * 0.75), width: Math.round(remPx * 3) };
  const fmtTime = (t: number) => new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (
    <section className="drawer-section" aria-labelledby="history-title">
      <div className="history-head">
        <h3 id="history-title">History</h3>
        <div className="segmented" role="radiogroup" aria-label="History range">
          {(['hour', 'day'] as HistoryRange[]).map((r) => (
            <button key={r} type="button" role="radio" aria-checked={range === r} className={range === r ? 'is-on' : ''} onClick={() => setRange(r)} data-testid={`history-${r}`}>
              Last {r}
            </button>
          ))}
        </div>
      </div>
      {error ? <p className="tone-crit">History unavailable: {error}</p>
        : points === null ? <p className="muted">Loading history…</p>
        : points.length === 0 ? <p className="muted" data-testid="history-empty">No history yet: the core keeps it from the moment it started.</p>
        : (
          <div className="charts" data-testid="history-charts">
            <Chart title="Replication lag (minutes)">
              <LineChart data={data} margin={CHART_MARGIN}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={fmtTime} stroke={axis.stroke} fontSize={axis.fontSize} />
                <YAxis tickFormatter={tickNumber} stroke={axis.stroke} fontSize={axis.fontSize} width={axis.width} />
                <Tooltip labelFormatter={(t) => fmtTime(Number(t))} formatter={(v) => [formatDuration(Number(v) * 60), 'Lag']} contentStyle={TOOLTIP_STYLE} />
                {rpoTargetSec !== null ? <ReferenceLine y={rpoTargetSec / 60} stroke="var(--crit)" strokeDasharray="4 3" label={{ value: 'RPO', fill: 'var(--crit-text)', fontSize: 11, position: 'insideTopRight' }} /> : null}
                <Line type="stepAfter" dataKey="lagMin" stroke="var(--accent)" dot={false} isAnimationActive={false} strokeWidth={1.5} />
              </LineChart>
            </Chart>
            <Chart title="Pending data (MiB)">
              <AreaChart data={data} margin={CHART_MARGIN}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={fmtTime} stroke={axis.stroke} fontSize={axis.fontSize} />
                <YAxis tickFormatter={tickNumber} stroke={axis.stroke} fontSize={axis.fontSize} width={axis.width} />
                <Tooltip labelFormatter={(t) => fmtTime(Number(t))} formatter={(v) => [formatBytes(Number(v) * 2 ** 20), 'Pending']} contentStyle={TOOLTIP_STYLE} />
                <Area type="monotone" dataKey="pendingMiB" stroke="var(--warn)" fill="var(--warn-soft)" isAnimationActive={false} />
              </AreaChart>
            </Chart>
            <Chart title="Shipped per interval (MiB)">
              <BarChart data={data} margin={CHART_MARGIN}>
                <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={fmtTime} stroke={axis.stroke} fontSize={axis.fontSize} />
                <YAxis tickFormatter={tickNumber} stroke={axis.stroke} fontSize={axis.fontSize} width={axis.width} />
                <Tooltip labelFormatter={(t) => fmtTime(Number(t))} formatter={(v) => [formatBytes(Number(v) * 2 ** 20), 'Shipped']} contentStyle={TOOLTIP_STYLE} />
                <Bar dataKey="transferMiB" fill="var(--meter-fill)" isAnimationActive={false} />
              </BarChart>
            </Chart>
          </div>
        )}
    </section>
  );
}

function tickNumber(v: number): string {
  return Math.abs(v) < 10 && v % 1 !== 0 ? v.toFixed(1) : String(Math.round(v));
}

const CHART_MARGIN = { top: 6, right: 8, bottom: 0, left: 0 };
const TOOLTIP_STYLE = { background: 'var(--surface-raised)', border: '1px solid var(--border)', color: 'var(--text)', fontSize: '0.8rem' };

function Chart({ title, children }: { title: string; children: ReactNode }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div className="chart-box">
        <ResponsiveContainer width="100%" height="100%">{children as never}</ResponsiveContainer>
      </div>
    </figure>
  );
}

function VmAlerts({ vmId }: { vmId: string }) {
  const all = useAlerts((s) => s.alerts);
  const alerts = useMemo(() => all.filter((a) => a.vmId === vmId).slice(0, 20), [all, vmId]);
  const now = useEstate((s) => s.snapshot?.clock.now ?? 0);
  return (
    <Section title={`Alerts${alerts.length ? ` (${alerts.length})` : ''}`} plain>
      {alerts.length === 0 ? <p className="muted">No alert for this VM.</p> : (
        <ul className="drawer-list" data-testid="drawer-alerts">
          {alerts.map((a) => (
            <li key={a.id} className={a.clearedAt !== null ? 'is-cleared' : ''}>
              <StatusGlyph tone={a.severity === 'critical' ? 'crit' : 'warn'} label={a.severity} />
              <span>{a.message}</span>
              <span className="muted num">{formatAgo(a.raisedAt, now)}{a.clearedAt !== null ? ' · cleared' : ''}{a.acknowledged ? ` · ack ${a.acknowledged.by}` : ''}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function VmLabEvents({ vmName }: { vmName: string }) {
  const all = useLab((s) => s.events);
  const isLab = useLab((s) => s.state === 'ready');
  const events = useMemo(() => all.filter((e) => e.vm === vmName).slice(-15).reverse(), [all, vmName]);
  const now = useEstate((s) => s.snapshot?.clock.now ?? 0);
  if (!isLab) return null;
  return (
    <Section title="Lab events" plain>
      {events.length === 0 ? <p className="muted">No recent lab event for this VM.</p> : (
        <ul className="drawer-list" data-testid="drawer-lab-events">
          {events.map((e) => (
            <li key={e.seq}>
              <StatusGlyph tone={e.severity === 'error' ? 'crit' : e.severity === 'warning' ? 'warn' : 'info'} />
              <span>{e.message}</span>
              <span className="muted num">{formatAgo(e.at, now)}</span>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function Section({ title, children, plain = false }: { title: string; children: ReactNode; plain?: boolean }) {
  return (
    <section className="drawer-section">
      <h3>{title}</h3>
      {plain ? children : <dl>{children}</dl>}
    </section>
  );
}

function Prop({ k, children }: { k: string; children: ReactNode }) {
  return <div className="prop"><dt>{k}</dt><dd>{children}</dd></div>;
}
