import { memo, useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import { useStore } from 'zustand';
import { useStoreOf } from '../../platform/services-context.tsx';
import { formatBits } from '../replication/summary-strip.tsx';
import { replicationStores } from '../replication/replication-store.ts';
import { HOUR_MS } from './liveness-store.ts';
import { useLiveness } from './wall-context.ts';
import type { SeriesPoint } from './time-series.ts';
import { formatTime } from './wall-time.ts';

/** WAN throughput over the last hour of the estate clock, with the figure now. */
export function WanPanel({ remPx }: { remPx: number }) {
  const points = useLiveness((s) => s.throughput);
  const current = useStore(useStoreOf(replicationStores).store, (s) => s.summary?.wanThroughputBitsPerSec ?? null);
  return (
    <section className="wall-panel wall-wan" aria-label="WAN throughput" data-testid="wall-wan">
      <header className="wall-panel-head">
        <h2>WAN throughput</h2>
        <b className="wan-now num" data-testid="wall-wan-now">{current === null ? '—' : formatBits(current)}</b>
      </header>
      <p className="wan-caption muted">Mbit/s over the last hour</p>
      <WanChart points={points} remPx={remPx} />
    </section>
  );
}

/** Memoized: the figure beside it changes with every summary, the chart only when its points do. */
const WanChart = memo(function WanChart({ points, remPx }: { points: readonly SeriesPoint[]; remPx: number }) {
  // The hour ends at the newest point, not the ticking clock: the chart redraws only when data comes.
  const end = points.at(-1)?.t ?? 0;
  const data = useMemo(() => points.map((p) => ({ t: p.t, mbit: p.value / 1e6 })), [points]);
  const tick = { fontSize: remPx * 0.85, fill: 'var(--text-muted)' };
  return (
    <div className="wan-chart">
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: remPx * 0.3, right: remPx * 0.6, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="4 4" stroke="var(--border)" />
          <XAxis dataKey="t" type="number" domain={[end - HOUR_MS, end]} scale="time" tickFormatter={(t: number) => formatTime(t, false)} tick={tick} tickCount={5} height={remPx * 1.5} stroke="var(--border-strong)" />
          <YAxis tick={tick} width={remPx * 2.6} stroke="var(--border-strong)" allowDecimals={false} />
          <Area type="stepAfter" dataKey="mbit" isAnimationActive={false} stroke="var(--info)" fill="var(--info)" fillOpacity={0.25} strokeWidth={Math.max(2, remPx / 10)} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
});
