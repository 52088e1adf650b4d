import { useEstate } from '../../platform/services-context.tsx';
import { RUN_TYPE_LABEL } from './run-labels.ts';
import { RecoveryPointChoices } from './recovery-point-choices.tsx';
import { needsPolicy, useWizard } from './wizard-store.ts';
import { WizardNav } from './wizard-nav.tsx';

/** Step 2: which recovery point each VM starts from (unplanned failovers only). */
export function PolicyStep() {
  const policy = useWizard((s) => s.policy);
  const type = useWizard((s) => s.type);
  const estateNow = useEstate((s) => s.snapshot?.clock.now) ?? 0;
  const set = (p: typeof policy) => useWizard.getState().set({ policy: p, preflight: null, preflightStatus: 'idle', accepted: new Set() });
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
        <RecoveryPointChoices policy={policy} estateNow={estateNow} onChange={set} />
      </fieldset>
      <WizardNav from="policy" canNext />
    </>
  );
}
