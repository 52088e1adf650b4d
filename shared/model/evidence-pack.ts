import { z } from 'zod';
import { PlanStepSchema, RecoveryPlanSchema } from './recovery-plan.ts';
import { ClockStartSchema, PreflightReportSchema, RunStatusSchema, RunSummarySchema, RunTypeSchema } from './recovery-run.ts';
import { RunPredictionSchema } from './run-prediction.ts';
import { TierSchema } from './rpo.ts';

/**
 * The evidence a run leaves for an auditor: one JSON document (this schema), the self-contained
 * HTML report rendered from it, and a PDF of that report. Times are epoch ms on the backend's clock
 * unless named wall; every figure is read from the run's journal.
 */
export const EVIDENCE_SCHEMA_ID = 'standby.evidence-pack/1';

const Person = z.object({
  /** What the console records today: the signed-in user, or the address a request came from. */
  name: z.string(),
  role: z.string(),
});

/** Who signed off what: fed by the drill session's records (see run-attestations.ts in the core). */
export const SignOffSchema = z.object({
  application: z.string(),
  verdict: z.enum(['verified', 'failed']),
  note: z.string().optional(),
  by: Person,
  /** Wall clock, epoch ms. */
  at: z.number(),
});
export type SignOff = z.infer<typeof SignOffSchema>;

export const AttestationsSchema = z.object({
  /** Before the start: who was in the room and which roles sign off. Null when none was kept. */
  checklist: z.object({
    present: z.array(Person),
    signingRoles: z.array(z.string()),
    items: z.array(z.object({ text: z.string(), done: z.boolean(), by: Person.optional(), at: z.number().optional() })),
  }).nullable(),
  signOffs: z.array(SignOffSchema),
});
export type Attestations = z.infer<typeof AttestationsSchema>;

export const CleanupProofSchema = z.object({
  /** proven: the read-back found nothing of the drill left; not-proven: it found leftovers or could not look; not-applicable: not a drill. */
  status: z.enum(['proven', 'not-proven', 'not-applicable']),
  /** Backend clock, when the read-back was made (null when none was). */
  scannedAt: z.number().nullable(),
  /** What was read back, per host: each a Hyper-V call answered by the host itself. */
  scanned: z.array(z.object({ host: z.string(), call: z.string(), vmsSeen: z.number().int() })),
  /** Test VMs, their adapters on test switches and their checkpoints still there. Empty when proven. */
  leftovers: z.array(z.object({
    kind: z.enum(['test-vm', 'test-switch-attachment', 'checkpoint']),
    host: z.string(), name: z.string(), detail: z.string(),
  })),
  /** Hosts that could not be read: a cleanup is not proven while any is unread. */
  unreadable: z.array(z.object({ host: z.string(), error: z.string() })),
  text: z.string(),
});
export type CleanupProof = z.infer<typeof CleanupProofSchema>;

export const JournalChainSchema = z.object({
  /** The run journal, relative to the data folder. */
  file: z.string(),
  algorithm: z.literal('sha256'),
  /** h0 = sha256(""); h(i) = sha256(h(i-1) as hex + the bytes of line i without its newline). */
  rule: z.string(),
  records: z.number().int().nonnegative(),
  head: z.string(),
  /** h(i) for every line, so a verifier names the first line that differs. */
  links: z.array(z.string()),
});
export type JournalChain = z.infer<typeof JournalChainSchema>;

export const EvidencePackSchema = z.object({
  schema: z.literal(EVIDENCE_SCHEMA_ID),
  /** Wall clock, ISO 8601. */
  generatedAt: z.string(),
  run: z.object({
    id: z.string(), type: RunTypeSchema, status: RunStatusSchema,
    startedBy: z.string(), startedAt: z.number(), mainEndedAt: z.number().nullable(), endedAt: z.number().nullable(),
    clockStart: ClockStartSchema, resumedCount: z.number().int(), abortedBy: z.string().nullable(),
    journalDamage: z.array(z.string()),
  }),
  plan: z.object({
    id: z.string(), name: z.string(), revision: z.number().int(),
    /** sha256 of the plan file's JSON as stored at that revision; null when the store holds another revision now. */
    versionHash: z.string().nullable(),
    document: RecoveryPlanSchema.nullable(),
    rtoTargetSec: z.number(),
    steps: z.array(z.object({ group: z.number().int(), id: z.string(), label: z.string(), status: z.string(), confirmedBy: z.string().nullable(), spec: PlanStepSchema })),
  }),
  /** The VMs as the run found them at its start: where from, where to, size, tier. */
  inventoryAtStart: z.array(z.object({
    name: z.string(), vmId: z.string(), group: z.number().int(), tier: TierSchema.nullable(),
    sourceHost: z.string(), targetHost: z.string(), targetCluster: z.string(), memoryBytes: z.number(), cpuCount: z.number().int(),
  })),
  preflight: PreflightReportSchema.nullable(),
  acceptedWarnings: z.array(z.string()),
  /** The prediction made before the run, for the same plan and run type (null when none was). */
  prediction: RunPredictionSchema.nullable(),
  summary: RunSummarySchema,
  timeline: z.array(z.object({ at: z.number(), what: z.string(), vm: z.string().optional() })),
  failures: z.array(z.object({ vm: z.string().nullable(), step: z.string(), code: z.string(), message: z.string(), attempts: z.number().int(), outcome: z.string() })),
  /** at: the backend's clock, or the wall clock where the record kept only that (clock says which). */
  decisions: z.array(z.object({ at: z.number(), clock: z.enum(['backend', 'wall']), actor: z.string(), action: z.string(), target: z.string(), detail: z.string().optional() })),
  attestations: AttestationsSchema,
  cleanup: CleanupProofSchema,
  environment: z.object({
    standbyVersion: z.string(), backend: z.string(), backendKind: z.string(),
    hosts: z.array(z.string()), node: z.string(), platform: z.string(),
  }),
  integrity: z.object({
    journal: JournalChainSchema,
    /** sha256 of this document as canonical JSON with packHash set to "". */
    packHash: z.string(),
  }),
});
export type EvidencePack = z.infer<typeof EvidencePackSchema>;

export const EvidenceCheckSchema = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const EvidenceVerdictSchema = z.object({
  ok: z.boolean(),
  dir: z.string(),
  checks: z.array(EvidenceCheckSchema),
});
export type EvidenceVerdict = z.infer<typeof EvidenceVerdictSchema>;

/** The JSON Schema the pack's JSON validates against (written beside it as evidence.schema.json). */
export function evidencePackJsonSchema(): unknown {
  return z.toJSONSchema(EvidencePackSchema, { target: 'draft-2020-12' });
}
