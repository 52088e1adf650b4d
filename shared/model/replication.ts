import { z } from 'zod';
import { TierSchema } from './estate.ts';

/**
 * "Catch up tier 0 first": lower tiers' replication suspended so tier 0 has the WAN to itself,
 * resumed (by read-back) once every tier-0 VM is within its RPO, or when an operator says so.
 * 'holding': suspended, waiting for tier 0; 'resuming': resuming the held VMs; 'done': all resumed;
 * 'failed': some held VMs could not be resumed (listed in message, still held; resume again).
 */
export const CatchUpStateSchema = z.object({
  id: z.string(),
  status: z.enum(['holding', 'resuming', 'done', 'failed']),
  startedBy: z.string(),
  /** Estate clock, epoch ms. */
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  /** Who or what resumed the held tiers: an operator, or "tier 0 within RPO". */
  resumedBy: z.string().nullable(),
  /** The VMs this catch-up suspended, and so must resume: no other VM is touched. */
  held: z.array(z.object({ vmId: z.string(), vmName: z.string(), tier: z.number().int() })),
  message: z.string().nullable(),
});
export type CatchUpState = z.infer<typeof CatchUpStateSchema>;

export const ReplicationSummarySchema = z.object({
  /** Estate clock, epoch ms. */
  at: z.number(),
  protectedVms: z.number().int().nonnegative(),
  byHealth: z.object({
    Normal: z.number().int().nonnegative(),
    Warning: z.number().int().nonnegative(),
    Critical: z.number().int().nonnegative(),
    NotApplicable: z.number().int().nonnegative(),
  }),
  byTier: z.array(z.object({
    tier: TierSchema,
    protectedVms: z.number().int().nonnegative(),
    withinRpo: z.number().int().nonnegative(),
    pctWithinRpo: z.number().min(0).max(100),
    /** Bytes this tier's primaries have not shipped yet (Measure-VMReplication's PendingReplicationSize). */
    pendingBytes: z.number().nonnegative().default(0),
    /**
     * Seconds until this tier's backlog is shipped if the tiers catch up in order (tier 0 first) at
     * the WAN rate measured now; null while nothing ships (a cut link) — no estimate, not "never".
     */
    catchUpSec: z.number().nonnegative().nullable().default(null),
  })),
  worstLag: z.object({ vmId: z.string(), vmName: z.string(), lagSec: z.number() }).nullable(),
  pendingBytes: z.number().nonnegative(),
  /** Bytes the completed cycles shipped over the last simulated minute, as bits per second. */
  wanThroughputBitsPerSec: z.number().nonnegative(),
  /**
   * "Catch up tier 0 first" while it holds lower tiers, or how it last ended; null: never used. The
   * defaults read a summary from a server older than these fields (a wall during an upgrade).
   */
  catchUp: CatchUpStateSchema.nullable().default(null),
});
export type ReplicationSummary = z.infer<typeof ReplicationSummarySchema>;


/**
 * WAN throughput of the whole estate over the last hour of its clock: bytes the completed cycles
 * shipped in each bucket, as bits per second. Complete buckets only, oldest first; none from before
 * the console started.
 */
export const WanHistorySchema = z.object({
  bucketMs: z.number().int().positive(),
  points: z.array(z.object({ t: z.number(), bitsPerSec: z.number().nonnegative() })),
});
export type WanHistory = z.infer<typeof WanHistorySchema>;

export const HistoryRangeSchema = z.enum(['hour', 'day']);
export type HistoryRange = z.infer<typeof HistoryRangeSchema>;

export const HistoryPointSchema = z.object({
  /** Estate clock, epoch ms: start of the sample's bucket. */
  t: z.number(),
  /** Worst replication lag seen in the bucket (age of the last completed cycle). */
  lagSec: z.number().nonnegative(),
  pendingBytes: z.number().nonnegative(),
  /** Bytes shipped by cycles that completed in the bucket. */
  transferBytes: z.number().nonnegative(),
});
export type HistoryPoint = z.infer<typeof HistoryPointSchema>;

/** Per-VM alerts (health, rpo) and the incidents that explain many of them at once. */
export const VM_ALERT_KINDS = ['health', 'rpo'] as const;
export const INCIDENT_KINDS = ['wan-link', 'site', 'cluster', 'host'] as const;
/** About neither a VM's replication nor the estate: a plan's drill past due. */
export const OTHER_ALERT_KINDS = ['drill-overdue'] as const;
export const AlertKindSchema = z.enum([...VM_ALERT_KINDS, ...INCIDENT_KINDS, ...OTHER_ALERT_KINDS]);
export type AlertKind = z.infer<typeof AlertKindSchema>;

/** Whether a notification channel took the alert: recorded on the alert, shown beside it. */
export const DeliveryNoteSchema = z.object({
  channel: z.enum(['webhook', 'smtp']),
  outcome: z.enum(['delivered', 'failed']),
  /** Wall clock of the last attempt. */
  at: z.number(),
  attempts: z.number().int().positive(),
  /** The receiver's answer, or why it was not delivered. */
  detail: z.string(),
});
export type DeliveryNote = z.infer<typeof DeliveryNoteSchema>;

export const AlertSchema = z.object({
  id: z.string(),
  /** drill-overdue: a plan's next drill is past due (vmId is then "plan:<id>", vmName the plan's name). */
  kind: AlertKindSchema,
  severity: z.enum(['warning', 'critical']),
  /** The VM, or for an incident what failed: `wan:<from>><to>`, `site:<id>`, `cluster:<id>`, `host:<id>`. */
  vmId: z.string(),
  vmName: z.string(),
  /** The VM's tier; null on incidents. Journals from before tiers were recorded read as null. */
  tier: TierSchema.nullable().default(null),
  message: z.string(),
  /** Estate clock when raised (simulated on the lab), and the wall clock, for the record. */
  raisedAt: z.number(),
  raisedWallAt: z.number(),
  /** Estate clock when the condition ended; null while it lasts. */
  clearedAt: z.number().nullable(),
  acknowledged: z.object({ by: z.string(), at: z.number() }).nullable(),
  /** The incident that explains this VM alert (the WAN link, site, cluster or host it depends on). */
  incidentId: z.string().nullable().default(null),
  delivery: z.array(DeliveryNoteSchema).default([]),
});
export type Alert = z.infer<typeof AlertSchema>;

export function isIncident(alert: Pick<Alert, 'kind'>): boolean {
  return (INCIDENT_KINDS as readonly string[]).includes(alert.kind);
}

/** Every alert the console lists, with the number of the last change folded in. */
export const AlertListSchema = z.object({ alerts: z.array(AlertSchema), seq: z.number().int().nonnegative() });
export type AlertList = z.infer<typeof AlertListSchema>;

/**
 * The order alerts are listed in, by the core and by every window applying its changes: ongoing
 * before cleared, incidents before the VM alerts they explain, critical before warning, tier 0
 * before tier 2, then newest first. A tier-2 warning never sits above a tier-0 critical.
 */
export function compareAlerts(a: Alert, b: Alert): number {
  return rank(a) - rank(b) || b.raisedAt - a.raisedAt || b.id.localeCompare(a.id);
}

function rank(a: Alert): number {
  const ongoing = a.clearedAt === null ? 0 : 1000;
  const incident = isIncident(a) ? 0 : 100;
  const severity = a.severity === 'critical' ? 0 : 10;
  return ongoing + incident + severity + (a.tier ?? 3);
}

/**
 * What changed since the previous change: alerts raised, escalated, cleared or acknowledged, whole,
 * and ids that fell off the list (cleared alerts beyond the newest 2,000; an ongoing one never). seq goes up by one per change, so a
 * client that sees a gap knows to reload the list.
 */
export const AlertChangesSchema = z.object({ seq: z.number().int().positive(), changed: z.array(AlertSchema), removed: z.array(z.string()) });
export type AlertChanges = z.infer<typeof AlertChangesSchema>;
