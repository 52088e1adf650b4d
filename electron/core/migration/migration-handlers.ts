import type { AppendIo } from '../journal/durable-append.ts';
import type { z } from 'zod';
import type { migrationChannels, migrationStreams } from '../../../shared/contract/migration-channels.ts';
import type { MigrationOperations, MigrationQueue } from '../../../shared/model/migration.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { BackendClock, HyperVBackend } from '../backends/backend-port.ts';
import type { CallContext } from '../dispatcher.ts';
import type { CorePorts } from '../ports.ts';
import type { EstateView } from './estate-view.ts';
import type { MigrationModel } from './migration-model.ts';
import { MigrationService } from './migration-service.ts';
import { OperationJournal, operationsJournalFile } from './operation-journal.ts';

type MigrationChannels = typeof migrationChannels;
export type MigrationHandlers = {
  [C in keyof MigrationChannels]: (request: z.output<MigrationChannels[C]['request']>, ctx: CallContext) => Promise<z.output<MigrationChannels[C]['response']>>;
};
type StreamName = keyof typeof migrationStreams;
type StreamEvent<S extends StreamName> = z.output<(typeof migrationStreams)[S]['event']>;

interface MigrationHandlerOptions {
  backend: HyperVBackend;
  estate: EstateView;
  ports: CorePorts;
  audit: AuditLog;
  publish<S extends StreamName>(stream: S, event: StreamEvent<S>): void;
  /** Defaults to the backend's clock (simulated on the lab). */
  clock?: BackendClock;
  model?: MigrationModel;
  pollMs?: number;
  /** Least wall time between two events of one stream (per cluster for queues). */
  publishMs?: number;
  /** The journal's writes (tests inject a disk that fills up). */
  journalIo?: AppendIo;
}

/**
 * The migration.* and hosts.* channels. Streams are throttled on the wall clock: a queue at most
 * once a second per cluster, the operations list on every change of status (coalesced).
 */
export function createMigrationHandlers(options: MigrationHandlerOptions): { handlers: MigrationHandlers; service: MigrationService; dispose(): void } {
  const { ports } = options;
  const publishMs = options.publishMs ?? 1000;
  const dirtyClusters = new Set<string>();
  let operationsDirty = false;
  let lastPublish = -Infinity;
  let timer: { cancel(): void } | null = null;
  let disposed = false;

  const flush = () => {
    timer = null;
    if (disposed) return;
    lastPublish = ports.clock.now();
    if (operationsDirty) {
      operationsDirty = false;
      const ops: MigrationOperations = service.operations();
      options.publish('migration.operations', ops);
    }
    const clusters = [...dirtyClusters];
    dirtyClusters.clear();
    for (const clusterId of clusters) {
      let queue: MigrationQueue;
      try { queue = service.queue(clusterId); } catch { continue; }
      options.publish('migration.queue', queue);
    }
  };
  const schedule = () => {
    if (timer || disposed) return;
    const wait = Math.max(0, lastPublish + publishMs - ports.clock.now());
    if (wait === 0) {
      let cancelled = false;
      timer = { cancel: () => { cancelled = true; } };
      queueMicrotask(() => { if (!cancelled) flush(); });
      return;
    }
    timer = ports.clock.setTimeout(flush, wait);
  };

  // Drains and rolling maintenances survive a killed console: journaled here, picked up below.
  const journal = new OperationJournal(operationsJournalFile(ports.dataDir), () => ports.clock.now(), ports.logger, options.journalIo);
  const service = new MigrationService({
    journal,
    backend: options.backend, estate: options.estate, audit: options.audit,
    clock: options.clock ?? options.backend.clock, wallClock: ports.clock,
    ...(options.model ? { model: options.model } : {}),
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    onChange: ({ clusterIds, operations }) => {
      for (const id of clusterIds) dirtyClusters.add(id);
      if (operations) operationsDirty = true;
      schedule();
    },
  });

  const recovered = service.recover();
  if (recovered.length > 0) ports.logger.info(`Migration operations carried on after a restart: ${recovered.join(', ')}`);

  const handlers: MigrationHandlers = {
    'migration.queue': async ({ clusterId }) => service.queue(clusterId),
    'migration.cancel': async ({ itemId }, ctx) => service.cancel(itemId, ctx.actor),
    'migration.planDrain': async ({ hostId, options: drainOptions }) => service.planDrain(hostId, drainOptions),
    'migration.startDrain': async ({ hostId, options: drainOptions, acceptQuickMigrations }, ctx) =>
      (await service.startDrain(hostId, drainOptions, ctx.actor, acceptQuickMigrations)).view(),
    'migration.pause': async ({ operationId }, ctx) => ({ status: service.setPaused(operationId, true, ctx.actor) }),
    'migration.resume': async ({ operationId }, ctx) => ({ status: service.setPaused(operationId, false, ctx.actor) }),
    'migration.abort': async ({ operationId }, ctx) => ({ status: service.abort(operationId, ctx.actor) }),
    'migration.operations': async () => service.operations(),
    'migration.planRolling': async ({ clusterId, patch, nodesAtOnce, hostIds }) => service.planRolling(clusterId, patch, hostIds, nodesAtOnce),
    'migration.startRolling': async ({ clusterId, patch, nodesAtOnce, hostIds }, ctx) => (await service.startRolling(clusterId, patch, ctx.actor, hostIds, nodesAtOnce)).view(),
    'migration.confirmPatched': async ({ operationId, hostId }, ctx) => service.confirmPatched(operationId, hostId, ctx.actor),
    'migration.carryOnRolling': async ({ operationId }, ctx) => service.carryOnRolling(operationId, ctx.actor),
    'migration.resumeHost': async ({ hostId, failback }, ctx) => service.resumeHost(hostId, failback, ctx.actor),
    'hosts.migrationSettings': async ({ clusterId }) => ({ hosts: service.migrationSettings(clusterId) }),
    'hosts.setMigrationSettings': async (change, ctx) => service.setMigrationSettings(change, ctx.actor),
  };

  return {
    handlers,
    service,
    dispose() {
      disposed = true;
      timer?.cancel();
      service.dispose();
      journal.close();
    },
  };
}
