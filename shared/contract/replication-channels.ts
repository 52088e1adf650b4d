import { z } from 'zod';
import { request, stream } from './define.ts';
import { AlertChangesSchema, AlertListSchema, CatchUpStateSchema, HistoryPointSchema, HistoryRangeSchema, ReplicationSummarySchema, WanHistorySchema } from '../model/replication.ts';

export const ReplicationActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('suspend') }),
  z.object({ action: z.literal('resume') }),
  z.object({ action: z.literal('resynchronize') }),
  /** Extended replication accepts only 300 and 900: Set-VMReplication (and the lab) refuse 30, reported per VM. */
  z.object({ action: z.literal('set-frequency'), frequencySec: z.union([z.literal(30), z.literal(300), z.literal(900)]), relationship: z.enum(['Simple', 'Extended']).default('Simple') }),
]);
export type ReplicationAction = z.infer<typeof ReplicationActionSchema>;

export const ReplicationActionResultSchema = z.object({
  vmId: z.string(),
  vmName: z.string(),
  /** done only once the state read back from the backend matches what was asked. */
  outcome: z.enum(['done', 'failed']),
  message: z.string(),
  /** Replication state and frequency as read back after the action. */
  readBack: z.object({ state: z.string(), health: z.string(), frequencySec: z.number() }).nullable(),
});

export const replicationChannels = {
  'replication.summary': request({
    access: 'read',
    summary: 'Counts by health, RPO compliance per tier, worst lag, WAN throughput — computed by the core',
    request: z.object({}),
    response: ReplicationSummarySchema,
  }),
  'replication.history': request({
    access: 'read',
    summary: "One VM's replication lag, pending bytes and transfer sizes over the last hour or day",
    request: z.object({ vmId: z.string().min(1).max(400), range: HistoryRangeSchema }),
    response: z.object({ vmId: z.string(), range: HistoryRangeSchema, points: z.array(HistoryPointSchema) }),
  }),
  'replication.wanHistory': request({
    access: 'read',
    summary: 'WAN throughput of the whole estate over the last hour, per 30-second bucket (the NOC wall draws it, then follows the summary stream)',
    request: z.object({}),
    response: WanHistorySchema,
  }),
  'replication.act': request({
    access: 'operate',
    summary: 'Suspend, resume, resynchronize or change the frequency of replication for one VM or a selection; audited, and reported done only after read-back',
    request: z.object({ vmIds: z.array(z.string().min(1).max(400)).min(1).max(10_000), change: ReplicationActionSchema }),
    response: z.object({ results: z.array(ReplicationActionResultSchema) }),
  }),
  'replication.catchUp': request({
    access: 'operate',
    summary: 'Catch up tier 0 first: suspend tiers 1 and 2 until every tier-0 VM is within RPO, then resume exactly those (start); or resume them now (resume). Audited, by read-back',
    request: z.object({ action: z.enum(['start', 'resume']) }).strict(),
    response: CatchUpStateSchema,
  }),
  'alerts.list': request({
    access: 'read',
    summary: 'Incidents and replication alerts, ongoing first, by severity then tier, including acknowledged and cleared ones',
    request: z.object({}),
    response: AlertListSchema,
  }),
  'alerts.acknowledge': request({
    access: 'operate',
    summary: 'Acknowledge alerts by id; recorded with who and when',
    request: z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(5000) }),
    response: AlertListSchema,
  }),
  'notifications.test': request({
    access: 'operate',
    summary: 'Send a test message through one notification channel as configured in settings; answers whether it was delivered',
    request: z.object({ channel: z.enum(['webhook', 'smtp']) }),
    response: z.object({ channel: z.enum(['webhook', 'smtp']), outcome: z.enum(['delivered', 'failed']), attempts: z.number().int().positive(), detail: z.string() }),
  }),
} as const;

export const replicationStreams = {
  'replication.summary': stream({ summary: 'The summary strip, at most once a second while the estate changes', event: ReplicationSummarySchema }),
  // Changes, not the list: during a WAN cut hundreds of alerts change a few times a second, and the
  // whole list (up to 2,000 alerts, ~600 KB) each time was most of the traffic.
  'alerts.changed': stream({ summary: 'Alerts raised, escalated, cleared or acknowledged since the last change (seq follows alerts.list)', event: AlertChangesSchema }),
} as const;
