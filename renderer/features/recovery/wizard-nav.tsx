import { stepsFor, useWizard, type WizardStep } from './wizard-store.ts';

/** Moving between the wizard's steps: Back, Next and the reason Next is disabled. */
function go(step: WizardStep) { useWizard.getState().set({ step }); }
function next(from: WizardStep) {
  const steps = stepsFor(useWizard.getState().type);
  useWizard.getState().set({ step: steps[steps.indexOf(from) + 1] ?? from, preflightNotice: null });
}
export function back(from: WizardStep) {
  const steps = stepsFor(useWizard.getState().type);
  go(steps[steps.indexOf(from) - 1] ?? from);
}

export function WizardNav({ from, canNext, nextLabel = 'Next', why }: { from: WizardStep; canNext: boolean; nextLabel?: string; why?: string | null }) {
  return (
    <div className="wizard-nav">
      {from !== 'choose' ? <button type="button" onClick={() => back(from)}>Back</button> : <span />}
      {why ? <span className="wizard-why" role="status">{why}</span> : null}
      <button type="button" className="primary" disabled={!canNext} onClick={() => next(from)} data-testid="wizard-next">{nextLabel}</button>
    </div>
  );
}
