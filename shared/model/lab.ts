import { z } from 'zod';

/**
 * Controls of the lab backend: its speed, the faults an instructor (or a test) injects, and the
 * lab's event log. Only the lab has these; a PowerShell backend reports real time and real faults.
 */

/** Simulated seconds per wall second; 'max' runs as fast as the machine allows. */
export const LabSpeedSchema = z.union([
  z.literal('pause'), z.literal(1), z.literal(10), z.literal(60), z.literal(600), z.literal('max'),
]);
export type LabSpeed = z.infer<typeof LabSpeedSchema>;

export const LabLinkIdSchema = z.enum(['primary-dr', 'dr-cloud']);
export type LabLinkId = z.infer<typeof LabLinkIdSchema>;

const name = z.string().min(1).max(300);

export const LabFaultSpecSchema = z.discriminatedUnion('kind', [
  /** The node loses power; the cluster restarts its VMs on the other nodes where they fit. */
  z.object({ kind: z.literal('host-crash'), host: name }),
  /** bandwidthFactor multiplies the link's bandwidth; extraLatencyMs adds to its round trip. */
  z.object({
    kind: z.literal('wan-degradation'), link: LabLinkIdSchema,
    bandwidthFactor: z.number().gt(0).max(1), extraLatencyMs: z.number().min(0).max(60_000).default(0),
  }),
  z.object({ kind: z.literal('wan-cut'), link: LabLinkIdSchema }),
  /** Every host at the primary site goes down and the primary→DR link with it. */
  z.object({ kind: z.literal('primary-site-loss') }),
  /** The replica volumes at a site are full: cycles into it fail and replication goes to Error. */
  z.object({ kind: z.literal('replica-storage-full'), site: z.enum(['dr', 'cloud']).default('dr') }),
  /** The cluster's Hyper-V Replica Broker role is offline: it accepts no replication. */
  z.object({ kind: z.literal('replica-broker-down'), cluster: name }),
  /** start-error: Start-VM fails; no-heartbeat: it starts but the guest never answers. */
  z.object({ kind: z.literal('vm-boot-failure'), vm: name, mode: z.enum(['start-error', 'no-heartbeat']).default('no-heartbeat') }),
  /** The next `calls` backend calls (for one VM, or any) never answer and time out. */
  z.object({ kind: z.literal('backend-timeout'), vm: name.optional(), calls: z.number().int().min(1).max(1000).default(1) }),
]);
export type LabFaultSpec = z.infer<typeof LabFaultSpecSchema>;
export type LabFaultSpecInput = z.input<typeof LabFaultSpecSchema>;

export const LabFaultSchema = z.object({
  id: z.string(),
  spec: LabFaultSpecSchema,
  /** Lab clock, epoch ms. */
  injectedAt: z.number(),
  description: z.string(),
});
export type LabFault = z.infer<typeof LabFaultSchema>;

export const LabEventSchema = z.object({
  seq: z.number().int().positive(),
  /** Lab clock, epoch ms. */
  at: z.number(),
  kind: z.string(),
  severity: z.enum(['info', 'warning', 'error']),
  message: z.string(),
  vm: z.string().optional(),
  host: z.string().optional(),
});
export type LabEvent = z.infer<typeof LabEventSchema>;

export const LabLinkSchema = z.object({
  id: LabLinkIdSchema,
  name: z.string(),
  bandwidthBitsPerSec: z.number().nonnegative(),
  latencyMs: z.number().nonnegative(),
  state: z.enum(['up', 'degraded', 'down']),
  activeTransfers: z.number().int().nonnegative(),
});
export type LabLink = z.infer<typeof LabLinkSchema>;

export const LabStatusSchema = z.object({
  seed: z.number().int(),
  now: z.number(),
  speed: LabSpeedSchema,
  /** Simulation events processed since the lab started: how busy it is. */
  eventCount: z.number().int().nonnegative(),
  faults: z.array(LabFaultSchema),
  links: z.array(LabLinkSchema),
  recentEvents: z.array(LabEventSchema),
});
export type LabStatus = z.infer<typeof LabStatusSchema>;

export const LabEventBatchSchema = z.object({ events: z.array(LabEventSchema) });
export type LabEventBatch = z.infer<typeof LabEventBatchSchema>;
