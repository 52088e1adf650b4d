import { mkdir } from 'node:fs/promises';
import type { EventOf, StreamName } from '../../shared/contract/channels.ts';
import type { PatchBatch } from '../../shared/model/estate.ts';
import type { CorePorts } from './ports.ts';
import { createDispatcher, type CallContext } from './dispatcher.ts';
import { createStreamHub } from './stream-hub.ts';
import { createEstateStore } from './estate/estate-store.ts';
import { createSettingsService } from './settings/settings-service.ts';
import { createLabSource } from './backends/lab/lab-source.ts';
import { isLabControl, type LabBackend } from './backends/lab/lab-backend.ts';
import { STANDBY_VERSION } from './version.ts';
import { createReplicationMonitor } from './replication/replication-monitor.ts';
import { runReplicationAction } from './replication/replication-actions.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { auditedBackend } from './audit/audited-backend.ts';
import { createRecoveryHandlers } from './recovery/recovery-handlers.ts';
import { createMigrationHandlers } from './migration/migration-handlers.ts';
import { createConnectionsHandlers } from './connections/connections-handlers.ts';
import { createPowerShellRemoting } from './backends/powershell/powershell-remoting.ts';
import type { HyperVBackend } from './backends/backend-port.ts';
import { join } from 'node:path';
import { ContractError } from '../../shared/contract/errors.ts';

export interface Core {
  /** Validates and runs one request; throws ContractError with a message meant for the user. */
  handle(channel: string, body: unknown, ctx: CallContext): Promise<unknown>;
  subscribe<S extends StreamName>(stream: S, listener: (event: EventOf<S>) => void): () => void;
  dispose(): Promise<void>;
}

export interface CoreOptions {
  /** Replaces the default backend (the lab, from settings); tests and benchmarks use this. */
  source?: HyperVBackend;
  /** How long estate changes are batched before they go out. */
  patchBatchMs?: number;
}

export type { CallContext } from './dispatcher.ts';

/**
 * Builds the core from its ports. The backend is the PowerShell one when the Connections screen
 * chose it and a complete profile exists, otherwise the lab, seeded from settings and journaled in
 * the data folder so it survives a restart.
 */
export async function createCore(ports: CorePorts, options: CoreOptions = {}): Promise<Core> {
  await mkdir(ports.dataDir, { recursive: true });
  const hub = createStreamHub((stream, error) => ports.logger.warn(`A ${stream} subscriber failed`, { error: String(error) }));
  const settings = createSettingsService(ports.settings, ports.logger);
  const remoting = createPowerShellRemoting({ clock: ports.clock, logger: ports.logger });
  const connections = await createConnectionsHandlers({ ports, remoting, publish: (stream, event) => hub.publish(stream, event) });
  const source = options.source ?? connections.backendChoice?.() ?? createLabSource({ ...settings.get().lab, clock: ports.clock, journal: { dir: join(ports.dataDir, 'lab'), logger: ports.logger } });
  let observeBatch: (batch: PatchBatch) => void = () => {};
  const estate = createEstateStore(await source.load(), {
    clock: ports.clock,
    batchMs: options.patchBatchMs ?? 250,
    publish: (batch) => {
      observeBatch(batch);
      hub.publish('estate.patches', batch);
    },
  });
  const replication = createReplicationMonitor({
    store: estate, dataDir: ports.dataDir, clock: ports.clock, logger: ports.logger,
    onSummary: (summary) => hub.publish('replication.summary', summary),
    onAlerts: (changes) => hub.publish('alerts.changed', changes),
  });
  observeBatch = replication.observe;
  const lab = isLabControl(source) ? source : null;
  const requireLab = (): LabBackend => {
    if (!lab) throw new ContractError('invalid-state', `The lab is not the active backend (${source.info.description}).`);
    return lab;
  };
  lab?.onEvents((events) => hub.publish('lab.events', { events }));
  source.start((patches) => estate.apply(patches));
  ports.logger.info(`Core ready on ${source.info.description}`);

  // A write that fails with nobody waiting (a run's step) is logged and retried by the next flush;
  // every request flushes before it answers (settle below), so there it fails the request.
  const audit = createAuditLog(join(ports.dataDir, 'audit', 'audit.jsonl'), (error) => ports.logger.error('Audit write failed', { error: String(error) }));
  const recovery = await createRecoveryHandlers({ backend: source, estate, ports, audit, publish: (stream, event) => hub.publish(stream, event) });
  const migration = createMigrationHandlers({ backend: source, estate, ports, audit, publish: (stream, event) => hub.publish(stream, event) });

  const auditedLab = <T>(actor: string, action: string, target: string, run: () => T): T => {
    const entry = { at: ports.clock.now(), actor, action, target, context: { labTime: estate.snapshotClock().now } };
    try {
      const result = run();
      audit.append({ ...entry, result: 'ok' });
      return result;
    } catch (error) {
      audit.append({ ...entry, result: 'error', detail: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };

  const dispatch = createDispatcher({
    ...recovery.handlers,
    ...migration.handlers,
    ...connections.handlers,
    'session.info': (_request, ctx) => ({ role: ctx.role, version: STANDBY_VERSION, backend: source.info.kind }),
    'estate.snapshot': () => estate.snapshot(),
    'settings.get': () => settings.get(),
    'replication.summary': () => replication.summary(),
    'replication.history': ({ vmId, range }) => {
      const points = replication.history(vmId, range);
      if (!points) throw new ContractError('not-found', `There is no VM with id "${vmId}" in the estate.`, 'vmId');
      return { vmId, range, points };
    },
    'replication.act': async ({ vmIds, change }, ctx) => ({
      results: await runReplicationAction(auditedBackend(source, audit, { actor: ctx.actor, now: ports.clock.now, backendNow: () => estate.snapshotClock().now }), estate, vmIds, change),
    }),
    'alerts.list': () => replication.alertList(),
    'alerts.acknowledge': ({ ids }, ctx) => {
      const missing = replication.acknowledge(ids, ctx.actor);
      if (missing.length > 0) throw new ContractError('not-found', `No alert with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}; the others were acknowledged.`, 'ids');
      return replication.alertList();
    },
    'settings.update': (change, ctx) => {
      const next = settings.update(change);
      ports.logger.info('Settings changed', { actor: ctx.actor, change });
      audit.append({ at: ports.clock.now(), actor: ctx.actor, action: 'Change settings', target: Object.keys(change).join(', '), result: 'ok', detail: JSON.stringify(change) });
      audit.flush(); // the change and its record on disk before anyone hears of it
      hub.publish('settings.changed', next);
      return next;
    },
    'lab.status': () => requireLab().status(),
    // Who slowed the lab or broke a link is part of a drill's record, so these are audited too.
    'lab.setSpeed': ({ speed }, ctx) => auditedLab(ctx.actor, `Set lab speed ${speed}`, 'lab', () => requireLab().setSpeed(speed)),
    'lab.injectFault': (spec, ctx) => auditedLab(ctx.actor, `Inject lab fault ${spec.kind}`, JSON.stringify(spec), () => requireLab().injectFault(spec)),
    'lab.clearFault': ({ faultId }, ctx) => auditedLab(ctx.actor, 'Clear lab fault', faultId, () => requireLab().clearFault(faultId)),
  }, { settle: () => audit.flush() });

  return {
    handle: dispatch,
    subscribe: (stream, listener) => hub.subscribe(stream, listener),
    async dispose() {
      await recovery.dispose();
      migration.dispose();
      audit.close();
      replication.dispose();
      estate.dispose();
      await source.dispose();
      await connections.dispose();
    },
  };
}
