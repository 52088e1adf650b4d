import type { Attestations } from '../../../../shared/model/evidence-pack.ts';
import { DRILL_ROLE_LABELS } from '../../../../shared/model/drill-session.ts';
import type { RunAttestations } from '../drill-session.ts';

/**
 * The drill session's checklist and sign-offs for a run, as the evidence pack takes them. The one
 * place the pack reads people's records from.
 */
export type AttestationSource = (runId: string) => Attestations;

/**
 * The drill session's records (drill-session.ts) in the pack's words: who was in the room with the
 * role they held, the roles that sign off, and one item per application to verify, done when its
 * newest verdict is "verified" (by whom and when); every verdict is listed in signOffs as given.
 */
export function drillAttestations(read: (runId: string) => RunAttestations): AttestationSource {
  return (runId) => {
    const { checklist, signOffs } = read(runId);
    const newest = new Map<string, RunAttestations['signOffs'][number]>();
    for (const s of signOffs) if ((newest.get(s.application)?.at ?? -Infinity) <= s.at) newest.set(s.application, s);
    return {
      checklist: checklist ? {
        present: checklist.attendees.map((a) => ({
          name: a.name, role: `${DRILL_ROLE_LABELS[a.role]}${a.applications.length > 0 ? ` (${a.applications.join(', ')})` : ''}`,
        })),
        signingRoles: checklist.signOffRoles.map((r) => DRILL_ROLE_LABELS[r]),
        items: checklist.applications.map((application) => {
          const last = newest.get(application);
          return {
            text: `${application} verified on the test copies`, done: last?.verdict === 'verified',
            ...(last ? { by: last.by, at: last.at } : {}),
          };
        }),
      } : null,
      signOffs: signOffs.map((s) => ({ application: s.application, verdict: s.verdict, ...(s.note !== undefined ? { note: s.note } : {}), by: s.by, at: s.at })),
    };
  };
}
