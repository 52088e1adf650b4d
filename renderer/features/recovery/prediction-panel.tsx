import { useEffect, useState } from 'react';
import { formatDuration } from '../../../shared/format/duration.ts';
import type { FailoverTarget, RunType } from '../../../shared/model/recovery-run.ts';
import type { RunPrediction } from '../../../shared/model/run-prediction.ts';
import { describeError } from '../../platform/describe-error.ts';
import { useServices } from '../../platform/services-context.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';

/**
 * What the run is expected to achieve, from the core rehearsing the plan on a copy of the estate:
 * the RTO (or a range), tier 0, the VMs that end each group, the bottleneck and where the
 * durations came from. Shown in the wizard's confirm step and on the plan.
 */
export function PredictionPanel({ planId, type, target }: { planId: string; type: RunType; target?: FailoverTarget }) {
  const { client } = useServices();
  const [state, setState] = useState<{ prediction: RunPrediction | null; error: string | null; busy: boolean }>({ prediction: null, error: null, busy: true });
  useEffect(() => {
    let live = true;
    setState({ prediction: null, error: null, busy: true });
    client.request('recovery.predict', { id: planId, type, ...(target ? { target } : {}) })
      .then((prediction) => { if (live) setState({ prediction, error: null, busy: false }); })
      .catch((e: unknown) => { if (live) setState({ prediction: null, error: describeError(e), busy: false }); });
    return () => { live = false; };
  }, [client, planId, type, target]);

  if (state.busy) return <section className="prediction" data-testid="prediction" aria-busy="true"><p className="muted">Predicting: rehearsing the plan on a copy of the estate…</p></section>;
  if (state.error || !state.prediction) return <section className="prediction" data-testid="prediction"><p className="inline-error" role="alert"><StatusGlyph tone="warn" /> No prediction: {state.error}</p></section>;
  const p = state.prediction;
  const tier0 = p.tiers.find((t) => t.tier === 0);
  const figure = p.range
    ? `${formatDuration(p.range.lowSec)} – ${p.range.highSec === null ? 'unknown' : formatDuration(p.range.highSec)}`
    : p.rtoSec === null ? 'not every VM comes back' : formatDuration(p.rtoSec);
  const tone = p.verdict === 'met' ? 'ok' : p.verdict === 'missed' ? 'crit' : 'warn';
  return (
    <section className="prediction" data-testid="prediction" data-verdict={p.verdict} aria-label="Prediction">
      <h4><StatusGlyph tone={tone} /> Predicted RTO <strong className="num" data-testid="prediction-rto">{figure}</strong>
        {tier0 ? <span className="muted"> (tier 0 at {tier0.rtoSec === null ? '—' : formatDuration(tier0.rtoSec)})</span> : null}
        <span className="muted"> against {formatDuration(p.rtoTargetSec)}</span></h4>
      {p.range ? <p className="muted">A range, not a point: {p.range.why}.</p> : null}
      {p.bottleneck ? <p>Bottleneck: {p.bottleneck.text}.</p> : null}
      <p>Critical path: {p.criticalPath.map((c) => `${c.vm} on ${c.host} (${formatDuration(c.healthySec)})`).join(' → ') || '—'}</p>
      <p className="muted" data-testid="prediction-calibration">{p.calibration.text}</p>
      {p.notes.map((n) => <p key={n} className="muted">{n}</p>)}
      <p className="muted small">Rehearsed on a copy of {p.backend} in {(p.wallMs / 1000).toFixed(1)} s; nothing real was touched.</p>
    </section>
  );
}

/** On the plan: predicted on request (a rehearsal of a large plan takes seconds of the core's CPU). */
export function PlanPrediction({ planId }: { planId: string }) {
  const [type, setType] = useState<RunType | null>(null);
  return (
    <div className="plan-prediction">
      <span className="muted">Predict: </span>
      {(['test-failover', 'planned-failover', 'unplanned-failover'] as const).map((t) => (
        <button key={t} type="button" data-testid={`predict-${t}`} aria-pressed={type === t} onClick={() => setType(t)}>
          {t === 'test-failover' ? 'Drill' : t === 'planned-failover' ? 'Planned failover' : 'Unplanned failover'}
        </button>
      ))}
      {type ? <PredictionPanel key={`${planId}-${type}`} planId={planId} type={type} /> : null}
    </div>
  );
}
