import { lazy, Suspense, useEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { PlanPrediction } from './prediction-panel.tsx';
import type { PlanResolution, PlanStep, RecoveryPlan } from '../../../shared/model/recovery-plan.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { useServices } from '../../platform/services-context.tsx';
import { describeError } from '../../platform/describe-error.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { usePlans, useRecoveryServices } from './recovery-context.ts';
import { useIsViewer, VIEWER_NOTE, VIEWER_REASON } from '../../platform/read-only.ts';
import { checkPlanText, draftOf, NEW_PLAN_TEMPLATE } from './plan-json.ts';
import { DrillDue } from './drill-due.tsx';
import './plans.css';

// recharts is large: the history loads when a plan is shown, not with the console.
const PlanHistory = lazy(() => import('./plan-history.tsx'));

type Editing = { kind: 'new' } | { kind: 'edit'; plan: RecoveryPlan } | null;

/** Recovery plans: the files in the plans folder, what each resolves to, and create/edit/duplicate/import/export. */
export function PlansView({ onStartRun }: { onStartRun(planId: string): void }) {
  const { client } = useServices();
  const { plans: plansStore } = useRecoveryServices();
  const plans = usePlans((s) => s.plans);
  const invalid = usePlans((s) => s.invalid);
  const folder = usePlans((s) => s.folder);
  const status = usePlans((s) => s.status);
  const error = usePlans((s) => s.error);
  const viewer = useIsViewer();
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [notice, setNotice] = useState<{ tone: 'ok' | 'crit'; text: string } | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  useEffect(() => { void plansStore.load(); }, [plansStore]);
  const current = selected !== null && plans.some((p) => p.id === selected) ? selected : plans[0]?.id ?? null;

  const onImport = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    try {
      const plan = await client.request('plans.import', { fileName: file.name, text: await file.text(), replace: false });
      setNotice({ tone: 'ok', text: `Imported “${plan.name}” from ${file.name} as ${plan.id}.json.` });
      await plansStore.load();
      setSelected(plan.id);
    } catch (e) {
      setNotice({ tone: 'crit', text: `${file.name} was not imported: ${describeError(e)}` });
    }
  };

  return (
    <div className="plans-view" data-testid="plans-view">
      <aside className="plans-list" aria-label="Recovery plans">
        <div className="plans-toolbar">
          <button type="button" className="primary" disabled={viewer} title={viewer ? VIEWER_REASON : undefined} onClick={() => { setEditing({ kind: 'new' }); setNotice(null); }} data-testid="plan-new">New plan</button>
          <button type="button" disabled={viewer} title={viewer ? VIEWER_REASON : undefined} onClick={() => fileInput.current?.click()} data-testid="plan-import">Import…</button>
          <input ref={fileInput} type="file" accept=".json,application/json" hidden onChange={(e) => void onImport(e)} data-testid="plan-import-file" />
        </div>
        {viewer ? <p className="viewer-note" role="note"><StatusGlyph tone="info" /> {VIEWER_NOTE}</p> : null}
        {status === 'loading' ? <p className="muted">Loading plans…</p> : null}
        {error ? <p className="inline-error" role="alert"><StatusGlyph tone="crit" /> {error}</p> : null}
        <ul>
          {plans.map((p) => (
            <li key={p.id}>
              <button type="button" className={`plan-entry${p.id === current ? ' is-selected' : ''}`} aria-current={p.id === current ? 'true' : undefined}
                onClick={() => { setSelected(p.id); setEditing(null); }} data-testid="plan-entry" data-plan-id={p.id}>
                <strong>{p.name}</strong>
                <span className="muted">{p.groupCount} group{p.groupCount === 1 ? '' : 's'} · {p.memberCount} member{p.memberCount === 1 ? '' : 's'} · rev {p.revision}</span>
                <span className="muted plan-file">{p.file}</span>
                {p.drillSchedule?.overdue ? <span className="crit-text" data-testid="plan-entry-overdue"><StatusGlyph tone="crit" /> drill overdue</span> : null}
              </button>
            </li>
          ))}
        </ul>
        {invalid.length > 0 ? (
          <section className="invalid-plans" aria-labelledby="invalid-title" data-testid="invalid-plans">
            <h3 id="invalid-title"><StatusGlyph tone="crit" /> {new Set(invalid.map((i) => i.file)).size} file{invalid.length === 1 ? '' : 's'} not loaded</h3>
            <ul>
              {invalid.map((i, n) => (
                <li key={`${i.file}-${i.path}-${n}`} data-testid="invalid-plan">
                  <code>{i.file}</code> at <code>{i.path}</code>: {i.problem}
                </li>
              ))}
            </ul>
            <p className="muted">Nothing of these files is used until they are fixed.</p>
          </section>
        ) : null}
        {folder ? <p className="muted plans-folder" title={folder}>Folder: <code>{folder}</code></p> : null}
      </aside>
      <div className="plans-main">
        {notice ? <p className={notice.tone === 'ok' ? 'inline-ok' : 'inline-error'} role={notice.tone === 'ok' ? 'status' : 'alert'} data-testid="plans-notice"><StatusGlyph tone={notice.tone} /> {notice.text}</p> : null}
        {editing ? (
          <PlanEditor
            key={editing.kind === 'edit' ? `${editing.plan.id}@${editing.plan.revision}` : 'new'}
            editing={editing}
            onDone={async (plan) => {
              setEditing(null);
              if (plan) { setNotice({ tone: 'ok', text: `Saved “${plan.name}” (revision ${plan.revision}).` }); await plansStore.load(); setSelected(plan.id); }
            }}
          />
        ) : current ? (
          <PlanDetail
            planId={current} viewer={viewer} onStartRun={onStartRun}
            onEdit={(plan) => { setEditing({ kind: 'edit', plan }); setNotice(null); }}
            onChanged={async (text, selectId) => { setNotice({ tone: 'ok', text }); await plansStore.load(); if (selectId !== undefined) setSelected(selectId); }}
            onError={(text) => setNotice({ tone: 'crit', text })}
          />
        ) : <p className="muted">No plan selected.</p>}
      </div>
    </div>
  );
}

function PlanDetail({ planId, viewer, onStartRun, onEdit, onChanged, onError }: {
  planId: string; viewer: boolean; onStartRun(id: string): void; onEdit(plan: RecoveryPlan): void;
  onChanged(text: string, selectId?: string | null): Promise<void>; onError(text: string): void;
}) {
  const { client } = useServices();
  const [loaded, setLoaded] = useState<{ plan: RecoveryPlan; file: string; resolution: PlanResolution | null } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const revision = usePlans((s) => s.plans.find((p) => p.id === planId)?.revision);
  const schedule = usePlans((s) => s.plans.find((p) => p.id === planId)?.drillSchedule);

  useEffect(() => {
    let live = true;
    setLoadError(null);
    (async () => {
      try {
        const got = await client.request('plans.get', { id: planId });
        if (!live) return;
        setLoaded({ ...got, resolution: null });
        const resolution = await client.request('plans.resolve', { id: planId });
        if (live) setLoaded({ ...got, resolution });
      } catch (e) {
        if (live) setLoadError(describeError(e));
      }
    })();
    return () => { live = false; };
  }, [client, planId, revision]);

  if (loadError) return <p className="inline-error" role="alert"><StatusGlyph tone="crit" /> {loadError}</p>;
  if (!loaded || loaded.plan.id !== planId) return <p className="muted">Loading the plan…</p>;
  const { plan, file, resolution } = loaded;

  const exportPlan = async () => {
    try {
      const { fileName, text } = await client.request('plans.export', { id: plan.id });
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = fileName;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) { onError(`Export failed: ${describeError(e)}`); }
  };
  const duplicate = async () => {
    try {
      const copy = await client.request('plans.duplicate', { id: plan.id });
      await onChanged(`Duplicated as “${copy.name}” (${copy.id}.json).`, copy.id);
    } catch (e) { onError(`Not duplicated: ${describeError(e)}`); }
  };
  const remove = async () => {
    if (!window.confirm(`Delete the plan “${plan.name}” (${file})? The file is removed from the plans folder.`)) return;
    try {
      await client.request('plans.delete', { id: plan.id, expectedRevision: plan.revision });
      await onChanged(`Deleted “${plan.name}”.`, null);
    } catch (e) { onError(`Not deleted: ${describeError(e)}`); }
  };

  return (
    <article className="plan-detail" data-testid="plan-detail" aria-labelledby="plan-title">
      <header className="plan-head">
        <div>
          <h2 id="plan-title">{plan.name}</h2>
          <p className="muted">{file} · revision {plan.revision} · saved {new Date(plan.updatedAt).toLocaleString()}</p>
          {plan.description ? <p>{plan.description}</p> : null}
        </div>
        <div className="plan-actions">
          <button type="button" className="primary" onClick={() => onStartRun(plan.id)} data-testid="plan-start-run">Start a run…</button>
          <button type="button" disabled={viewer} title={viewer ? VIEWER_REASON : undefined} onClick={() => onEdit(plan)} data-testid="plan-edit">Edit</button>
          <button type="button" disabled={viewer} title={viewer ? VIEWER_REASON : undefined} onClick={() => void duplicate()} data-testid="plan-duplicate">Duplicate</button>
          <button type="button" onClick={() => void exportPlan()} data-testid="plan-export">Export</button>
          <button type="button" className="danger-outline" disabled={viewer} title={viewer ? VIEWER_REASON : undefined} onClick={() => void remove()} data-testid="plan-delete">Delete</button>
        </div>
      </header>
      <p className="resolution-line" data-testid="plan-resolution">
        {resolution ? <><strong className="num">{resolution.vmCount}</strong> VMs resolve from this plan now.</> : 'Resolving members…'}
        {' '}RTO target {formatDuration(plan.settings.rtoTargetSec)}
        {plan.settings.maxParallelVms ? ` · at most ${plan.settings.maxParallelVms} VMs at once` : ''}
        {plan.settings.maxBootsPerHost ? ` · ${plan.settings.maxBootsPerHost} boots per host` : ''}
      </p>
      <p className="drill-due-line"><DrillDue schedule={schedule} /></p>
      <PlanPrediction planId={plan.id} />
      {resolution && resolution.problems.length > 0 ? (
        <ul className="plan-problems" data-testid="plan-problems">
          {resolution.problems.map((p, i) => <li key={i}><StatusGlyph tone={p.severity === 'blocker' ? 'crit' : 'warn'} /> <code>{p.where}</code>: {p.message}</li>)}
        </ul>
      ) : null}
      <ol className="plan-groups">
        {plan.groups.map((g, i) => (
          <li key={i} className="plan-group" data-testid="plan-group">
            <h3><span className="group-num">{i + 1}</span> {g.name} <span className="muted num">{resolution ? `${resolution.groups[i]?.vms.length ?? 0} VMs` : ''}</span></h3>
            {g.before.length > 0 ? <StepList label="Before" steps={g.before} /> : null}
            <p className="plan-members">
              {g.members.map((m, j) => <code key={j} className="member-chip">{'vm' in m ? m.vm : m.query}</code>)}
              {g.members.length === 0 ? <span className="muted">No members.</span> : null}
            </p>
            {g.after.length > 0 ? <StepList label="After" steps={g.after} /> : null}
          </li>
        ))}
      </ol>
      {plan.dependencies.length > 0 ? (
        <p className="muted">Dependencies: {plan.dependencies.map((d) => `${d.vm} after ${d.after.join(', ')}`).join('; ')}</p>
      ) : null}
      <Suspense fallback={<p className="muted">Loading the plan's history…</p>}><PlanHistory planId={plan.id} revision={plan.revision} /></Suspense>
    </article>
  );
}

function stepText(step: PlanStep): string {
  switch (step.kind) {
    case 'script': return `Script “${step.name}”: ${step.script} (timeout ${formatDuration(step.timeoutSec)})`;
    case 'manual': return `Manual “${step.name}”: ${step.instructions}`;
    case 'wait-heartbeat': return `Wait for ${step.vm} healthy (up to ${formatDuration(step.timeoutSec)})`;
    case 'wait-tcp': return `Wait for ${step.host}:${step.port} (up to ${formatDuration(step.timeoutSec)})`;
    case 'delay': return `Wait ${formatDuration(step.seconds)}`;
  }
}

function StepList({ label, steps }: { label: string; steps: PlanStep[] }) {
  return (
    <ul className="plan-steps" aria-label={label}>
      {steps.map((s, i) => <li key={i}><span className="step-when">{label}</span> {stepText(s)}</li>)}
    </ul>
  );
}

function PlanEditor({ editing, onDone }: { editing: Exclude<Editing, null>; onDone(plan: RecoveryPlan | null): Promise<void> }) {
  const { client } = useServices();
  const initial = useMemo(() => JSON.stringify(editing.kind === 'edit' ? draftOf(editing.plan) : NEW_PLAN_TEMPLATE, null, 2), [editing]);
  const [text, setText] = useState(initial);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const check = useMemo(() => checkPlanText(text), [text]);

  const save = async () => {
    if (!check.ok) return;
    setSaving(true);
    setServerError(null);
    try {
      const plan = editing.kind === 'edit'
        ? await client.request('plans.update', { id: editing.plan.id, expectedRevision: editing.plan.revision, plan: check.draft })
        : await client.request('plans.create', { plan: check.draft });
      await onDone(plan);
    } catch (e) {
      setSaving(false);
      setServerError(describeError(e));
    }
  };

  return (
    <section className="plan-editor" aria-labelledby="editor-title" data-testid="plan-editor">
      <header className="plan-head">
        <div>
          <h2 id="editor-title">{editing.kind === 'edit' ? `Edit “${editing.plan.name}”` : 'New plan'}</h2>
          <p className="muted">
            {editing.kind === 'edit' ? `${editing.plan.id}.json, revision ${editing.plan.revision}. Saving is refused if someone else saved it meanwhile.` : 'Saved as a new file in the plans folder.'}
            {' '}Groups run in order; members are VM names (<code>{'{"vm": "EHRDB01"}'}</code>) or queries (<code>{'{"query": "tier:0 cluster:CL-A"}'}</code>);
            steps are <code>script</code>, <code>manual</code>, <code>wait-heartbeat</code>, <code>wait-tcp</code> or <code>delay</code>.
          </p>
        </div>
        <div className="plan-actions">
          <button type="button" className="primary" disabled={!check.ok || saving} onClick={() => void save()} data-testid="plan-save">{saving ? 'Saving…' : 'Save'}</button>
          <button type="button" onClick={() => void onDone(null)}>Cancel</button>
        </div>
      </header>
      <div className="editor-body">
        <textarea
          className="json-editor" value={text} spellCheck={false} aria-label="Plan (JSON)" data-testid="plan-json"
          aria-invalid={!check.ok} aria-describedby="editor-problems" onChange={(e) => { setText(e.target.value); setServerError(null); }}
        />
        <div id="editor-problems" className="editor-problems" role="status" data-testid="plan-problems-live">
          {check.ok ? <p className="inline-ok"><StatusGlyph tone="ok" /> Valid plan.</p> : (
            <>
              <p><StatusGlyph tone="crit" /> {check.problems.length} problem{check.problems.length === 1 ? '' : 's'}:</p>
              <ul>{check.problems.slice(0, 30).map((p, i) => <li key={i}><code>{p.path}</code>: {p.problem}</li>)}</ul>
            </>
          )}
          {serverError ? <p className="inline-error" role="alert" data-testid="plan-save-error"><StatusGlyph tone="crit" /> Not saved: {serverError}</p> : null}
        </div>
      </div>
    </section>
  );
}
