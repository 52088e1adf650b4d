import { z } from 'zod';
import { plainText } from './name-text.ts';

/**
 * A drill as an auditor reads it: who was in the room and which roles must sign off (the checklist,
 * recorded before the start), then each application owner's verdict on the running test copies (the
 * sign-offs), each timestamped and attributed to the connection's actor, never to a typed name.
 */

/** The roles a hospital's drill sign-off sheet names. */
export const DrillRoleSchema = z.enum(['infra', 'dba', 'application-owner', 'clinical', 'observer']);
export type DrillRole = z.infer<typeof DrillRoleSchema>;

export const DRILL_ROLE_LABELS: Record<DrillRole, string> = {
  infra: 'Infrastructure', dba: 'DBA', 'application-owner': 'Application owner', clinical: 'Clinical', observer: 'Observer',
};

const PersonName = plainText(200, 1);
const Application = plainText(200, 1);

export const DrillAttendeeSchema = z.object({
  name: PersonName,
  role: DrillRoleSchema,
  /** Application owners: the applications this person answers for. */
  applications: z.array(Application).max(100).default([]),
});
export type DrillAttendee = z.infer<typeof DrillAttendeeSchema>;

/** What a person fills in before the drill starts. */
export const DrillChecklistDraftSchema = z.object({
  attendees: z.array(DrillAttendeeSchema).min(1).max(200),
  /** Roles whose sign-off the drill needs; each must be held by someone present. */
  signOffRoles: z.array(DrillRoleSchema).min(1).max(5),
  /** Applications to be verified on the test copies; each needs an owner's verdict. */
  applications: z.array(Application).min(1).max(200),
}).superRefine((c, ctx) => {
  c.signOffRoles.forEach((role, i) => {
    if (!c.attendees.some((a) => a.role === role)) ctx.addIssue({ code: 'custom', path: ['signOffRoles', i], message: `nobody present has the role "${DRILL_ROLE_LABELS[role]}" that must sign off` });
  });
  const seen = new Set<string>();
  c.applications.forEach((app, i) => {
    if (seen.has(app.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['applications', i], message: `"${app}" is listed twice` });
    seen.add(app.toLowerCase());
  });
});
export type DrillChecklistDraft = z.infer<typeof DrillChecklistDraftSchema>;

/** The checklist as journaled: the draft, and who recorded it when (wall clock, epoch ms). */
export const DrillChecklistSchema = z.object({
  attendees: z.array(DrillAttendeeSchema),
  signOffRoles: z.array(DrillRoleSchema),
  applications: z.array(z.string()),
  recordedBy: z.string(),
  recordedAt: z.number(),
});
export type DrillChecklist = z.infer<typeof DrillChecklistSchema>;

export const SignOffVerdictSchema = z.enum(['verified', 'failed']);
export type SignOffVerdict = z.infer<typeof SignOffVerdictSchema>;

/** One verdict on one application; a later one for the same application supersedes it, both are kept. */
export const SignOffSchema = z.object({
  /** 1, 2, 3… in the order they were given: the journal keeps each under its own key. */
  id: z.number().int().positive(),
  application: z.string(),
  verdict: SignOffVerdictSchema,
  note: z.string().optional(),
  /** Who: the connection's actor (a token's holder, the OS user) and the role they sign in. */
  by: z.object({ name: z.string(), role: z.string() }),
  /** Wall clock, epoch ms: when the person gave it. */
  at: z.number(),
  /** The run's (backend) clock at that moment, to place it on the run's timeline. */
  runAt: z.number().optional(),
});
export type SignOff = z.infer<typeof SignOffSchema>;

export const SignOffRequestSchema = z.object({
  runId: z.string().min(1).max(200),
  application: Application,
  verdict: SignOffVerdictSchema,
  note: z.string().max(4000).optional(),
}).refine((r) => r.verdict === 'verified' || (r.note !== undefined && r.note.trim() !== ''), {
  message: 'a failed application needs a note saying what did not work', path: ['note'],
});

/** The newest verdict per application, in checklist order first: what the run details show. */
export function latestSignOffs(applications: readonly string[], signOffs: readonly SignOff[]): { application: string; signOff: SignOff | null }[] {
  const latest = new Map<string, SignOff>();
  for (const s of signOffs) {
    const prior = latest.get(s.application.toLowerCase());
    if (!prior || s.id > prior.id) latest.set(s.application.toLowerCase(), s);
  }
  const names = [...applications];
  for (const s of signOffs) if (!names.some((a) => a.toLowerCase() === s.application.toLowerCase())) names.push(s.application);
  return names.map((application) => ({ application, signOff: latest.get(application.toLowerCase()) ?? null }));
}

export type DrillChange = { type: 'checklist'; value: DrillChecklist } | { type: 'signoff'; value: SignOff };

/** Folds one journaled checklist or sign-off into a run (core replay and renderer alike); a sign-off seen again replaces itself. */
export function applyDrillChange<T extends { checklist?: DrillChecklist | undefined; signOffs?: SignOff[] | undefined }>(run: T, change: DrillChange): T {
  if (change.type === 'checklist') return { ...run, checklist: change.value };
  const others = (run.signOffs ?? []).filter((s) => s.id !== change.value.id);
  return { ...run, signOffs: [...others, change.value].sort((a, b) => a.id - b.id) };
}
