import { useEffect, useMemo, useState } from 'react';
import type { PlanResolution } from '../../../shared/model/recovery-plan.ts';
import type { PreflightCheck, PreflightReport, RunType } from '../../../shared/model/recovery-run.ts';
import { formatBytes } from '../../../shared/format/bytes.ts';
import { formatClock } from '../../platform/clock-extrapolation.ts';
import { useEstate, useServices } from '../../platform/services-context.tsx';
import { ContractError } from '../../../shared/contract/errors.ts';
import { describeError } from '../../platform/describe-error.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useIsViewer, usePlans, useRecoveryServices, VIEWER_NOTE } from './recovery-context.ts';
import { policyLabel, RUN_TYPE_EFFECT, RUN_TYPE_LABEL } from './run-labels.ts';
import { needsPolicy, needsTypedName, stepsFor, useWizard, WIZARD_STEP_LABEL, type WizardStep } from './wizard-store.ts';

const WIZARD_TYPES: RunType[] = ['test-failover', 'planned-failover', 'unplanned-failover'];

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

function go(step: WizardStep) { useWizard.getState().set({ step }); }
function next(from: WizardStep) {
  const steps = stepsFor(useWizard.getState().type);
  useWizard.getState().set({ step: steps[steps.indexOf(from) + 1] ?? from, preflightNotice: null });
}
function back(from: WizardStep) {
  const steps = stepsFor(useWizard.getState().type);
  go(steps[steps.indexOf(from) - 1] ?? from);
}

function WizardNav({ from, canNext, nextLabel = 'Next', why }: { from: WizardStep; canNext: boolean; nextLabel?: string; why?: string | null }) {
  return (
    <div className="wizard-nav">
      {from !== 'choose' ? <button type="button" onClick={() => back(from)}>Back</button> : <span />}
      {why ? <span className="wizard-why" role="status">{why}</span> : null}
      <button type="button" className="primary" disabled={!canNext} onClick={() => next(from)} data-testid="wizard-next">{nextLabel}</button>
    </div>
  );
}

// Step 1 ------------------------------------------------------------------------------------------

function ChooseStep({ drillsOnly }: { drillsOnly: boolean }) {
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

// Step 2 ------------------------------------------------------------------------------------------

function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function PolicyStep() {
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

// Step 3 ------------------------------------------------------------------------------------------

const CHECK_LABEL: Record<PreflightCheck['check'], string> = {
  plan: 'Plan', 'replica-health': 'Replica health', rpo: 'Recovery point age vs RPO', capacity: 'DR capacity',
  'primary-off': 'Primary VMs', 'run-conflict': 'Other runs', 'recovery-point': 'Recovery points', backend: 'Sites and sessions', 'test-network': 'Test network',
};

function PreflightStep() {
  const { client } = useServices();
  const planId = useWizard((s) => s.planId);
  const type = useWizard((s) => s.type);
  const policy = useWizard((s) => s.policy);
  const report = useWizard((s) => s.preflight);
  const status = useWizard((s) => s.preflightStatus);
  const error = useWizard((s) => s.preflightError);
  const accepted = useWizard((s) => s.accepted);
  const notice = useWizard((s) => s.preflightNotice);
  const { set } = useWizard.getState();

  const run = async () => {
    if (!planId || !type) return;
    set({ preflightStatus: 'checking', preflightError: null });
    try {
      const result = await client.request('recovery.preflight', { id: planId, type, policy });
      // Warnings accepted earlier stay accepted when they are still the same warnings.
      const keep = new Set([...useWizard.getState().accepted].filter((id) => result.warnings.some((w) => w.id === id)));
      set({ preflight: result, preflightStatus: 'done', accepted: keep });
    } catch (e) {
      set({ preflightStatus: 'error', preflightError: describeError(e) });
    }
  };
  useEffect(() => { if (status === 'idle') void run(); });

  const unaccepted = report ? report.warnings.filter((w) => !accepted.has(w.id)).length : 0;
  const why = !report ? null
    : report.blockers.length > 0 ? `${report.blockers.length} blocker${report.blockers.length === 1 ? '' : 's'}: fix ${report.blockers.length === 1 ? 'it' : 'them'}, then check again.`
      : unaccepted > 0 ? `Accept or fix ${unaccepted} warning${unaccepted === 1 ? '' : 's'} to go on.` : null;

  return (
    <>
      <div className="preflight-head">
        <p className="preflight-verdict" data-testid="preflight-verdict" role="status">
          {status === 'checking' ? 'Checking…'
            : status === 'error' ? <><StatusGlyph tone="crit" /> Preflight could not run: {error}</>
              : report ? (report.blockers.length > 0
                ? <><StatusGlyph tone="crit" /> <strong>Cannot start:</strong> {report.blockers.length} blocker{report.blockers.length === 1 ? '' : 's'}, {report.warnings.length} warning{report.warnings.length === 1 ? '' : 's'} for {report.vmCount} VMs.</>
                : report.warnings.length > 0
                  ? <><StatusGlyph tone="warn" /> No blockers. {report.warnings.length} warning{report.warnings.length === 1 ? '' : 's'} for {report.vmCount} VMs — accept each, or fix it and check again.</>
                  : <><StatusGlyph tone="ok" /> All checks passed for {report.vmCount} VMs.</>)
                : null}
        </p>
        <button type="button" onClick={() => void run()} disabled={status === 'checking'}>Check again</button>
      </div>
      {notice ? <p className="inline-error" role="alert" data-testid="preflight-notice"><StatusGlyph tone="warn" /> {notice}</p> : null}
      {report && report.blockers.length > 0 ? (
        <section className="check-list" aria-label="Blockers" data-testid="preflight-blockers">
          <h3><StatusGlyph tone="crit" /> Blockers — these must be fixed</h3>
          <CheckGroups checks={report.blockers} />
        </section>
      ) : null}
      {report && report.warnings.length > 0 ? (
        <section className="check-list" aria-label="Warnings" data-testid="preflight-warnings">
          <h3><StatusGlyph tone="warn" /> Warnings — accept each one, or fix it and check again</h3>
          <CheckGroups checks={report.warnings} accepted={accepted} onAccept={(ids, on) => {
            const nextSet = new Set(accepted);
            for (const id of ids) { if (on) nextSet.add(id); else nextSet.delete(id); }
            set({ accepted: nextSet });
          }} />
        </section>
      ) : null}
      {report && report.capacity.length > 0 ? <CapacityTable report={report} /> : null}
      <WizardNav from="preflight" canNext={report !== null && report.blockers.length === 0 && unaccepted === 0 && status === 'done'} why={why} />
    </>
  );
}

const SHOWN_PER_GROUP = 8;

function CheckGroups({ checks, accepted, onAccept }: { checks: PreflightCheck[]; accepted?: ReadonlySet<string>; onAccept?: (ids: string[], on: boolean) => void }) {
  const groups = useMemo(() => {
    const map = new Map<PreflightCheck['check'], PreflightCheck[]>();
    for (const c of checks) map.set(c.check, [...(map.get(c.check) ?? []), c]);
    return [...map.entries()];
  }, [checks]);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  return (
    <>
      {groups.map(([check, items]) => {
        const allOn = accepted ? items.every((c) => accepted.has(c.id)) : false;
        const open = expanded.has(check);
        const shown = open ? items : items.slice(0, SHOWN_PER_GROUP);
        return (
          <div key={check} className="check-group">
            <div className="check-group-head">
              <strong>{CHECK_LABEL[check]}</strong> <span className="muted num">({items.length})</span>
              {onAccept && items.length > 1 ? (
                <label className="accept-all">
                  <input type="checkbox" checked={allOn} onChange={(e) => onAccept(items.map((c) => c.id), e.target.checked)} />
                  Accept all {items.length}
                </label>
              ) : null}
            </div>
            <ul>
              {shown.map((c) => (
                <li key={c.id} className="check-item">
                  {onAccept && accepted ? (
                    <label>
                      <input type="checkbox" checked={accepted.has(c.id)} onChange={(e) => onAccept([c.id], e.target.checked)} aria-label={`Accept: ${c.message}`} />
                      <span>{c.message}</span>
                    </label>
                  ) : <span>{c.message}</span>}
                </li>
              ))}
            </ul>
            {items.length > SHOWN_PER_GROUP ? (
              <button type="button" className="link-button" onClick={() => {
                const n = new Set(expanded);
                if (open) n.delete(check); else n.add(check);
                setExpanded(n);
              }}>{open ? 'Show fewer' : `Show all ${items.length}`}</button>
            ) : null}
          </div>
        );
      })}
    </>
  );
}

function CapacityTable({ report }: { report: PreflightReport }) {
  return (
    <table className="data-table capacity-table">
      <caption>DR capacity for the whole plan</caption>
      <thead><tr><th scope="col">Cluster</th><th scope="col">Memory needed / free</th><th scope="col">vCPU needed / logical processors</th></tr></thead>
      <tbody>
        {report.capacity.map((c) => (
          <tr key={c.cluster}>
            <th scope="row">{c.cluster}</th>
            <td className={`num${c.memoryNeededBytes > c.memoryFreeBytes ? ' is-over' : ''}`}>{formatBytes(c.memoryNeededBytes)} / {formatBytes(c.memoryFreeBytes)}</td>
            <td className="num">{c.vcpuNeeded} / {c.logicalProcessors}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// Step 4 ------------------------------------------------------------------------------------------

function ConfirmStep({ onStarted }: { onStarted(runId: string): void }) {
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
  const plan = usePlans((s) => s.plans.find((p) => p.id === planId));
  const { set } = useWizard.getState();
  if (!planId || !type || !plan) return <p className="muted">Choose a plan first.</p>;

  const typed = needsTypedName(type);
  const nameOk = !typed || confirmText === plan.name;
  const danger = type === 'unplanned-failover' ? 'danger' : type === 'planned-failover' ? 'caution' : 'calm';
  const start = async () => {
    set({ starting: true, startError: null });
    try {
      const run = await client.request('recovery.start', {
        id: planId, type, policy, acceptedWarnings: [...accepted], ...(typed ? { confirmText } : {}),
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
      {viewer ? <p className="viewer-note" role="note"><StatusGlyph tone="info" /> {VIEWER_NOTE}</p> : null}
      {startError ? <p className="inline-error" role="alert" data-testid="start-error"><StatusGlyph tone="crit" /> {startError}</p> : null}
      <div className="wizard-nav">
        <button type="button" onClick={() => back('confirm')} disabled={starting}>Back</button>
        {typed && !nameOk ? <span className="wizard-why" role="status">Type the plan name exactly to enable the start button.</span> : null}
        <button
          type="button" className={danger === 'danger' ? 'danger' : 'primary'} data-testid="start-run"
          disabled={!nameOk || starting || viewer} onClick={() => void start()}
        >
          {starting ? 'Starting…' : `Start ${RUN_TYPE_LABEL[type].toLowerCase()}`}
        </button>
      </div>
    </>
  );
}
