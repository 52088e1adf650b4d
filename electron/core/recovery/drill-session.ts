import { ContractError } from '../../../shared/contract/errors.ts';
import {
  DRILL_ROLE_LABELS, type DrillChecklist, type DrillChecklistDraft, type SignOff, type SignOffVerdict,
} from '../../../shared/model/drill-session.ts';
import type { Role } from '../../../shared/contract/channels.ts';
import type { RunHeader } from '../../../shared/model/recovery-run.ts';

/** The drill part of a run: its checklist and sign-offs, journaled beside the header, groups and VMs. */
export interface DrillRecord {
  checklist?: DrillChecklist;
  signOffs?: SignOff[];
}

export function recordedChecklist(draft: DrillChecklistDraft, actor: string, at: number): DrillChecklist {
  return { ...draft, recordedBy: actor, recordedAt: at };
}

export interface SignOffInput {
  application: string;
  verdict: SignOffVerdict;
  note?: string | undefined;
  /** The connection's actor and access role: the verdict is theirs, whatever name is typed anywhere. */
  actor: string;
  accessRole: Role;
  /** Wall clock and run (backend) clock now. */
  at: number;
  runAt: number;
  /** Whether any VM of the run is failed over (a test copy made): before that there is nothing to verify. */
  copiesRunning: boolean;
}

/**
 * A sign-off checked against the run: it judges the running test copies, so once their cleanup has
 * started there is nothing left to judge; with a checklist, only its applications can be signed.
 * The signer's role is the one the checklist gives them (matched by name), else their access role.
 */
export function newSignOff(header: RunHeader, drill: DrillRecord, input: SignOffInput): SignOff {
  const cleanup = header.finishes.find((f) => f.action === 'cleanup');
  if (cleanup) {
    throw new ContractError('invalid-state', `The test copies of this run are being or have been removed (cleanup by ${cleanup.by}); a sign-off must be given while they run.`, 'application');
  }
  if (!input.copiesRunning) {
    throw new ContractError('invalid-state', `No ${header.type === 'test-failover' ? 'test copy' : 'VM'} of this run is failed over yet; sign off once the applications run.`, 'application');
  }
  const checklist = drill.checklist;
  let application = input.application.trim();
  if (checklist) {
    const listed = checklist.applications.find((a) => a.toLowerCase() === application.toLowerCase());
    if (!listed) {
      throw new ContractError('bad-request', `"${application}" is not on this drill's checklist; its applications are: ${checklist.applications.join(', ')}.`, 'application');
    }
    application = listed;
  }
  const attendee = checklist?.attendees.find((a) => a.name.toLowerCase() === input.actor.toLowerCase());
  const note = input.note?.trim();
  return {
    id: (drill.signOffs?.reduce((max, s) => Math.max(max, s.id), 0) ?? 0) + 1,
    application, verdict: input.verdict, ...(note ? { note } : {}),
    by: { name: input.actor, role: attendee ? DRILL_ROLE_LABELS[attendee.role] : input.accessRole },
    at: input.at, runAt: input.runAt,
  };
}

/**
 * What the evidence pack attests for a run: its checklist (when one was recorded) and every sign-off
 * in the order given. The `evidence` work takes exactly this shape.
 */
export interface RunAttestations {
  checklist?: DrillChecklist;
  signOffs: { application: string; verdict: SignOffVerdict; note?: string; by: { name: string; role: string }; at: number }[];
}

export function attestationsOf(drill: DrillRecord): RunAttestations {
  return {
    ...(drill.checklist ? { checklist: drill.checklist } : {}),
    signOffs: (drill.signOffs ?? []).map((s) => ({
      application: s.application, verdict: s.verdict, ...(s.note !== undefined ? { note: s.note } : {}), by: { ...s.by }, at: s.at,
    })),
  };
}
