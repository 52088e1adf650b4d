import { PredictionPanel } from './prediction-panel.tsx';
import { formatClock } from '../../platform/clock-extrapolation.ts';
import { useServices } from '../../platform/services-context.tsx';
import { ContractError } from '../../../shared/contract/errors.ts';
import { describeError } from '../../platform/describe-error.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { usePlans, useRecoveryServices } from './recovery-context.ts';
import { useIsViewer, VIEWER_NOTE, VIEWER_REASON } from '../../platform/read-only.ts';
import { policyLabel, RUN_TYPE_EFFECT, RUN_TYPE_LABEL } from './run-labels.ts';
import { drillChecklistDraft, needsPolicy, needsTypedName, targetOf, useWizard } from './wizard-store.ts';
import { DrillChecklistForm } from './drill-checklist-form.tsx';
import { back } from './wizard-nav.tsx';

/** Step 4: what will happen, the typed plan name where it is dangerous, and the start. */
export function ConfirmStep({ onStarted }: { onStarted(runId: string): void }) {
  const { client } = useServices();
  const { recovery } = useRecoveryServices();
  const viewer = useIsViewer();
  const planId = useWizard((s) => s.planId);
  const type = useWizard((s) => s.type);
  const policy = useWizard((s) => s.policy);
  const report = useWizard((s) => s.preflight);
  const accepted = useWizard((s) => s.accepted);
  const confirmText = useWizard((s) => s.confirmText);
  const starting = useWizard((s) => s.starting);
  const startError = useWizard((s) => s.startError);
  const checklist = useWizard((s) => (s.type === 'test-failover' ? s.checklist : null));
  const plan = usePlans((s) => s.plans.find((p) => p.id === planId));
  const { set } = useWizard.getState();
  if (!planId || !type || !plan) return <p className="muted">Choose a plan first.</p>;

  const typed = needsTypedName(type);
  const nameOk = !typed || confirmText === plan.name;
  const danger = type === 'unplanned-failover' ? 'danger' : type === 'planned-failover' ? 'caution' : 'calm';
  const start = async () => {
    set({ starting: true, startError: null });
    const drill = drillChecklistDraft(checklist);
    try {
      const run = await client.request('recovery.start', {
        id: planId, type, policy, ...targetOf(type, useWizard.getState().target), acceptedWarnings: [...accepted], ...(typed ? { confirmText } : {}),
        ...(drill ? { checklist: drill } : {}),
      });
      recovery.adopt(run);
      useWizard.getState().reset({ planId, type });
      onStarted(run.id);
    } catch (e) {
      // The core checks again at start; if the estate changed since the preflight, show the new checks.
      if (e instanceof ContractError && e.code === 'invalid-state' && !viewer) {
        set({ starting: false, startError: null, step: 'preflight', preflightStatus: 'idle', preflightNotice: `The estate changed since the preflight, and the start was refused: ${describeError(e)} The checks ran again below.` });
      } else {
        set({ starting: false, startError: describeError(e) });
      }
    }
  };

  return (
    <>
      <div className={`confirm-panel confirm-${danger}`} data-testid="confirm-panel">
        <h3>
          <StatusGlyph tone={danger === 'danger' ? 'crit' : danger === 'caution' ? 'warn' : 'info'} />{' '}
          {RUN_TYPE_LABEL[type]} of “{plan.name}”
        </h3>
        <p className="confirm-effect">{RUN_TYPE_EFFECT[type]}</p>
        <dl className="confirm-facts">
          <dt>VMs</dt><dd className="num">{report?.vmCount ?? '—'}</dd>
          {needsPolicy(type) ? <><dt>Recovery point</dt><dd>{policyLabel(policy, formatClock)}</dd></> : null}
          <dt>Warnings accepted</dt><dd className="num">{accepted.size}</dd>
        </dl>
        {typed ? (
          <label className="type-to-confirm">
            <span>{type === 'unplanned-failover' ? 'This changes production and cannot be undone by this console. ' : 'This stops production VMs. '}
              To confirm, type the plan name <strong className="plan-name-to-type">{plan.name}</strong>:</span>
            <input
              type="text" value={confirmText} autoComplete="off" spellCheck={false} data-testid="confirm-plan-name"
              aria-invalid={confirmText !== '' && !nameOk}
              onChange={(e) => set({ confirmText: e.target.value, startError: null })}
            />
          </label>
        ) : null}
      </div>
      {type === 'test-failover' ? <DrillChecklistForm /> : null}
      <PredictionPanel planId={planId} type={type} {...targetOf(type, useWizard.getState().target)} />
      {viewer ? <p className="viewer-note" role="note"><StatusGlyph tone="info" /> {VIEWER_NOTE}</p> : null}
      {startError ? <p className="inline-error" role="alert" data-testid="start-error"><StatusGlyph tone="crit" /> {startError}</p> : null}
      <div className="wizard-nav">
        <button type="button" onClick={() => back('confirm')} disabled={starting}>Back</button>
        {typed && !nameOk ? <span className="wizard-why" role="status">Type the plan name exactly to enable the start button.</span> : null}
        <button
          type="button" className={danger === 'danger' ? 'danger' : 'primary'} data-testid="start-run"
          disabled={!nameOk || starting || viewer} title={viewer ? VIEWER_REASON : undefined} onClick={() => void start()}
        >
          {starting ? 'Starting…' : `Start ${RUN_TYPE_LABEL[type].toLowerCase()}`}
        </button>
      </div>
    </>
  );
}
