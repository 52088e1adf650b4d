import { z } from 'zod';
import { request, stream } from './define.ts';
import {
  DrainOperationSchema, DrainOptionsSchema, DrainPlanSchema, HostMigrationSettingsSchema, HostSettingsChangeSchema,
  MigrationItemSchema, MigrationOperationsSchema, NodesAtOnceSchema, MigrationQueueSchema, PatchStepSchema, RollingOperationSchema, RollingPlanSchema,
} from '../model/migration.ts';

const Id = z.string().min(1).max(400);

/** Live-migration queues, host migration settings, drains and rolling maintenance; spread into `channels`. */
export const migrationChannels = {
  'migration.queue': request({
    access: 'read',
    summary: "A cluster's migration queue: queued, running (bytes, speed, ETA), finished and failed; per-host lanes; throughput",
    request: z.object({ clusterId: Id }),
    response: MigrationQueueSchema,
  }),
  'migration.cancel': request({
    access: 'operate',
    summary: 'Cancel a migration that is still queued in the console (not yet handed to the host)',
    request: z.object({ itemId: Id }),
    response: MigrationItemSchema,
  }),
  'migration.planDrain': request({
    access: 'read',
    summary: 'Plan the drain of a node: a destination and an order for every VM, predicted duration, quick-migration warnings',
    request: z.object({ hostId: Id, options: DrainOptionsSchema.default({ liveMigrateLowPriority: true, avoidHostIds: [] }) }),
    response: DrainPlanSchema,
  }),
  'migration.startDrain': request({
    access: 'operate',
    summary: 'Pause the node and live-migrate its VMs as planned (re-planned now); audited',
    request: z.object({
      hostId: Id,
      options: DrainOptionsSchema.default({ liveMigrateLowPriority: true, avoidHostIds: [] }),
      /** Required true when the plan quick-migrates VMs (liveMigrateLowPriority false). */
      acceptQuickMigrations: z.boolean().default(false),
    }),
    response: DrainOperationSchema,
  }),
  'migration.pause': request({
    access: 'operate',
    summary: 'Pause a drain or rolling maintenance: running migrations finish, nothing new starts',
    request: z.object({ operationId: Id }),
    response: z.object({ status: z.string() }),
  }),
  'migration.resume': request({
    access: 'operate',
    summary: 'Resume a paused drain or rolling maintenance',
    request: z.object({ operationId: Id }),
    response: z.object({ status: z.string() }),
  }),
  'migration.abort': request({
    access: 'operate',
    summary: 'Stop a drain or rolling maintenance: queued migrations are cancelled, running ones finish; the node stays paused',
    request: z.object({ operationId: Id }),
    response: z.object({ status: z.string() }),
  }),
  'migration.operations': request({
    access: 'read',
    summary: 'Drains and rolling maintenances, running and finished (they continue while no console is connected)',
    request: z.object({}),
    response: MigrationOperationsSchema,
  }),
  'migration.planRolling': request({
    access: 'read',
    summary: 'Plan rolling maintenance of a cluster: node order, predicted drain per node and in total',
    request: z.object({ clusterId: Id, patch: PatchStepSchema.default({ kind: 'operator' }), nodesAtOnce: NodesAtOnceSchema, hostIds: z.array(Id).max(200).optional() }),
    response: RollingPlanSchema,
  }),
  'migration.startRolling': request({
    access: 'operate',
    summary: 'Rolling maintenance: drain a node, patch it (operator or scripted step), resume with failback, next node; audited',
    request: z.object({ clusterId: Id, patch: PatchStepSchema.default({ kind: 'operator' }), nodesAtOnce: NodesAtOnceSchema, hostIds: z.array(Id).max(200).optional() }),
    response: RollingOperationSchema,
  }),
  'migration.confirmPatched': request({
    access: 'operate',
    summary: 'Tell a rolling maintenance that the node it waits on is patched',
    request: z.object({ operationId: Id, hostId: Id }),
    response: RollingOperationSchema,
  }),
  'migration.carryOnRolling': request({
    access: 'operate',
    summary: 'Carry a failed or stopped rolling maintenance on from where it stopped: nodes done are not redone; audited',
    request: z.object({ operationId: Id }),
    response: RollingOperationSchema,
  }),
  'migration.resumeHost': request({
    access: 'operate',
    summary: 'Resume-ClusterNode on a node a drain left paused, and (failback: true) live-migrate the VMs the drain moved back to it; audited',
    request: z.object({ hostId: Id, failback: z.boolean().default(true) }),
    response: z.object({ hostId: z.string(), state: z.string(), failingBack: z.number().int().nonnegative(), operationId: z.string().nullable() }),
  }),
  'hosts.migrationSettings': request({
    access: 'read',
    summary: 'Migration settings of every node of a cluster: concurrent migrations, performance option',
    request: z.object({ clusterId: Id }),
    response: z.object({ hosts: z.array(HostMigrationSettingsSchema) }),
  }),
  'hosts.setMigrationSettings': request({
    access: 'operate',
    summary: 'Set-VMHost: maximum concurrent live migrations and TCP/IP / Compression / SMB; audited and read back',
    request: HostSettingsChangeSchema,
    response: HostMigrationSettingsSchema,
  }),
} as const;

export const migrationStreams = {
  'migration.queue': stream({
    summary: "A cluster's migration queue, at most once a second while migrations run",
    event: MigrationQueueSchema,
  }),
  'migration.operations': stream({
    summary: 'Drains and rolling maintenances after any change of status',
    event: MigrationOperationsSchema,
  }),
} as const;
