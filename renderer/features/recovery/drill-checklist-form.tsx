import { DRILL_ROLE_LABELS, DrillRoleSchema, type DrillRole } from '../../../shared/model/drill-session.ts';
import { EMPTY_CHECKLIST, useWizard, type ChecklistForm } from './wizard-store.ts';

const ROLES = DrillRoleSchema.options;

/**
 * Before a drill starts: who is in the room, which roles must sign off, which applications their
 * owners will verify on the test copies. Recorded with the start, in the run's journal.
 */
export function DrillChecklistForm() {
  const form = useWizard((s) => s.checklist);
  const { set } = useWizard.getState();
  const update = (patch: Partial<ChecklistForm>) => set({ checklist: { ...(form ?? EMPTY_CHECKLIST), ...patch }, startError: null });
  const setAttendee = (i: number, patch: Partial<ChecklistForm['attendees'][number]>) =>
    update({ attendees: form!.attendees.map((a, j) => (j === i ? { ...a, ...patch } : a)) });
  return (
    <fieldset className="drill-checklist-form" data-testid="drill-checklist-form">
      <legend>
        <label>
          <input type="checkbox" checked={form !== null} data-testid="drill-checklist-on"
            onChange={(e) => set({ checklist: e.target.checked ? EMPTY_CHECKLIST : null })} /> Drill checklist (recorded with the run)
        </label>
      </legend>
      {form ? (
        <>
          <table className="data-table drill-attendee-table">
            <caption>Who is in the room</caption>
            <thead><tr><th scope="col">Name</th><th scope="col">Role</th><th scope="col">Applications they own</th><th scope="col"><span className="visually-hidden">Remove</span></th></tr></thead>
            <tbody>
              {form.attendees.map((a, i) => (
                <tr key={i} data-testid="drill-attendee">
                  <td><input type="text" value={a.name} aria-label={`Name of person ${i + 1}`} data-testid="attendee-name" onChange={(e) => setAttendee(i, { name: e.target.value })} /></td>
                  <td>
                    <select value={a.role} aria-label={`Role of person ${i + 1}`} data-testid="attendee-role" onChange={(e) => setAttendee(i, { role: e.target.value as DrillRole })}>
                      {ROLES.map((r) => <option key={r} value={r}>{DRILL_ROLE_LABELS[r]}</option>)}
                    </select>
                  </td>
                  <td><input type="text" value={a.applications} placeholder={a.role === 'application-owner' ? 'EHR, LIS' : ''} aria-label={`Applications person ${i + 1} owns`} data-testid="attendee-apps"
                    disabled={a.role !== 'application-owner'} onChange={(e) => setAttendee(i, { applications: e.target.value })} /></td>
                  <td><button type="button" disabled={form.attendees.length === 1} onClick={() => update({ attendees: form.attendees.filter((_, j) => j !== i) })}>Remove</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          <button type="button" data-testid="add-attendee" onClick={() => update({ attendees: [...form.attendees, { name: '', role: 'application-owner', applications: '' }] })}>Add a person</button>
          <div className="drill-signoff-roles" role="group" aria-label="Roles that must sign off">
            <span>Sign-off needed from:</span>
            {ROLES.filter((r) => r !== 'observer').map((r) => (
              <label key={r}>
                <input type="checkbox" checked={form.signOffRoles.includes(r)} data-testid={`signoff-role-${r}`}
                  onChange={(e) => update({ signOffRoles: e.target.checked ? [...form.signOffRoles, r] : form.signOffRoles.filter((x) => x !== r) })} /> {DRILL_ROLE_LABELS[r]}
              </label>
            ))}
          </div>
          <p className="muted">Left empty, the drill starts without a checklist, and applications are named as they are signed off.</p>
          <label className="drill-app-list">
            <span>Applications to verify on the test copies (comma-separated)</span>
            <input type="text" value={form.applications} placeholder="EHR, LIS, PACS" data-testid="drill-applications" onChange={(e) => update({ applications: e.target.value })} />
          </label>
        </>
      ) : null}
    </fieldset>
  );
}
