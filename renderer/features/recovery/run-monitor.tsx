import type { FinishAction, RunSnapshot, RunSummary } from '../../../shared/model/recovery-run.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { formatClock } from '../../platform/clock-extrapolation.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { AttentionPanel } from './attention-panel.tsx';
import { useIsViewer, useRecovery, useRecoveryServices, VIEWER_NOTE } from './recovery-context.ts';
import { policyLabel, RUN_STATUS_LABEL, RUN_TYPE_LABEL, runStatusTone } from './run-labels.ts';
import { elapsedSec, isActive, runNow, useEstateNow } from './run-time.ts';
import { GroupTimeline, timeAxisOf } from './run-timeline.tsx';
import { VmRunTable } from './vm-run-table.tsx';

/** A run as it goes: where it is, what waits for a person, the timeline, every VM; then finish and summary. */
export function RunMonitor({ run }: { run: RunSnapshot }) {
  const active = isActive(run);
  const estateNow = useEstateNow(active);
  const now = runNow(run, estateNow);
  const axis = timeAxisOf(run, now);
  const summary = useRecovery((s) => (s.summary?.runId === run.id ? s.summary : null));
  return (
    <section className="run-monitor" data-testid="run-monitor" data-run-id={run.id} data-status={run.status} aria-labelledby="run-title">
      <RunHeader run={run} now={now} />
      <ActionFeedback />
      <AttentionPanel run={run} />
      {!active ? <FinishPanel run={run} summary={summary} /> : null}
      <GroupTimeline run={run} axis={axis} now={now} />
      <VmRunTable run={run} axis={axis} now={now} />
    </section>
  );
}

function RunHeader({ run, now }: { run: RunSnapshot; now: number }) {
  const { recovery } = useRecoveryServices();
  const viewer = useIsViewer();
  const pending = useRecovery((s) => s.pendingAction);
  const elapsed = elapsedSec(run, now);
  const fraction = elapsed / run.rtoTargetSec;
  let done = 0;
  for (const vm of run.vms) if (vm.status === 'done') done++;
  const clockTone = fraction > 1 ? 'crit' : fraction > 0.8 ? 'warn' : 'ok';
  return (
    <header className={`run-header type-${run.type}`}>
      <div className="run-title-block">
        <h2 id="run-title">
          <span className={`type-badge badge-${run.type}`}>{RUN_TYPE_LABEL[run.type]}</span> {run.planName}
        </h2>
        <p className="run-meta muted">
          Started {formatClock(run.startedAt)} by {run.createdBy} · {policyLabel(run.policy, formatClock)}
          {run.settings.maxBootsPerHost !== null && run.settings.maxBootsPerCluster !== null
            ? <> · <span data-testid="run-boot-limits">boots at once: {run.settings.maxBootsPerHost} per host, {run.settings.maxBootsPerCluster} per cluster</span></>
            : null}
          {run.resumedCount > 0 ? <> · <strong>resumed after {run.resumedCount} console restart{run.resumedCount === 1 ? '' : 's'}</strong></> : null}
        </p>
      </div>
      <div className="run-status" data-testid="run-status" role="status">
        <StatusGlyph tone={runStatusTone(run.status)} /> {RUN_STATUS_LABEL[run.status]}
        {run.status === 'finishing' ? ` (${run.finishes.at(-1)?.action})` : ''}
      </div>
      <div className={`run-clock clock-${clockTone}`} data-testid="run-elapsed">
        <span className="run-clock-label">{run.mainEndedAt === null ? 'Elapsed' : 'Took'}</span>
        <span className="run-clock-value num">{formatClockSec(elapsed)}</span>
        <span className="run-clock-target">of {formatDuration(run.rtoTargetSec)} target</span>
        <span className="progress run-clock-bar" aria-hidden="true"><span className={`progress-fill fill-${clockTone}`} style={{ width: `${Math.min(1, fraction) * 100}%` }} /></span>
      </div>
      <div className="run-count">
        <span className="num run-count-value" data-testid="run-vms-done">{done} / {run.vms.length}</span>
        <span className="muted">VMs done</span>
      </div>
      {run.status === 'running' || run.status === 'finishing' ? (
        <button type="button" className="danger-outline" disabled={viewer || pending !== null}
          title={viewer ? VIEWER_NOTE : 'Operations in flight finish; nothing new starts.'}
          onClick={() => { if (window.confirm(`Abort the ${RUN_TYPE_LABEL[run.type].toLowerCase()} of “${run.planName}”? Operations in flight finish; nothing new starts.`)) void recovery.abort(); }}>
          Abort run
        </button>
      ) : null}
    </header>
  );
}

/** h:mm:ss, the way a wall clock reads: the figure people watch during a failover. */
function formatClockSec(totalSec: number): string {
  const s = Math.max(0, Math.floor(totalSec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function ActionFeedback() {
  const pending = useRecovery((s) => s.pendingAction);
  const error = useRecovery((s) => s.actionError);
  const viewer = useIsViewer();
  if (!pending && !error) return null;
  return (
    <p className={error ? 'inline-error' : 'inline-pending'} role={error ? 'alert' : 'status'} data-testid="run-action-feedback">
      {error ? <><StatusGlyph tone="crit" /> Refused: {error}{viewer ? ' — this is a read-only (viewer) connection.' : ''}</> : `${pending}…`}
    </p>
  );
}

const FINISH_ACTIONS: Record<RunSnapshot['type'], { action: FinishAction; label: string; explain: string; primary?: boolean }[]> = {
  'test-failover': [{ action: 'cleanup', label: 'Clean up test VMs', explain: 'Stops and deletes the test copies (Stop-VMFailover). Replication never stopped.', primary: true }],
  'unplanned-failover': [
    { action: 'commit', label: 'Commit', explain: 'Complete-VMFailover: keeps the chosen recovery point and deletes the others.', primary: true },
    { action: 'reverse', label: 'Reverse replication', explain: 'Replicates back to the primary site once it is back, so you can fail back later.' },
  ],
  'planned-failover': [],
  failback: [],
};

function FinishPanel({ run, summary }: { run: RunSnapshot; summary: RunSummary | null }) {
  const { recovery } = useRecoveryServices();
  const viewer = useIsViewer();
  const pending = useRecovery((s) => s.pendingAction);
  const actions = FINISH_ACTIONS[run.type];
  const doneActions = new Set(run.finishes.filter((f) => f.status !== 'running').map((f) => f.action));
  return (
    <section className="finish" aria-labelledby="finish-title" data-testid="run-finish">
      <div className="finish-actions">
        <h3 id="finish-title">{run.status === 'aborted' ? `Aborted${run.abortedBy ? ` by ${run.abortedBy}` : ''}` : 'Failover done'} — next</h3>
        {actions.length === 0 ? <p className="muted">Nothing left to do for a {RUN_TYPE_LABEL[run.type].toLowerCase()}: replication was reversed as part of it.</p> : null}
        <ul>
          {actions.map((a) => {
            const record = run.finishes.findLast((f) => f.action === a.action);
            return (
              <li key={a.action}>
                <button type="button" className={a.primary ? 'primary' : undefined} data-testid={`finish-${a.action}`}
                  disabled={viewer || pending !== null || doneActions.has(a.action) && record?.status === 'done'}
                  title={viewer ? VIEWER_NOTE : undefined}
                  onClick={() => void recovery.finish(a.action)}>{a.label}</button>
                <span className="finish-explain">
                  {record ? <strong data-testid={`finish-${a.action}-status`}>{record.status === 'done' ? 'Done' : record.status === 'done-with-errors' ? 'Done with errors' : 'Running'}{record.endedAt ? ` at ${formatClock(record.endedAt)}` : ''} ({record.by}). </strong> : null}
                  {a.explain}
                </span>
              </li>
            );
          })}
        </ul>
        {viewer ? <p className="viewer-note" role="note"><StatusGlyph tone="info" /> {VIEWER_NOTE}</p> : null}
      </div>
      <RunSummaryBlock run={run} summary={summary} />
    </section>
  );
}

function RunSummaryBlock({ run, summary }: { run: RunSnapshot; summary: RunSummary | null }) {
  if (!summary) return <div className="summary" data-testid="run-summary"><p className="muted">Loading the summary…</p></div>;
  const allHealthy = summary.vmsNotRecovered === 0 && summary.vmsSkipped === 0 && summary.vmsHealthy === run.vms.length;
  const met = summary.achievedRtoSec !== null && summary.achievedRtoSec <= summary.rtoTargetSec;
  return (
    <div className="summary" data-testid="run-summary">
      <p className={`summary-verdict ${allHealthy ? 'is-ok' : 'is-bad'}`} data-testid="summary-verdict">
        <StatusGlyph tone={allHealthy ? 'ok' : 'crit'} />{' '}
        {allHealthy ? `All healthy: ${summary.vmsHealthy} of ${run.vms.length} VMs running with applications healthy`
          : `${summary.vmsHealthy} of ${run.vms.length} VMs healthy · ${summary.vmsSkipped} skipped · ${summary.vmsNotRecovered} not recovered`}
      </p>
      <dl className="summary-figures">
        <div data-testid="summary-rto">
          <dt>Achieved RTO</dt>
          <dd className="num">{summary.achievedRtoSec === null ? '— (not every VM recovered)' : formatDuration(summary.achievedRtoSec)}</dd>
          <dd className={met ? 'ok-text' : 'crit-text'}>{summary.achievedRtoSec === null ? '' : met ? `within the ${formatDuration(summary.rtoTargetSec)} target` : `over the ${formatDuration(summary.rtoTargetSec)} target`}</dd>
        </div>
        <div data-testid="summary-rpo">
          <dt>{run.type === 'unplanned-failover' ? 'Worst RPO (data lost)' : 'RPO'}</dt>
          <dd className="num">{summary.maxRpoSec === null ? '—' : formatDuration(summary.maxRpoSec)}</dd>
          <dd className="muted">{run.type === 'planned-failover' ? 'no data lost: last changes sent first' : run.type === 'test-failover' ? 'age of the point the test copies started from' : 'per VM in the list below'}</dd>
        </div>
      </dl>
      <table className="data-table summary-groups">
        <caption className="visually-hidden">Per group</caption>
        <thead><tr><th scope="col">Group</th><th scope="col">Took</th><th scope="col">RTO (last VM healthy)</th></tr></thead>
        <tbody>
          {summary.groups.map((g) => (
            <tr key={g.index}><th scope="row">{g.name}</th><td className="num">{g.durationSec === null ? '—' : formatDuration(g.durationSec)}</td><td className="num">{g.rtoSec === null ? '—' : formatDuration(g.rtoSec)}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
