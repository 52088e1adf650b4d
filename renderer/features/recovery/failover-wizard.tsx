import { useEffect } from 'react';
import { stepsFor, useWizard, WIZARD_STEP_LABEL } from './wizard-store.ts';
import type { RunDirection } from '../../../shared/model/recovery-plan.ts';
import { ChooseStep, useResolution } from './wizard-choose-step.tsx';
import { PolicyStep } from './wizard-policy-step.tsx';
import { PreflightStep } from './wizard-preflight-step.tsx';
import { ConfirmStep } from './wizard-confirm-step.tsx';

/** Plan and run type → recovery point → preflight → confirmation → start. */
export function FailoverWizard({ drillsOnly, onStarted, onCancel }: { drillsOnly: boolean; onStarted(runId: string): void; onCancel?: () => void }) {
  const step = useWizard((s) => s.step);
  const type = useWizard((s) => s.type);
  const steps = stepsFor(type);
  const at = steps.indexOf(step);
  const planId = useWizard((s) => s.planId);
  const target = useWizard((s) => s.target);
  const resolution = useResolution(planId, type ?? 'unplanned-failover', target);

  useEffect(() => {
    if (drillsOnly && type !== 'test-failover') useWizard.getState().choose({ type: 'test-failover' });
  }, [drillsOnly, type]);

  return (
    <section className="wizard" data-testid="failover-wizard" aria-labelledby="wizard-title">
      <header className="wizard-head">
        <h2 id="wizard-title">{drillsOnly ? 'New drill (test failover)' : 'New recovery run'}</h2>
        <ol className="wizard-steps" aria-label="Steps">
          {steps.map((s, i) => (
            <li key={s} className={`wizard-step${i < at ? ' is-done' : ''}`} aria-current={s === step ? 'step' : undefined}>
              <span className="wizard-step-num" aria-hidden="true">{i + 1}</span>
              {WIZARD_STEP_LABEL[s]}
            </li>
          ))}
        </ol>
        {onCancel ? <button type="button" className="wizard-cancel" onClick={onCancel}>Close</button> : null}
        <DirectionLine direction={type && planId ? resolution?.direction ?? null : null} />
      </header>
      <div className="wizard-body">
        {step === 'choose' && <ChooseStep drillsOnly={drillsOnly} />}
        {step === 'policy' && <PolicyStep />}
        {step === 'preflight' && <PreflightStep />}
        {step === 'confirm' && <ConfirmStep onStarted={onStarted} />}
      </div>
    </section>
  );
}

const ROLE_LABEL: Record<RunDirection['from']['role'], string> = { primary: 'primary site', dr: 'DR site', cloud: 'extended replica site' };

/** Which way this run goes, on every page: an operator at 3 a.m. must not have to infer it. */
function DirectionLine({ direction }: { direction: RunDirection | null }) {
  if (!direction) return <p className="wizard-direction muted" data-testid="wizard-direction">Choose a plan and a run type to see which way it goes.</p>;
  return (
    <p className="wizard-direction" data-testid="wizard-direction">
      From <strong>{direction.from.name}</strong>{roleNote(direction.from)} → to <strong>{direction.to.name}</strong>{roleNote(direction.to)}
    </p>
  );
}

/** Site names often carry their role already ("Northgate (primary)"): say it only when they do not. */
function roleNote(site: RunDirection['from']): string {
  return /\(.*\)/.test(site.name) ? '' : ` (${ROLE_LABEL[site.role]})`;
}
