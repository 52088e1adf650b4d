import { formatClock } from '../../platform/clock-extrapolation.ts';
import { useEstate } from '../../platform/services-context.tsx';
import { policyLabel, RUN_TYPE_LABEL } from './run-labels.ts';
import { needsPolicy, useWizard } from './wizard-store.ts';
import { WizardNav } from './wizard-nav.tsx';

function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Step 2: which recovery point each VM starts from (unplanned failovers only). */
export function PolicyStep() {
  const policy = useWizard((s) => s.policy);
  const type = useWizard((s) => s.type);
  const estateNow = useEstate((s) => s.snapshot?.clock.now) ?? 0;
  const set = (p: typeof policy) => useWizard.getState().set({ policy: p, preflight: null, preflightStatus: 'idle', accepted: new Set() });
  const pitValue = policy.kind === 'point-in-time' ? toLocalInput(policy.at) : toLocalInput(estateNow - 15 * 60_000);
  if (!needsPolicy(type)) {
    return (
      <>
        <p>A {type ? RUN_TYPE_LABEL[type].toLowerCase() : 'run'} sends the last changes before failing over: there is no recovery point to choose.</p>
        <WizardNav from="policy" canNext />
      </>
    );
  }
  return (
    <>
      <fieldset className="choice-set">
        <legend>Which recovery point each VM starts from</legend>
        <div className="choice-grid choice-grid-3">
          <label className={`choice-card${policy.kind === 'latest' ? ' is-chosen' : ''}`}>
            <input type="radio" name="policy" checked={policy.kind === 'latest'} onChange={() => set({ kind: 'latest' })} />
            <span className="choice-title">Latest</span>
            <span className="choice-text">The newest replicated point. Least data lost; applications recover as after a power cut.</span>
          </label>
          <label className={`choice-card${policy.kind === 'latest-app-consistent' ? ' is-chosen' : ''}`}>
            <input type="radio" name="policy" checked={policy.kind === 'latest-app-consistent'} onChange={() => set({ kind: 'latest-app-consistent' })} />
            <span className="choice-title">Latest application-consistent</span>
            <span className="choice-text">The newest VSS snapshot point. Databases start clean; loses the changes since that snapshot.</span>
          </label>
          <label className={`choice-card${policy.kind === 'point-in-time' ? ' is-chosen' : ''}`}>
            <input type="radio" name="policy" checked={policy.kind === 'point-in-time'} onChange={() => set({ kind: 'point-in-time', at: new Date(pitValue).getTime() })} />
            <span className="choice-title">Point in time</span>
            <span className="choice-text">The newest point at or before a moment, e.g. just before ransomware struck.</span>
            {policy.kind === 'point-in-time' ? (
              <input
                type="datetime-local" aria-label="Recover to (estate clock)" value={pitValue}
                onChange={(e) => { const at = new Date(e.target.value).getTime(); if (Number.isFinite(at)) set({ kind: 'point-in-time', at }); }}
              />
            ) : null}
          </label>
        </div>
        {policy.kind === 'point-in-time' ? <p className="muted">Times are on the estate’s clock. Chosen: {policyLabel(policy, formatClock)}.</p> : null}
      </fieldset>
      <WizardNav from="policy" canNext />
    </>
  );
}
