import { z } from 'zod';

/** A VM's protection tier: what its RPO target is (0 is the most critical). */
export const TierSchema = z.union([z.literal(0), z.literal(1), z.literal(2)]);
export type Tier = z.infer<typeof TierSchema>;

/**
 * How much data each tier may lose: the promise the replication view checks. A few replication
 * cycles of slack, because one late cycle on a busy WAN is normal and not a breach.
 */
export const RPO_TARGET_SEC_BY_TIER: Record<Tier, number> = { 0: 120, 1: 900, 2: 2700 };

export const RpoStatusSchema = z.object({
  targetSec: z.number().int().positive(),
  /** Decided by the core against the estate clock; the renderer only shows it. */
  met: z.boolean(),
  /** Estate-clock epoch ms at which the RPO is breached unless a cycle completes first. */
  breachAt: z.number().nullable(),
});
export type RpoStatus = z.infer<typeof RpoStatusSchema>;
