import { formatClock } from '../../platform/clock-extrapolation.ts';
import type { RecoveryPointPolicy } from '../../../shared/model/recovery-run.ts';
import { policyLabel } from './run-labels.ts';

function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * The three recovery-point policies as choice cards: the wizard's step 2, and the run monitor's
 * "Try another recovery point" (an uncommitted unplanned failover taken back to another point).
 */
export function RecoveryPointChoices({ policy, estateNow, onChange, name = 'policy' }: {
  policy: RecoveryPointPolicy; estateNow: number; onChange: (policy: RecoveryPointPolicy) => void; name?: string;
}) {
  const pitValue = policy.kind === 'point-in-time' ? toLocalInput(policy.at) : toLocalInput(estateNow - 15 * 60_000);
  return (
    <>
      <div className="choice-grid choice-grid-3">
        <label className={`choice-card${policy.kind === 'latest' ? ' is-chosen' : ''}`}>
          <input type="radio" name={name} checked={policy.kind === 'latest'} onChange={() => onChange({ kind: 'latest' })} />
          <span className="choice-title">Latest</span>
          <span className="choice-text">The newest replicated point. Least data lost; applications recover as after a power cut.</span>
        </label>
        <label className={`choice-card${policy.kind === 'latest-app-consistent' ? ' is-chosen' : ''}`}>
          <input type="radio" name={name} checked={policy.kind === 'latest-app-consistent'} onChange={() => onChange({ kind: 'latest-app-consistent' })} />
          <span className="choice-title">Latest application-consistent</span>
          <span className="choice-text">The newest VSS snapshot point. Databases start clean; loses the changes since that snapshot.</span>
        </label>
        <label className={`choice-card${policy.kind === 'point-in-time' ? ' is-chosen' : ''}`}>
          <input type="radio" name={name} checked={policy.kind === 'point-in-time'} onChange={() => onChange({ kind: 'point-in-time', at: new Date(pitValue).getTime() })} />
          <span className="choice-title">Point in time</span>
          <span className="choice-text">The newest point at or before a moment, e.g. just before ransomware struck.</span>
          {policy.kind === 'point-in-time' ? (
            <input
              type="datetime-local" aria-label="Recover to (estate clock)" value={pitValue}
              onChange={(e) => { const at = new Date(e.target.value).getTime(); if (Number.isFinite(at)) onChange({ kind: 'point-in-time', at }); }}
            />
          ) : null}
        </label>
      </div>
      {policy.kind === 'point-in-time' ? <p className="muted">Times are on the estate’s clock. Chosen: {policyLabel(policy, formatClock)}.</p> : null}
    </>
  );
}
