import { useState } from 'react';
import { DRILL_ROLE_LABELS, latestSignOffs, type SignOff } from '../../../shared/model/drill-session.ts';
import type { RunSnapshot } from '../../../shared/model/recovery-run.ts';
import { useConnection } from '../../platform/services-context.tsx';
import { StatusGlyph } from '../../ui/status-glyph.tsx';
import { useRecovery, useRecoveryServices } from './recovery-context.ts';
import { useRefusal } from '../../platform/read-only.ts';
import { markerRoom } from '../../ui/marker-room.ts';

const wallTime = (at: number) => new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * The drill session of a run: who is in the room and which roles sign off (recorded before the
 * start), one row per application with its newest verdict and the buttons to give one, and every
 * sign-off given, oldest first. A verdict is recorded under this connection's name, never a typed one.
 */
export function DrillSessionPanel({ run }: { run: RunSnapshot }) {
  const checklist = run.checklist;
  const signOffs = run.signOffs ?? [];
  const cleanup = run.finishes.find((f) => f.action === 'cleanup');
  const open = !cleanup && run.vms.some((vm) => vm.timing.failoverDoneAt !== null);
  const me = useConnection((s) => s.session?.actor);
  const rows = latestSignOffs(checklist?.applications ?? [], signOffs);
  return (
    <section className="drill-session" aria-labelledby="drill-title" data-testid="drill-session">
      <header className="drill-session-head">
        <h3 id="drill-title">Drill session</h3>
        {me ? <span className="muted" data-testid="drill-signed-in-as">Signing as <strong>{me}</strong></span> : null}
      </header>
      {checklist ? (
        <div className="drill-checklist" data-testid="drill-checklist">
          <p className="muted">Checklist recorded by {checklist.recordedBy} at {wallTime(checklist.recordedAt)}. Sign-off needed from: {checklist.signOffRoles.map((r) => DRILL_ROLE_LABELS[r]).join(', ')}.</p>
          <ul className="drill-attendees">
            {checklist.attendees.map((a) => (
              <li key={a.name}><strong>{a.name}</strong> <span className="muted">{DRILL_ROLE_LABELS[a.role]}{a.applications.length > 0 ? ` · ${a.applications.join(', ')}` : ''}</span></li>
            ))}
          </ul>
        </div>
      ) : <p className="muted" data-testid="drill-no-checklist">No checklist was recorded before this run started; applications are named as they are signed off.</p>}
      <table className="data-table drill-apps" data-testid="drill-apps">
        <caption className="visually-hidden">Applications and their newest verdict</caption>
        <thead><tr><th scope="col">Application</th><th scope="col">Verdict</th><th scope="col">By</th><th scope="col">When</th><th scope="col">Note</th>{open ? <th scope="col">Sign off</th> : null}</tr></thead>
        <tbody>
          {rows.map(({ application, signOff }) => <AppRow key={application} application={application} signOff={signOff} open={open} />)}
          {!checklist && open ? <AppRow application={null} signOff={null} open={open} /> : null}
        </tbody>
      </table>
      {!open ? <p className="muted" data-testid="drill-closed">{cleanup ? `Closed: the test copies were removed (cleanup by ${cleanup.by}).` : 'Sign-offs open once the test copies are running.'}</p> : null}
      {signOffs.length > 0 ? (
        <details className="drill-log" data-testid="drill-log">
          <summary>All sign-offs ({signOffs.length})</summary>
          <ol style={markerRoom(signOffs.length)}>
            {signOffs.map((s) => (
              <li key={s.id}>{wallTime(s.at)} — <strong>{s.application}</strong> {s.verdict} by {s.by.name} ({s.by.role}){s.note ? `: ${s.note}` : ''}</li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}

function AppRow({ application, signOff, open }: { application: string | null; signOff: SignOff | null; open: boolean }) {
  const { recovery } = useRecoveryServices();
  // Application owners sign off with a signer's token: the sign-off asks its own channel's access.
  const refusal = useRefusal()('recovery.signOff');
  const refused = refusal !== null;
  const pending = useRecovery((s) => s.pendingAction);
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const app = application ?? name.trim();
  const tone = signOff?.verdict === 'verified' ? 'ok' : signOff?.verdict === 'failed' ? 'crit' : 'info';
  const give = (verdict: 'verified' | 'failed') => {
    void recovery.signOff(app, verdict, note.trim() || undefined).then(() => { setNote(''); if (!application) setName(''); });
  };
  return (
    <tr data-testid="drill-app" data-app={application ?? ''} data-verdict={signOff?.verdict ?? 'pending'}>
      <th scope="row">{application ?? <input type="text" value={name} placeholder="Application" aria-label="Application" disabled={refused} title={refusal ?? undefined} onChange={(e) => setName(e.target.value)} />}</th>
      <td><StatusGlyph tone={tone} /> {signOff ? signOff.verdict : 'awaiting'}</td>
      <td>{signOff ? <>{signOff.by.name} <span className="muted">({signOff.by.role})</span></> : '—'}</td>
      <td className="num">{signOff ? wallTime(signOff.at) : '—'}</td>
      <td>{signOff?.note ?? ''}</td>
      {open ? (
        <td>
          <div className="drill-actions">
            <input type="text" value={note} placeholder="Note (needed for failed)" aria-label={`Note for ${app || 'the application'}`} disabled={refused} title={refusal ?? undefined} onChange={(e) => setNote(e.target.value)} />
            <button type="button" className="primary" data-testid="sign-verified" disabled={refused || pending !== null || !app} title={refusal ?? undefined} onClick={() => give('verified')}>Verified</button>
            <button type="button" className="danger-outline" data-testid="sign-failed" disabled={refused || pending !== null || !app || !note.trim()}
              title={refusal ?? (!note.trim() ? 'Say what did not work in the note first' : undefined)} onClick={() => give('failed')}>Failed</button>
          </div>
        </td>
      ) : null}
    </tr>
  );
}
