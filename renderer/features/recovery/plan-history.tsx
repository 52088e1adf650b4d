import { useEffect, useMemo, useState } from 'react';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { RunHistoryPoint, RunSummary } from '../../../shared/model/recovery-run.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { useServices } from '../../platform/services-context.tsx';
import { describeError } from '../../platform/describe-error.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useRemPx } from '../../ui/use-rem-px.ts';
import { formatClock } from '../../platform/clock-extrapolation.ts';
import { RUN_TYPE_LABEL } from './run-labels.ts';
import { day } from './drill-due.tsx';

const minutes = (sec: number | null) => (sec === null ? null : Math.round((sec / 60) * 10) / 10);

/**
 * Every run of a plan against the promise: achieved RTO per run and the line it must stay under,
 * the prediction made before it where one was, tier 0's time, and the failures each run met. Two
 * runs ticked are compared side by side.
 */
export default function PlanHistory({ planId, revision }: { planId: string; revision: number }) {
  const { client } = useServices();
  const [runs, setRuns] = useState<RunHistoryPoint[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    setRuns(null);
    setPicked([]);
    client.request('recovery.history', { planId }).then(
      (h) => { if (live) { setRuns(h.runs); setError(null); } },
      (e: unknown) => { if (live) setError(describeError(e)); },
    );
    return () => { live = false; };
  }, [client, planId, revision]);
  const remPx = useRemPx();
  const data = useMemo(() => (runs ?? []).map((r, i) => ({
    label: `#${i + 1} ${day(r.startedAt)}`, achieved: minutes(r.achievedRtoSec), predicted: minutes(r.predictedRtoSec), tier0: minutes(r.tier0RtoSec), failures: r.failures,
  })), [runs]);
  if (error) return <p className="inline-error" role="alert"><StatusGlyph tone="crit" /> History unavailable: {error}</p>;
  if (runs === null) return <p className="muted">Loading the plan's history…</p>;
  if (runs.length === 0) return <p className="muted" data-testid="plan-history-empty">No run of this plan yet: its history starts with the first drill.</p>;
  const targetMin = runs.at(-1)!.rtoTargetSec / 60;
  // Quarter-hour gridlines, the target always inside: an hour's promise reads at a glance.
  const highest = Math.max(targetMin, ...data.flatMap((d) => [d.achieved ?? 0, d.predicted ?? 0]));
  const yMax = Math.ceil((highest * 1.05) / 15) * 15;
  const predicted = runs.some((r) => r.predictedRtoSec !== null);
  const axis = { stroke: 'var(--text-muted)', fontSize: Math.round(remPx * 0.75) };
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  return (
    <section className="plan-history" aria-labelledby="plan-history-title" data-testid="plan-history">
      <h3 id="plan-history-title">History and trend</h3>
      <figure className="chart trend-chart" data-testid="trend-chart">
        <figcaption>Achieved RTO per run (minutes, left) against the {formatDuration(targetMin * 60)} target{predicted ? ' and the prediction made before it' : ''}; bars: failures met (right)</figcaption>
        <div className="trend-chart-box">
          <ResponsiveContainer width="100%" height="100%">
            <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="label" stroke={axis.stroke} fontSize={axis.fontSize} />
              <YAxis yAxisId="min" stroke={axis.stroke} fontSize={axis.fontSize} width={Math.round(remPx * 3)} domain={[0, yMax]} ticks={Array.from({ length: yMax / 15 + 1 }, (_, i) => i * 15)} />
              <YAxis yAxisId="n" orientation="right" allowDecimals={false} stroke={axis.stroke} fontSize={axis.fontSize} width={Math.round(remPx * 2.5)} />
              <Tooltip contentStyle={{ background: 'var(--surface-raised)', border: '1px solid var(--border)', color: 'var(--text)', fontSize: '0.8rem' }}
                formatter={(v, name) => [name === 'Failures' ? String(v) : formatDuration(Number(v) * 60), name]} />
              <Legend wrapperStyle={{ fontSize: axis.fontSize }} formatter={(value: string) => <span style={{ color: 'var(--text)' }}>{value}</span>} />
              <ReferenceLine yAxisId="min" y={targetMin} stroke="var(--crit)" strokeDasharray="4 3" label={{ value: `target ${formatDuration(targetMin * 60)}`, fill: 'var(--crit-text)', fontSize: axis.fontSize, position: 'insideTopLeft' }} />
              <Bar yAxisId="n" dataKey="failures" name="Failures" fill="var(--warn)" fillOpacity={0.45} stroke="var(--warn)" isAnimationActive={false} barSize={Math.round(remPx * 1.25)} />
              <Line yAxisId="min" dataKey="achieved" name="Achieved RTO" stroke="var(--accent)" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} connectNulls />
              {predicted ? <Line yAxisId="min" dataKey="predicted" name="Predicted" stroke="var(--text-muted)" strokeDasharray="5 4" dot={{ r: 3 }} isAnimationActive={false} connectNulls /> : null}
              <Line yAxisId="min" dataKey="tier0" name="Tier 0" stroke="var(--ok)" strokeWidth={1.5} dot={{ r: 3 }} isAnimationActive={false} connectNulls />
            </ComposedChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <table className="data-table plan-history-table" data-testid="plan-history-runs">
        <caption className="visually-hidden">Runs of this plan, oldest first</caption>
        <thead><tr><th scope="col">Compare</th><th scope="col">#</th><th scope="col">Started</th><th scope="col">Type</th><th scope="col">Achieved RTO</th><th scope="col">Predicted</th><th scope="col">Tier 0</th><th scope="col">Failures</th><th scope="col">VMs missed</th><th scope="col">Apps failed</th></tr></thead>
        <tbody>
          {runs.map((r, i) => (
            <tr key={r.runId} data-testid="plan-history-run" data-run-id={r.runId}>
              <td><input type="checkbox" checked={picked.includes(r.runId)} aria-label={`Compare run ${i + 1}`} data-testid="compare-pick" onChange={() => toggle(r.runId)} /></td>
              <td className="num">{i + 1}</td>
              <td className="num">{formatClock(r.startedAt)}</td>
              <td>{RUN_TYPE_LABEL[r.type]}</td>
              <td className={`num ${r.rtoVerdict === 'met' ? 'ok-text' : r.rtoVerdict === 'missed' ? 'crit-text' : 'muted'}`}>{r.achievedRtoSec === null ? '—' : formatDuration(r.achievedRtoSec)}</td>
              <td className="num">{r.predictedRtoSec === null ? '—' : formatDuration(r.predictedRtoSec)}</td>
              <td className="num">{r.tier0RtoSec === null ? '—' : formatDuration(r.tier0RtoSec)}</td>
              <td className="num">{r.failures}</td>
              <td className="num">{r.vmsMissed} / {r.vmCount}</td>
              <td className="num">{r.applicationsFailed}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {picked.length === 2 ? <CompareRuns runs={picked.map((id) => ({ point: runs.find((r) => r.runId === id)!, index: runs.findIndex((r) => r.runId === id) + 1 }))} />
        : <p className="muted">Tick two runs to compare them side by side.</p>}
    </section>
  );
}

/** Two runs side by side: the figures of each summary, and per group and tier where both have them. */
function CompareRuns({ runs }: { runs: { point: RunHistoryPoint; index: number }[] }) {
  const { client } = useServices();
  const [summaries, setSummaries] = useState<RunSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ids = runs.map((r) => r.point.runId).join(',');
  useEffect(() => {
    let live = true;
    setSummaries(null);
    Promise.all(ids.split(',').map((runId) => client.request('recovery.summary', { runId }))).then(
      (s) => { if (live) setSummaries(s); },
      (e: unknown) => { if (live) setError(describeError(e)); },
    );
    return () => { live = false; };
  }, [client, ids]);
  if (error) return <p className="inline-error" role="alert"><StatusGlyph tone="crit" /> {error}</p>;
  if (!summaries) return <p className="muted">Loading both runs…</p>;
  const dur = (sec: number | null) => (sec === null ? '—' : formatDuration(sec));
  const rows: [string, (s: RunSummary, p: RunHistoryPoint) => string][] = [
    ['Started', (_s, p) => formatClock(p.startedAt)],
    ['Type', (s) => RUN_TYPE_LABEL[s.type]],
    ['Achieved RTO', (s) => `${dur(s.achievedRtoSec)} (${s.rtoVerdict})`],
    ['Predicted RTO', (_s, p) => dur(p.predictedRtoSec)],
    ['Worst RPO', (s) => dur(s.maxRpoSec)],
    ['VMs healthy', (s) => String(s.vmsHealthy)],
    ['VMs missed', (s) => String(s.vmsMissed)],
    ['Failures', (_s, p) => String(p.failures)],
    ['Applications failed', (_s, p) => String(p.applicationsFailed)],
    ...[0, 1, 2].map((tier): [string, (s: RunSummary) => string] => [`Tier ${tier} RTO`, (s) => dur(s.tiers.find((t) => t.tier === tier)?.rtoSec ?? null)]),
    ...summaries[0]!.groups.map((g, i): [string, (s: RunSummary) => string] => [`Group ${i + 1}: ${g.name}`, (s) => dur(s.groups[i]?.durationSec ?? null)]),
  ];
  return (
    <table className="data-table compare-runs" data-testid="compare-runs">
      <caption>Run #{runs[0]!.index} and run #{runs[1]!.index} side by side</caption>
      <thead><tr><th scope="col">Figure</th>{runs.map((r) => <th key={r.point.runId} scope="col">Run #{r.index}</th>)}</tr></thead>
      <tbody>
        {rows.map(([label, cell]) => (
          <tr key={label}><th scope="row">{label}</th>{summaries.map((s, i) => <td key={i} className="num">{cell(s, runs[i]!.point)}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}
