import { z } from 'zod';
import { request, stream } from './define.ts';
import { AlertSchema, HistoryPointSchema, HistoryRangeSchema, ReplicationSummarySchema } from '../model/replication.ts';

const AlertListSchema = z.object({ alerts: z.array(AlertSchema) });

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
  'alerts.list': request({
    access: 'read',
    summary: 'Replication alerts, newest first, including acknowledged and cleared ones',
    request: z.object({}),
    response: AlertListSchema,
  }),
  'alerts.acknowledge': request({
    access: 'operate',
    summary: 'Acknowledge alerts by id; recorded with who and when',
    request: z.object({ ids: z.array(z.string().min(1).max(100)).min(1).max(5000) }),
    response: AlertListSchema,
  }),
} as const;

export const replicationStreams = {
  'replication.summary': stream({ summary: 'The summary strip, at most once a second while the estate changes', event: ReplicationSummarySchema }),
  'alerts.changed': stream({ summary: 'The alert list after any alert was raised, escalated, cleared or acknowledged', event: AlertListSchema }),
} as const;
