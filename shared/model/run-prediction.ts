import { z } from 'zod';
import { FailoverTargetSchema, RunTypeSchema } from './recovery-run.ts';
import { TierSchema } from './rpo.ts';

/**
 * What a run of a plan is expected to achieve, from running the plan on a copy of the estate as it
 * is now (the lab seeded with the live inventory), before anything real is touched.
 */
export const BottleneckSchema = z.object({
  /** storage: a DR cluster's boot slots; host: a DR host's; vm: one VM's own boot and start; steps: the plan's waits and scripts. */
  kind: z.enum(['storage', 'host', 'vm', 'steps']),
  /** The cluster, host or VM it names. */
  name: z.string(),
  /** In words: "DR cluster CL-DR1 storage boot slots (16 at once) in Tier 1 — business". */
  text: z.string(),
});
export type Bottleneck = z.infer<typeof BottleneckSchema>;

export const CalibrationSchema = z.object({
  /** VMs whose boot and application start come from an earlier run's measurement. */
  measuredVms: z.number().int().nonnegative(),
  /** VMs never booted by a run: the duration model's defaults. */
  defaultVms: z.number().int().nonnegative(),
  /** The runs the measurements come from, newest first. */
  runs: z.array(z.string()),
  /** Measured ÷ model, median over the measured VMs (1 when none). */
  medianFactor: z.number(),
  text: z.string(),
});
export type Calibration = z.infer<typeof CalibrationSchema>;

export const RunPredictionSchema = z.object({
  planId: z.string(),
  planName: z.string(),
  planRevision: z.number().int(),
  type: RunTypeSchema,
  target: FailoverTargetSchema.optional(),
  /** Wall clock, epoch ms. */
  predictedAt: z.number(),
  /** The estate the copy was seeded with: its backend, and its clock when read. */
  backend: z.string(),
  estateAt: z.number(),
  vmCount: z.number().int().nonnegative(),
  rtoTargetSec: z.number(),
  /** Clock start → last VM healthy in the copy; null when the copy did not bring every VM back. */
  rtoSec: z.number().nullable(),
  /** Present when faults or unknowns dominate: the point would be a false promise. highSec null: no upper bound. */
  range: z.object({ lowSec: z.number(), highSec: z.number().nullable(), why: z.string() }).nullable(),
  verdict: z.enum(['met', 'missed', 'unknown']),
  tiers: z.array(z.object({ tier: TierSchema, vmCount: z.number().int(), rtoSec: z.number().nullable() })),
  groups: z.array(z.object({ index: z.number().int(), name: z.string(), rtoSec: z.number().nullable(), durationSec: z.number().nullable() })),
  /** Per group, the VM that came back last: each group starts when the one before it is done. */
  criticalPath: z.array(z.object({ group: z.number().int(), vm: z.string(), host: z.string(), cluster: z.string(), healthySec: z.number() })),
  bottleneck: BottleneckSchema.nullable(),
  calibration: CalibrationSchema,
  /** Things the copy could not know (manual steps counted as instant, VMs that failed in the copy). */
  notes: z.array(z.string()),
  /** How long the prediction took, wall ms. */
  wallMs: z.number(),
});
export type RunPrediction = z.infer<typeof RunPredictionSchema>;
