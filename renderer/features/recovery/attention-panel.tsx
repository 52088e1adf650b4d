import { failureReason, type PlanStepRun, type RunSnapshot, type VmRun } from '../../../shared/model/recovery-run.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useRecovery, useRecoveryServices } from './recovery-context.ts';
import { useIsViewer, VIEWER_NOTE, VIEWER_REASON } from '../../platform/read-only.ts';
import { STEP_LABEL } from './run-labels.ts';

interface Attention {
  key: string;
  title: string;
  detail: string | null;
  error: string | null;
  target: { vm?: string; stepId?: string };
  /** A manual step to confirm, or a failure to decide on. */
  kind: 'manual' | 'failure';
}

/** What the run waits for a person to do: manual steps and failures (retry, skip or abort). */
function attentionOf(run: RunSnapshot): Attention[] {
  const out: Attention[] = [];
  for (const group of run.groups) {
    for (const step of [...group.before, ...group.after]) {
      if (step.status !== 'waiting-operator' && step.status !== 'failed') continue;
      if (step.status === 'failed' && run.status !== 'running' && run.status !== 'finishing') continue;
      out.push(planStepAttention(group.name, step));
    }
  }
  for (const vm of run.vms) {
    if (vm.status !== 'waiting-operator') continue;
    out.push(vmAttention(vm));
  }
  return out;
}

function planStepAttention(groupName: string, step: PlanStepRun): Attention {
  const manual = step.spec.kind === 'manual' && !step.error;
  return {
    key: `step:${step.id}`, kind: manual ? 'manual' : 'failure',
    title: `${groupName}: ${step.label}`, detail: step.instructions,
    error: step.error ? `${step.error.message} (${step.error.code}, attempt ${step.attempts})` : null,
    target: { stepId: step.id },
  };
}

function vmAttention(vm: VmRun): Attention {
  const failed = vm.steps.find((s) => s.status === 'failed' || s.error !== null && s.status === 'waiting-operator') ?? vm.steps.find((s) => s.error !== null);
  return {
    key: `vm:${vm.name}`, kind: 'failure',
    title: `${vm.name}: ${failed ? STEP_LABEL[failed.kind] : 'step'} failed`,
    detail: `${vm.sourceHost} → ${vm.targetHost}`,
    error: failed?.error ? `${failed.error.message} (${failed.error.code}, attempt ${failed.attempts})` : null,
    target: { vm: vm.name },
  };
}

/** Enough to act on without pushing the run off the screen; the rest are in the VM list. */
const SHOWN = 5;

/** VMs waiting on the same failure, most first: one decision each instead of one per VM. */
function sharedFailures(run: RunSnapshot): { key: string; text: string; step: string; vms: string[] }[] {
  const byKey = new Map<string, { key: string; text: string; step: string; vms: string[] }>();
  for (const vm of run.vms) {
    const reason = failureReason(vm);
    if (!reason) continue;
    const entry = byKey.get(reason.key) ?? { key: reason.key, text: reason.text, step: STEP_LABEL[reason.key.split('|')[0] as VmRun['steps'][number]['kind']] ?? '', vms: [] };
    entry.vms.push(vm.name);
    byKey.set(reason.key, entry);
  }
  return [...byKey.values()].filter((e) => e.vms.length > 1).sort((a, b) => b.vms.length - a.vms.length);
}

export function AttentionPanel({ run }: { run: RunSnapshot }) {
  const items = attentionOf(run);
  const shared = sharedFailures(run);
  const { recovery } = useRecoveryServices();
  const pending = useRecovery((s) => s.pendingAction);
  const viewer = useIsViewer();
  if (items.length === 0) return null;
  return (
    <section className="attention" aria-labelledby="attention-title" data-testid="run-attention">
      <h3 id="attention-title"><StatusGlyph tone="crit" /> Waiting for you: {items.length} {items.length === 1 ? 'item' : 'items'}</h3>
      {viewer ? <p className="viewer-note" role="note"><StatusGlyph tone="info" /> {VIEWER_NOTE}</p> : null}
      {shared.length > 0 ? (
        <ul className="attention-bulk" aria-label="Failures shared by several VMs">
          {shared.map((f) => (
            <li key={f.key} className="attention-item attention-failure" data-testid="attention-bulk">
              <div className="attention-text">
                <strong>{f.vms.length} VMs: {f.step} failed for the same reason</strong>
                <p className="attention-error"><StatusGlyph tone="crit" /> {f.text}</p>
                <p className="attention-detail">{f.vms.slice(0, 8).join(', ')}{f.vms.length > 8 ? ` and ${f.vms.length - 8} more` : ''}</p>
              </div>
              <div className="attention-actions">
                <button type="button" className="primary" disabled={viewer || pending !== null} title={viewer ? VIEWER_REASON : undefined} onClick={() => void recovery.decideAll(f.key, f.vms.length, 'retry')}>Retry all {f.vms.length}</button>
                <button type="button" disabled={viewer || pending !== null} title={viewer ? VIEWER_REASON : "Each VM tries again every 30 s on its own until it succeeds; nothing asks you again"} onClick={() => void recovery.decideAll(f.key, f.vms.length, 'wait')}>Wait and retry all</button>
                <button type="button" disabled={viewer || pending !== null} title={viewer ? VIEWER_REASON : undefined} onClick={() => void recovery.decideAll(f.key, f.vms.length, 'skip')}>Skip all {f.vms.length}</button>
              </div>
            </li>
          ))}
        </ul>
      ) : null}
      <ul>
        {items.slice(0, SHOWN).map((item) => (
          <li key={item.key} className={`attention-item attention-${item.kind}`} data-testid="attention-item">
            <div className="attention-text">
              <strong>{item.kind === 'manual' ? 'Manual step: ' : ''}{item.title}</strong>
              {item.detail ? <p className="attention-detail">{item.detail}</p> : null}
              {item.error ? <p className="attention-error"><StatusGlyph tone="crit" /> {item.error}</p> : null}
            </div>
            <div className="attention-actions">
              {item.kind === 'manual' ? (
                <button type="button" className="primary" disabled={viewer || pending !== null} title={viewer ? VIEWER_REASON : undefined} onClick={() => void recovery.confirm(item.target.stepId!)}>
                  Done — continue
                </button>
              ) : (
                <>
                  <button type="button" className="primary" disabled={viewer || pending !== null} title={viewer ? VIEWER_REASON : undefined} onClick={() => void recovery.decide(item.target, 'retry')}>Retry</button>
                  <button type="button" disabled={viewer || pending !== null} title={viewer ? VIEWER_REASON : undefined} onClick={() => void recovery.decide(item.target, 'skip')}>
                    Skip {item.target.vm ? 'this VM' : 'this step'}
                  </button>
                  <button type="button" className="danger-outline" disabled={viewer || pending !== null} title={viewer ? VIEWER_REASON : undefined} onClick={() => void recovery.decide(item.target, 'abort')}>Abort run</button>
                </>
              )}
            </div>
          </li>
        ))}
      </ul>
      {items.length > SHOWN ? <p className="muted">{items.length - SHOWN} more below in the VM list (filter “Needs you”).</p> : null}
    </section>
  );
}
