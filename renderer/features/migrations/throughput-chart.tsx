import { useMemo } from 'react';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { MigrationStore } from './migration-store.ts';
import { throughputSeries } from './queue-model.ts';
import { useMig } from './use-migration-store.ts';

export function ThroughputChart({ store }: { store: MigrationStore }) {
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
