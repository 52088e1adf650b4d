import { useEffect, useState } from 'react';
import type { PlanResolution } from '../../../shared/model/recovery-plan.ts';
import type { RunType } from '../../../shared/model/recovery-run.ts';
import { useServices } from '../../platform/services-context.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { usePlans } from './recovery-context.ts';
import { RUN_TYPE_EFFECT, RUN_TYPE_LABEL } from './run-labels.ts';
import { useWizard } from './wizard-store.ts';
import { WizardNav } from './wizard-nav.tsx';

const WIZARD_TYPES: RunType[] = ['test-failover', 'planned-failover', 'unplanned-failover'];

/** Step 1: the plan and the run type. */
export function ChooseStep({ drillsOnly }: { drillsOnly: boolean }) {
  const plans = usePlans((s) => s.plans);
  const plansStatus = usePlans((s) => s.status);
  const plansError = usePlans((s) => s.error);
  const planId = useWizard((s) => s.planId);
  const type = useWizard((s) => s.type);
  const { choose } = useWizard.getState();

  useEffect(() => {
    if (planId === null && plans.length > 0) choose({ planId: (plans.find((p) => p.id === 'full-site') ?? plans[0]!).id });
  }, [planId, plans, choose]);

  const resolution = useResolution(planId, type ?? 'unplanned-failover');
  const why = !planId ? 'Choose a plan.' : !type ? 'Choose a run type.' : null;

  return (
    <>
      <fieldset className="choice-set">
        <legend>Recovery plan</legend>
        {plansStatus === 'loading' ? <p className="muted">Loading plans…</p> : null}
        {plansError ? <p className="inline-error" role="alert"><StatusGlyph tone="crit" /> {plansError}</p> : null}
        {plansStatus === 'ready' && plans.length === 0 ? <p className="muted">There are no recovery plans. Create one on the Plans tab.</p> : null}
        <div className="choice-grid">
          {plans.map((p) => (
            <label key={p.id} className={`choice-card${p.id === planId ? ' is-chosen' : ''}`}>
              <input type="radio" name="plan" value={p.id} checked={p.id === planId} onChange={() => choose({ planId: p.id })} />
              <span className="choice-title">{p.name}</span>
              <span className="choice-text">{p.description || 'No description.'}</span>
              <span className="choice-meta muted">{p.groupCount} group{p.groupCount === 1 ? '' : 's'} · {p.file}</span>
            </label>
          ))}
        </div>
        {planId && resolution ? (
          <p className="resolution-line" data-testid="wizard-resolution">
            <strong className="num">{resolution.vmCount}</strong> VMs in {resolution.groups.length} groups:{' '}
            {resolution.groups.map((g) => `${g.name} (${g.vms.length})`).join(' → ')}
            {resolution.problems.length > 0 ? <span className="muted"> · {resolution.problems.length} plan problem{resolution.problems.length === 1 ? '' : 's'} (shown in preflight)</span> : null}
          </p>
        ) : null}
      </fieldset>
      <fieldset className="choice-set">
        <legend>Run type</legend>
        <div className="choice-grid choice-grid-3">
          {WIZARD_TYPES.map((t) => {
            const disabled = drillsOnly && t !== 'test-failover';
            return (
              <label key={t} className={`choice-card type-${t}${t === type ? ' is-chosen' : ''}${disabled ? ' is-disabled' : ''}`}>
                <input type="radio" name="run-type" value={t} checked={t === type} disabled={disabled} onChange={() => choose({ type: t })} />
                <span className="choice-title">{t === 'unplanned-failover' ? <StatusGlyph tone="crit" /> : t === 'planned-failover' ? <StatusGlyph tone="warn" /> : <StatusGlyph tone="info" />} {RUN_TYPE_LABEL[t]}</span>
                <span className="choice-text">{RUN_TYPE_EFFECT[t]}</span>
              </label>
            );
          })}
        </div>
        {drillsOnly ? <p className="muted">Drills are test failovers. Planned and unplanned failovers start from the Failover view.</p> : null}
      </fieldset>
      <WizardNav from="choose" canNext={planId !== null && type !== null} why={why} />
    </>
  );
}

function useResolution(planId: string | null, type: RunType): PlanResolution | null {
  const { client } = useServices();
  const [resolution, setResolution] = useState<{ key: string; value: PlanResolution } | null>(null);
  const key = `${planId}|${type}`;
  useEffect(() => {
    if (!planId) return;
    let live = true;
    client.request('plans.resolve', { id: planId, type }).then((value) => { if (live) setResolution({ key, value }); }, () => { /* preflight reports it */ });
    return () => { live = false; };
  }, [client, planId, type, key]);
  return resolution?.key === key ? resolution.value : null;
}
