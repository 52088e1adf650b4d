import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { HistoryPoint, HistoryRange } from '../../../shared/model/replication.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { useServices } from '../../platform/services-context.tsx';
import { describeError } from '../../platform/describe-error.ts';
import { useReplicationUi } from './replication-ui-store.ts';
import { useReplication } from './use-replication.ts';
import { useRemPx } from '../../ui/use-rem-px.ts';

/** Refetched when the core publishes a new summary, at most every few seconds while the drawer is open. */
const HISTORY_REFRESH_MS = 5_000;

export default function HistoryCharts({ vmId, rpoTargetSec }: { vmId: string; rpoTargetSec: number | null }) {
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

