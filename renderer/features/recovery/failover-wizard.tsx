import { useEffect } from 'react';
import { stepsFor, useWizard, WIZARD_STEP_LABEL } from './wizard-store.ts';
import { ChooseStep } from './wizard-choose-step.tsx';
import { PolicyStep } from './wizard-policy-step.tsx';
import { PreflightStep } from './wizard-preflight-step.tsx';
import { ConfirmStep } from './wizard-confirm-step.tsx';

/** Plan and run type → recovery point → preflight → confirmation → start. */
export function FailoverWizard({ drillsOnly, onStarted, onCancel }: { drillsOnly: boolean; onStarted(runId: string): void; onCancel?: () => void }) {
  const step = useWizard((s) => s.step);
  const type = useWizard((s) => s.type);
  const steps = stepsFor(type);
  const at = steps.indexOf(step);

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
