import { EvidencePanel } from './evidence-panel.tsx';
import { useState } from 'react';
import { wireLines, type FinishAction, type RecoveryPointPolicy, type RunSnapshot, type RunSummary } from '../../../shared/model/recovery-run.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { formatClock } from '../../platform/clock-extrapolation.ts';
import { useEstate } from '../../platform/services-context.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { AttentionPanel } from './attention-panel.tsx';
import { RecoveryPointChoices } from './recovery-point-choices.tsx';
import { DrillSessionPanel } from './drill-session-panel.tsx';
import { useRecovery, useRecoveryServices } from './recovery-context.ts';
import { useIsViewer, VIEWER_NOTE, VIEWER_REASON } from '../../platform/read-only.ts';
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
      {run.type === 'test-failover' || run.checklist ? <DrillSessionPanel run={run} /> : null}
      {!active ? <FinishPanel run={run} summary={summary} /> : null}
      <GroupTimeline run={run} axis={axis} now={now} />
      <VmRunTable run={run} axis={axis} now={now} />
    </section>
  );
}

/**
 * What the run cost on the wire (PowerShell backend only): lines sent per site and per VM, the figure
 * an engineer checks against the hosts' WinRM load. Journaled at each status change, so it is shown
 * once the main part is over rather than as a stale count mid-run.
 */
function WireLine({ run }: { run: RunSnapshot }) {
  const sites = useEstate((s) => s.snapshot?.sites);
  const lines = wireLines(run, run.vms.length);
  if (!lines || !run.wire || isActive(run)) return null;
  const bySite = Object.entries(run.wire.linesBySite).filter(([, n]) => n > 0).map(([id, n]) => `${sites?.[id]?.name ?? id} ${n.toLocaleString('en-US')}`);
  return (
    <p className="run-meta muted" data-testid="run-wire" title="Lines the console sent to each site's PowerShell sessions while this run ran, its own inventory reads in that time included.">
      PowerShell: <strong data-testid="run-wire-total">{lines.total.toLocaleString('en-US')} lines</strong>
      {lines.perVm !== null ? <> (<span data-testid="run-wire-per-vm">{lines.perVm.toFixed(1)} per VM</span>)</> : null}
      {bySite.length > 0 ? ` · ${bySite.join(' · ')}` : ''}
    </p>
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
          {run.target === 'extended' ? <span className="muted" data-testid="run-target"> · to the extended replica (third copy)</span> : null}
        </h2>
        <p className="run-meta muted">
          Started {formatClock(run.startedAt)} by {run.createdBy} · {policyLabel(run.policy, formatClock)}
          {run.settings.maxBootsPerHost !== null && run.settings.maxBootsPerCluster !== null
            ? <> · <span data-testid="run-boot-limits">boots at once: {run.settings.maxBootsPerHost} per host, {run.settings.maxBootsPerCluster} per cluster</span></>
            : null}
          {run.type === 'planned-failover' || run.type === 'failback'
            ? <> · <span data-testid="run-extended-choice" title="Hyper-V cannot reverse a replica that extends to a third copy while that extension runs.">{EXTENDED_CHOICE_LABEL[run.settings.extendedReplication]}</span></>
            : null}
          {run.resumedCount > 0 ? <> · <strong>resumed after {run.resumedCount} console restart{run.resumedCount === 1 ? '' : 's'}</strong></> : null}
        </p>
        <WireLine run={run} />
        {run.journalDamage && run.journalDamage.length > 0 ? (
          <p className="run-meta" role="alert" data-testid="run-journal-damage">
            <StatusGlyph tone="crit" /> <strong>Needs attention:</strong> part of this run's journal could not be read, so what it last recorded may be missing; check each VM below against the hosts. {run.journalDamage.join(' ')}
          </p>
        ) : null}
      </div>
      <div className="run-status" data-testid="run-status" role="status">
        <StatusGlyph tone={runStatusTone(run.status)} /> {RUN_STATUS_LABEL[run.status]}
        {run.status === 'finishing' ? ` (${run.finishes.at(-1)?.action})` : ''}
      </div>
      <div className={`run-clock clock-${clockTone}`} data-testid="run-elapsed">
        <span className="run-clock-label">{run.mainEndedAt === null ? 'Elapsed' : 'Took'}</span>
        <span className="run-clock-value num">{formatClockSec(elapsed)}</span>
        <span className="run-clock-target">of {formatDuration(run.rtoTargetSec)} target{run.clockStart && run.clockStart.basis !== 'run-start'
          ? <span data-testid="run-clock-from" title={run.clockStart.detail}> · since the {run.clockStart.basis === 'site-lost' ? 'site loss' : 'first host down'} at {formatClock(run.clockStart.at)}</span> : null}</span>
        <span className="progress run-clock-bar" aria-hidden="true"><span className={`progress-fill fill-${clockTone}`} style={{ width: `${Math.min(1, fraction) * 100}%` }} /></span>
      </div>
      <div className="run-count">
        <span className="num run-count-value" data-testid="run-vms-done">{done} / {run.vms.length}</span>
        <span className="muted">VMs done</span>
      </div>
      {run.status === 'running' || run.status === 'finishing' ? (
        <button type="button" className="danger-outline" disabled={viewer || pending !== null}
          title={viewer ? VIEWER_REASON : 'Operations in flight finish; nothing new starts.'}
          onClick={() => { if (window.confirm(`Abort the ${RUN_TYPE_LABEL[run.type].toLowerCase()} of “${run.planName}”? Operations in flight finish; nothing new starts.`)) void recovery.abort(); }}>
          Abort run
        </button>
      ) : null}
    </header>
  );
}

/** The plan's choice for VMs whose replica extends to a third copy (PlanSettings.extendedReplication). */
const EXTENDED_CHOICE_LABEL: Record<RunSnapshot['settings']['extendedReplication'], string> = {
  reverse: 'third copies: extension removed, reversed to the primary',
  continue: 'third copies: kept replicating, not reversed',
};

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

const CANCEL = { action: 'cancel' as const, label: 'Cancel failover', explain: 'For the VMs shut down or prepared but not failed over: cancels the prepare on the primary (Stop-VMFailover), starts the primary again if the run shut it down; replication goes on as before the run.' };

const FINISH_ACTIONS: Record<RunSnapshot['type'], { action: FinishAction; label: string; explain: string; primary?: boolean }[]> = {
  'test-failover': [{ action: 'cleanup', label: 'Clean up test VMs', explain: 'Stops and deletes the test copies (Stop-VMFailover). Replication never stopped.', primary: true }],
  'unplanned-failover': [
    { action: 'commit', label: 'Commit', explain: 'Complete-VMFailover: keeps the chosen recovery point and deletes the others.', primary: true },
    { action: 'reverse', label: 'Reverse replication', explain: 'Replicates back to the primary site so you can fail back later. Checked first: the primary site must answer, its hosts be up and the former primaries off.' },
    { action: 'repoint', label: 'Try another recovery point…', explain: 'Before commit only: turns the replicas off, takes their failover back (Stop-VMFailover; the recovery points stay) and fails over again to the point you choose. What ran in the replicas since the failover is discarded.' },
  ],
  'planned-failover': [CANCEL],
  failback: [CANCEL],
};

const FINISH_STATUS_LABEL: Record<RunSnapshot['finishes'][number]['status'], string> = {
  waiting: 'Waiting until it can start', running: 'Running', done: 'Done', 'done-with-errors': 'Done with errors',
};

function FinishPanel({ run, summary }: { run: RunSnapshot; summary: RunSummary | null }) {
  const { recovery } = useRecoveryServices();
  const viewer = useIsViewer();
  const pending = useRecovery((s) => s.pendingAction);
  const [repointing, setRepointing] = useState(false);
  // Shown only when it applies (the core checks again): cancel while VMs wait between Prepare and failover.
  const cancellable = summary !== null && summary.vmsPrepared - summary.vmsFailedOver - summary.vmsCancelled > 0;
  const actions = FINISH_ACTIONS[run.type].filter((a) => a.action !== 'cancel' || cancellable || run.finishes.some((f) => f.action === 'cancel'));
  const doneActions = new Set(run.finishes.filter((f) => f.status !== 'running').map((f) => f.action));
  const committed = run.finishes.find((f) => f.action === 'commit' || f.action === 'reverse');
  const planned = run.type === 'planned-failover' || run.type === 'failback';
  return (
    <section className="finish" aria-labelledby="finish-title" data-testid="run-finish">
      <div className="finish-actions">
        <h3 id="finish-title">{run.status === 'aborted' ? `Aborted${run.abortedBy ? ` by ${run.abortedBy}` : ''}` : 'Failover done'} — next</h3>
        {planned ? <p className="muted" data-testid="finish-reversed">{reversedSentence(run, summary)}</p> : null}
        <ul>
          {actions.map((a) => {
            const record = run.finishes.findLast((f) => f.action === a.action);
            return (
              <li key={a.action}>
                <button type="button" className={a.primary ? 'primary' : undefined} data-testid={`finish-${a.action}`}
                  disabled={viewer || pending !== null || doneActions.has(a.action) && record?.status === 'done' && a.action !== 'repoint' || a.action === 'repoint' && committed !== undefined}
                  title={viewer ? VIEWER_REASON : a.action === 'repoint' && committed ? `No longer possible: the failover was ${committed.action === 'commit' ? 'committed' : 'reversed'}` : undefined}
                  aria-expanded={a.action === 'repoint' ? repointing : undefined}
                  onClick={() => {
                    if (a.action === 'repoint') { setRepointing(!repointing); return; }
                    if (a.action === 'cancel' && !window.confirm(`Cancel the ${RUN_TYPE_LABEL[run.type].toLowerCase()} of “${run.planName}” for the VMs it stopped before their failover (shut down, or prepared)? Their primaries start again where they were.`)) return;
                    void recovery.finish(a.action);
                  }}>{a.label}</button>
                {a.action === 'repoint' && repointing && !committed ? <RepointForm run={run} onDone={() => setRepointing(false)} /> : null}
                {a.action === 'reverse' ? (
                  <button type="button" data-testid="finish-reverse-when-ready"
                    disabled={viewer || pending !== null || doneActions.has(a.action) && record?.status === 'done' || record?.status === 'waiting'}
                    title={viewer ? VIEWER_REASON : 'Standby checks every 30 s that the primary site answers and its hosts are up, then reverses'}
                    onClick={() => void recovery.finish(a.action, { whenReady: true })}>Reverse when the primary is ready</button>
                ) : null}
                <span className="finish-explain">
                  {record ? <strong data-testid={`finish-${a.action}-status`}>{FINISH_STATUS_LABEL[record.status]}{record.endedAt ? ` at ${formatClock(record.endedAt)}` : ''} ({record.by}). </strong> : null}
                  {record?.status === 'waiting' && record.waitingFor ? <span data-testid={`finish-${a.action}-waiting`}>Waiting for: {record.waitingFor} </span> : null}
                  {a.explain}
                </span>
              </li>
            );
          })}
        </ul>
        {viewer ? <p className="viewer-note" role="note"><StatusGlyph tone="info" /> {VIEWER_NOTE}</p> : null}
      </div>
      <RunSummaryBlock run={run} summary={summary} />
      <EvidencePanel run={run} />
    </section>
  );
}

/** The point to fail over to instead, picked as in the wizard; confirmed before anything is sent. */
function RepointForm({ run, onDone }: { run: RunSnapshot; onDone: () => void }) {
  const { recovery } = useRecoveryServices();
  const viewer = useIsViewer();
  const pending = useRecovery((s) => s.pendingAction);
  const estateNow = useEstate((s) => s.snapshot?.clock.now) ?? 0;
  const [policy, setPolicy] = useState<RecoveryPointPolicy>(run.policy);
  const failedOver = run.vms.filter((vm) => vm.timing.failoverDoneAt !== null).length;
  return (
    <fieldset className="choice-set repoint" data-testid="repoint-form">
      <legend>Fail the {failedOver} failed-over VMs over again, to</legend>
      <RecoveryPointChoices policy={policy} estateNow={estateNow} onChange={setPolicy} name="repoint-policy" />
      <button type="button" className="primary" data-testid="repoint-confirm" disabled={viewer || pending !== null}
        title={viewer ? VIEWER_REASON : undefined}
        onClick={() => {
          if (!window.confirm(`Take the failover of ${failedOver} VMs back and fail them over again to: ${policyLabel(policy, formatClock)}? The replicas are turned off; what ran in them since the failover is discarded.`)) return;
          void recovery.finish('repoint', { policy }).then(onDone);
        }}>Fail over again to this point</button>
    </fieldset>
  );
}

/** What the rows say about the direction of replication: never "reversed" for VMs that were not. */
export function reversedSentence(run: RunSnapshot, summary: RunSummary | null): string {
  const type = RUN_TYPE_LABEL[run.type].toLowerCase();
  if (!summary) return `Nothing left to do for a ${type}.`;
  const n = run.vms.length;
  if (summary.vmsReversed === n) return `Nothing left to do for a ${type}: replication was reversed for all ${n} VMs as part of it.`;
  const waiting = summary.vmsPrepared - summary.vmsFailedOver - summary.vmsCancelled;
  if (waiting > 0) return `Replication was not reversed for any VM. ${waiting} of ${n} VMs are prepared for failover and wait, their primaries off: cancel the failover to start them again where they were.`;
  if (summary.vmsCancelled > 0 && summary.vmsFailedOver === 0) {
    return `Failover cancelled: none of the ${n} VMs failed over. ${summary.vmsCancelled} were cancelled before their failover (${summary.vmsPrepared} of them after Prepare, taken back on the primary with Stop-VMFailover); replication goes on as before the run.`;
  }
  if (summary.vmsReversed === 0) return `Replication was not reversed for any VM: the run stopped before that step. The ${n} VMs still replicate as they did before the run.`;
  return `Replication was reversed for ${summary.vmsReversed} of ${n} VMs; the other ${n - summary.vmsReversed} still replicate as they did before the run.`;
}

function verdictSentence(run: RunSnapshot, summary: RunSummary): string {
  const n = run.vms.length;
  if (summary.vmsHealthy === n) return `All healthy: ${n} of ${n} VMs running with applications healthy`;
  const parts = [`${summary.vmsHealthy} of ${n} VMs healthy`, `${summary.vmsFailedOver} failed over`];
  if (summary.vmsSkipped > 0) parts.push(`${summary.vmsSkipped} skipped`);
  if (summary.vmsNotRecovered > 0) parts.push(`${summary.vmsNotRecovered} not recovered`);
  const untouched = n - summary.vmsFailedOver;
  if (run.status === 'aborted' && untouched > 0) parts.push(`${untouched} not moved: still where they were before the run`);
  return parts.join(' · ');
}

const CLOCK_BASIS_LABEL: Record<RunSummary['rtoFrom']['basis'], string> = {
  'site-lost': 'counted from the site loss',
  'hosts-down': 'counted from the first primary host down',
  'run-start': 'counted from the run\'s start',
};

function rpoNote(run: RunSnapshot, summary: RunSummary): string {
  if (run.type === 'test-failover') return summary.rpoBasis;
  if (run.type === 'unplanned-failover') return `${summary.rpoBasis}; per VM in the list below`;
  if (summary.dataLoss === 'none') return `no data lost: all ${summary.vmsFailedOver} VMs failed over sent their last changes first`;
  if (summary.dataLoss === 'not-applicable') return 'nothing was failed over, so nothing was lost';
  return `${summary.vmsPrepared} of ${summary.vmsFailedOver} VMs failed over sent their last changes first`;
}

function RunSummaryBlock({ run, summary }: { run: RunSnapshot; summary: RunSummary | null }) {
  if (!summary) return <div className="summary" data-testid="run-summary"><p className="muted">Loading the summary…</p></div>;
  const allHealthy = summary.vmsHealthy === run.vms.length;
  const verdict = summary.rtoVerdict;
  return (
    <div className="summary" data-testid="run-summary">
      <p className={`summary-verdict ${allHealthy ? 'is-ok' : 'is-bad'}`} data-testid="summary-verdict">
        <StatusGlyph tone={allHealthy ? 'ok' : 'crit'} /> {verdictSentence(run, summary)}
      </p>
      <dl className="summary-figures">
        <div data-testid="summary-rto">
          <dt>Achieved RTO</dt>
          <dd className="num">{summary.achievedRtoSec === null ? '— (not every VM recovered)' : formatDuration(summary.achievedRtoSec)}</dd>
          <dd className={verdict === 'met' ? 'ok-text' : verdict === 'missed' ? 'crit-text' : 'muted'} data-testid="summary-rto-verdict">
            {verdict === 'met' ? `within the ${formatDuration(summary.rtoTargetSec)} target`
              : verdict === 'missed' ? `missed the ${formatDuration(summary.rtoTargetSec)} target (${summary.vmsMissed} VM${summary.vmsMissed === 1 ? '' : 's'} late, skipped or not recovered)`
              : `still counting against the ${formatDuration(summary.rtoTargetSec)} target`}
          </dd>
          <dd className="muted" data-testid="summary-rto-from">{CLOCK_BASIS_LABEL[summary.rtoFrom.basis]} at {formatClock(summary.rtoFrom.at)}: {summary.rtoFrom.detail}</dd>
        </div>
        <div data-testid="summary-rpo">
          <dt>{run.type === 'unplanned-failover' ? 'Worst RPO (data lost)' : 'RPO'}</dt>
          <dd className="num">{summary.maxRpoSec === null ? '—' : formatDuration(summary.maxRpoSec)}</dd>
          <dd className="muted" data-testid="summary-rpo-basis">{rpoNote(run, summary)}</dd>
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
      {summary.tiers.length > 0 ? (
        <table className="data-table summary-groups" data-testid="summary-tiers">
          <caption className="visually-hidden">Per tier</caption>
          <thead><tr><th scope="col">Tier</th><th scope="col">VMs healthy</th><th scope="col">RTO (last VM healthy)</th><th scope="col">Target</th></tr></thead>
          <tbody>
            {summary.tiers.map((t) => (
              <tr key={t.tier}>
                <th scope="row">Tier {t.tier}</th>
                <td className="num">{t.vmsHealthy} / {t.vmCount}</td>
                <td className="num">{t.rtoSec === null ? '—' : formatDuration(t.rtoSec)}</td>
                <td className={t.verdict === 'met' ? 'ok-text' : t.verdict === 'missed' ? 'crit-text' : 'muted'}>{t.verdict === 'met' ? 'met' : t.verdict === 'missed' ? `missed (${t.vmsMissed})` : 'pending'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
