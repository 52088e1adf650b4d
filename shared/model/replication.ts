import { z } from 'zod';
import { TierSchema } from './estate.ts';

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
  })),
  worstLag: z.object({ vmId: z.string(), vmName: z.string(), lagSec: z.number() }).nullable(),
  pendingBytes: z.number().nonnegative(),
  /** Bytes the completed cycles shipped over the last simulated minute, as bits per second. */
  wanThroughputBitsPerSec: z.number().nonnegative(),
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

export const AlertSchema = z.object({
  id: z.string(),
  /** drill-overdue: a plan's next drill is past due (vmId is then "plan:<id>", vmName the plan's name). */
  kind: z.enum(['health', 'rpo', 'drill-overdue']),
  severity: z.enum(['warning', 'critical']),
  vmId: z.string(),
  vmName: z.string(),
  message: z.string(),
  /** Estate clock when raised (simulated on the lab), and the wall clock, for the record. */
  raisedAt: z.number(),
  raisedWallAt: z.number(),
  /** Estate clock when the condition ended; null while it lasts. */
  clearedAt: z.number().nullable(),
  acknowledged: z.object({ by: z.string(), at: z.number() }).nullable(),
});
export type Alert = z.infer<typeof AlertSchema>;

/** Every alert the console lists, with the number of the last change folded in. */
export const AlertListSchema = z.object({ alerts: z.array(AlertSchema), seq: z.number().int().nonnegative() });
export type AlertList = z.infer<typeof AlertListSchema>;

/** The order alerts are listed in, by the core and by every window applying its changes: newest first. */
export function compareAlerts(a: Alert, b: Alert): number {
  return b.raisedAt - a.raisedAt || b.id.localeCompare(a.id);
}

/**
 * What changed since the previous change: alerts raised, escalated, cleared or acknowledged, whole,
 * and ids that fell off the list (it keeps the newest 2,000). seq goes up by one per change, so a
 * client that sees a gap knows to reload the list.
 */
export const AlertChangesSchema = z.object({ seq: z.number().int().positive(), changed: z.array(AlertSchema), removed: z.array(z.string()) });
export type AlertChanges = z.infer<typeof AlertChangesSchema>;
