import { useEffect, useRef, useState } from 'react';
import type { ReplicationAction } from '../../../shared/contract/replication-channels.ts';
import { EXTENDED_REPLICATION_FREQUENCIES_SEC, REPLICATION_FREQUENCIES_SEC } from '../../../shared/model/hyperv-enums.ts';
import { formatDuration } from '../../../shared/format/duration.ts';
import { useRefusal } from '../../platform/read-only.ts';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import type { ReplicationRow } from './replication-rows.ts';
import { useReplicationUi } from './replication-ui-store.ts';
import { useReplication, useReplicationStore } from './use-replication.ts';
import { ACTION_TEXT, TYPE_TO_CONFIRM_AT, describeChange, type ActionKind } from './replication-labels.ts';

/** Selection count and the four replication actions; each goes through a confirmation. */
export function ActionBar({ selectedRows }: { selectedRows: ReplicationRow[] }) {
  const refusal = useRefusal();
  const setSelection = useReplicationUi((s) => s.setSelection);
  const running = useReplication((s) => s.run?.status === 'running');
  const [asking, setAsking] = useState<ActionKind | null>(null);
  const n = selectedRows.length;
  if (n === 0) return null;
  const refused = refusal('replication.act');
  const viewer = refused !== null;
  return (
    <div className="action-bar" role="toolbar" aria-label="Replication actions on the selected VMs" data-testid="action-bar">
      <span className="action-count"><b className="num">{n.toLocaleString()}</b> VM{n === 1 ? '' : 's'} selected</span>
      {(['suspend', 'resume', 'resynchronize', 'set-frequency'] as const).map((kind) => (
        <button key={kind} type="button" data-testid={`action-${kind}`} disabled={running || viewer} title={refused ?? ACTION_TEXT[kind].cmdlet} onClick={() => setAsking(kind)}>
          {ACTION_TEXT[kind].verb}{kind === 'set-frequency' ? '…' : ''}
        </button>
      ))}
      {viewer ? <span className="action-viewer muted">Viewer: read-only</span> : null}
      <button type="button" className="action-clear" onClick={() => setSelection([], null)}>Clear selection</button>
      {asking ? <ConfirmDialog kind={asking} rows={selectedRows} viewer={viewer} onClose={() => setAsking(null)} /> : null}
    </div>
  );
}

/**
 * Proportional to the blast radius: one VM is named; a few are listed; TYPE_TO_CONFIRM_AT or more
 * must be confirmed by typing their number.
 */
function ConfirmDialog({ kind, rows, viewer, onClose }: { kind: ActionKind; rows: ReplicationRow[]; viewer: boolean; onClose(): void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const store = useReplicationStore();
  const [frequencySec, setFrequencySec] = useState<30 | 300 | 900>(300);
  const [relationship, setRelationship] = useState<'Simple' | 'Extended'>('Simple');
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
  }, []);
  const text = ACTION_TEXT[kind];
  const n = rows.length;
  const mustType = n >= TYPE_TO_CONFIRM_AT;
  const tier0 = rows.filter((r) => r.tier === 0).length;
  const validFrequency = relationship === 'Simple' || (EXTENDED_REPLICATION_FREQUENCIES_SEC as readonly number[]).includes(frequencySec);
  const change: ReplicationAction = kind === 'set-frequency' ? { action: 'set-frequency', frequencySec, relationship } : { action: kind };
  const ok = (!mustType || typed.trim() === String(n)) && validFrequency;
  const subject = n === 1 ? rows[0]!.name : `${n.toLocaleString()} VMs`;
  const confirm = () => {
    if (!ok) return;
    onClose();
    void store.act(rows.map((r) => r.id), rows.map((r) => r.name), change);
  };
  return (
    <dialog ref={ref} className="confirm-dialog" aria-labelledby="confirm-title" data-testid="confirm-dialog" onClose={onClose} onCancel={onClose}>
      <form method="dialog" onSubmit={(e) => { e.preventDefault(); confirm(); }}>
        <h2 id="confirm-title">{text.title}: {subject}?</h2>
        <p>{text.effect}</p>
        {kind === 'set-frequency' ? (
          <fieldset className="confirm-fields">
            <legend>New frequency</legend>
            <label>Relationship{' '}
              <select value={relationship} onChange={(e) => setRelationship(e.target.value as 'Simple' | 'Extended')} data-testid="frequency-relationship">
                <option value="Simple">Primary → DR replica</option>
                <option value="Extended">DR → cloud (extended)</option>
              </select>
            </label>
            <label>Every{' '}
              <select value={frequencySec} onChange={(e) => setFrequencySec(Number(e.target.value) as 30 | 300 | 900)} data-testid="frequency-value">
                {REPLICATION_FREQUENCIES_SEC.map((f) => <option key={f} value={f} disabled={relationship === 'Extended' && !(EXTENDED_REPLICATION_FREQUENCIES_SEC as readonly number[]).includes(f)}>{formatDuration(f)}</option>)}
              </select>
            </label>
            {!validFrequency ? <p className="confirm-warn">Extended replication can only run every 5 or 15 minutes.</p> : null}
          </fieldset>
        ) : null}
        {n > 1 ? (
          <div className="confirm-list">
            <p>{n <= 12 ? 'These VMs:' : `These ${n.toLocaleString()} VMs, among them:`}</p>
            <ul>{rows.slice(0, 12).map((r) => <li key={r.id}>{r.name} <span className="muted">T{r.tier} · {r.hostName}</span></li>)}</ul>
            {n > 12 ? <p className="muted">…and {(n - 12).toLocaleString()} more.</p> : null}
          </div>
        ) : null}
        {tier0 > 0 && (kind === 'suspend' || kind === 'resynchronize') ? (
          <p className="confirm-warn"><StatusGlyph tone="warn" /> {n === 1 ? 'This is a tier 0 VM: its' : `${tier0} of them are tier 0: their`} RPO of {formatDuration(rows.find((r) => r.tier === 0)?.rpoTargetSec ?? 120)} will be missed while this runs.</p>
        ) : null}
        {viewer ? <p className="confirm-warn"><StatusGlyph tone="info" /> Your role is viewer (read-only): the server will refuse this change.</p> : null}
        {mustType ? (
          <label className="confirm-type">Type <b>{n}</b> to confirm this change on {n} VMs{' '}
            <input type="text" inputMode="numeric" autoFocus value={typed} onChange={(e) => setTyped(e.target.value)} data-testid="confirm-count" aria-describedby="confirm-title" />
          </label>
        ) : null}
        <p className="muted confirm-cmdlet">Runs <code>{text.cmdlet}</code>; shown as done only once the state is read back.</p>
        <div className="confirm-buttons">
          <button type="button" onClick={onClose} autoFocus={!mustType}>Cancel</button>
          <button type="submit" className="primary" disabled={!ok} data-testid="confirm-go">{kind === 'set-frequency' ? describeChange(change) : `${text.verb} ${subject}`}</button>
        </div>
      </form>
    </dialog>
  );
}

/** What came back: per VM, done (read back) or failed, or the refusal of the whole request. */
export function RunResults() {
  const run = useReplication((s) => s.run);
  const store = useReplicationStore();
  if (!run) return null;
  const done = run.results.filter((r) => r.outcome === 'done' && r.readBack !== null);
  const failed = run.results.filter((r) => !(r.outcome === 'done' && r.readBack !== null));
  const title = describeChange(run.change);
  return (
    <section className={`run-results run-${run.status}`} data-testid="action-results" aria-live="polite" aria-label="Result of the replication action">
      <header>
        <h3>
          {run.status === 'running' ? <span className="spinner" aria-hidden="true" /> : <StatusGlyph tone={run.status === 'refused' || failed.length > 0 ? (done.length > 0 ? 'warn' : 'crit') : 'ok'} />}
          {' '}{title} · {run.vmIds.length === 1 ? run.vmNames[0] : `${run.vmIds.length} VMs`}
        </h3>
        <span className="run-tally" data-testid="action-tally">
          {run.status === 'running' ? 'Sent; waiting for the backend and the read-back…'
            : run.status === 'refused' ? 'Not done'
            : `${done.length} done${failed.length > 0 ? `, ${failed.length} failed` : ''}`}
        </span>
        {run.status !== 'running' ? <button type="button" className="run-dismiss" onClick={() => store.dismissRun()} aria-label="Dismiss the result">×</button> : null}
      </header>
      {run.status === 'refused' ? (
        <p className="run-refusal" role="alert" data-testid="action-refusal">
          {run.errorCode === 'forbidden' ? 'Refused by the server: ' : run.errorCode === 'backend' ? 'The backend could not do it: ' : 'Failed: '}
          {run.error}
        </p>
      ) : null}
      {run.results.length > 0 ? (
        <ul className="run-list">
          {[...failed, ...done].slice(0, 200).map((r) => {
            const ok = r.outcome === 'done' && r.readBack !== null;
            return (
              <li key={r.vmId} data-testid="action-result" data-outcome={ok ? 'done' : 'failed'}>
                <StatusGlyph tone={ok ? 'ok' : 'crit'} label={ok ? 'Done' : 'Failed'} />
                <b>{r.vmName}</b>
                <span className="run-message">{r.message}</span>
                {r.readBack ? <span className="muted run-readback">read back: {r.readBack.state}, {r.readBack.health}, every {formatDuration(r.readBack.frequencySec)}</span> : null}
              </li>
            );
          })}
          {run.results.length > 200 ? <li className="muted">…and {run.results.length - 200} more.</li> : null}
        </ul>
      ) : null}
    </section>
  );
}
