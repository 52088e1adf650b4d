import { mkdir } from 'node:fs/promises';
import type { EventOf, StreamName } from '../../shared/contract/channels.ts';
import type { PatchBatch } from '../../shared/model/estate.ts';
import type { CorePorts } from './ports.ts';
import { createDispatcher, type CallContext } from './dispatcher.ts';
import { createStreamHub } from './stream-hub.ts';
import { createEstateStore } from './estate/estate-store.ts';
import { createSettingsService } from './settings/settings-service.ts';
import { createLabSource } from './backends/lab/lab-source.ts';
import { isLabControl } from './backends/lab/lab-backend.ts';
import { createLabRehearsal } from './backends/lab/lab-rehearsal.ts';
import { STANDBY_VERSION } from './version.ts';
import { createReplicationMonitor } from './replication/replication-monitor.ts';
import { createReplicationHandlers } from './replication/replication-handlers.ts';
import { createCatchUp, type CatchUp } from './replication/catch-up.ts';
import { channelsFrom } from './replication/notification-channels.ts';
import { createAuditLog } from './audit/audit-log.ts';
import { createRecoveryHandlers } from './recovery/recovery-handlers.ts';
import { createMigrationHandlers } from './migration/migration-handlers.ts';
import { createConnectionsHandlers } from './connections/connections-handlers.ts';
import { createPowerShellRemoting } from './backends/powershell/powershell-remoting.ts';
import { createLabHandlers } from './lab-control/lab-handlers.ts';
import { createSettingsHandlers } from './settings/settings-handlers.ts';
import type { HyperVBackend } from './backends/backend-port.ts';
import { join } from 'node:path';
import { listDataProblems } from './journal/quarantine.ts';

export interface Core {
  /** Validates and runs one request; throws ContractError with a message meant for the user. */
  handle(channel: string, body: unknown, ctx: CallContext): Promise<unknown>;
  subscribe<S extends StreamName>(stream: S, listener: (event: EventOf<S>) => void): () => void;
  dispose(): Promise<void>;
}

export interface CoreOptions {
  /** Replaces the default backend (the lab, from settings); tests and benchmarks use this. */
  source?: HyperVBackend;
  /** lab: the lab even when Connections chose PowerShell (a headless drill asked for it). */
  backend?: 'lab' | 'powershell';
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
  const source = options.source ?? (options.backend === 'lab' ? null : connections.backendChoice?.()) ?? createLabSource({ ...settings.get().lab, clock: ports.clock, journal: { dir: join(ports.dataDir, 'lab'), logger: ports.logger } });
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
    channels: () => channelsFrom(settings.get().notifications),
    catchUp: () => catchUp?.state() ?? null,
  });
  let catchUp: CatchUp | null = null;
  observeBatch = replication.observe;
  const lab = isLabControl(source) ? source : null;
  lab?.onEvents((events) => hub.publish('lab.events', { events }));
  source.start((patches) => estate.apply(patches));
  ports.logger.info(`Core ready on ${source.info.description}`);

  // A write that fails with nobody waiting (a run's step) is logged and retried by the next flush;
  // every request flushes before it answers (settle below), so there it fails the request.
  const audit = createAuditLog(join(ports.dataDir, 'audit', 'audit.jsonl'), (error) => ports.logger.error('Audit write failed', { error: String(error) }), ports.logger);
  const recovery = await createRecoveryHandlers({
    backend: source, estate, ports, audit, publish: (stream, event) => hub.publish(stream, event),
    rehearse: (options) => createLabRehearsal(options, ports.clock), backendIsLab: lab !== null,
    liveFaults: () => lab?.status().faults.map((f) => f.description) ?? [],
    drillAlerts: (plan, alert) => replication.setExternalAlert(plan, 'drill-overdue', alert),
  });
  catchUp = createCatchUp({
    dataDir: ports.dataDir, backend: source, estate, audit, clock: ports.clock, logger: ports.logger,
    onChange: () => hub.publish('replication.summary', replication.summary()),
  });
  void catchUp.recover().catch((error: unknown) => ports.logger.error('The catch-up left in flight could not be finished', { error: String(error) }));
  const liveCatchUp = catchUp;
  // The disaster clock also reads host states from the estate: backends without node events date losses by it.
  observeBatch = (batch) => { replication.observe(batch); recovery.service.outages.observeEstate(batch); liveCatchUp.observe(); };
  const migration = createMigrationHandlers({ backend: source, estate, ports, audit, publish: (stream, event) => hub.publish(stream, event) });

  const dispatch = createDispatcher({
    ...recovery.handlers,
    ...migration.handlers,
    ...connections.handlers,
    ...createReplicationHandlers({ replication, catchUp: liveCatchUp, backend: source, estate, audit, ports, settings }),
    ...createSettingsHandlers({ settings, ports, audit, publish: (stream, event) => hub.publish(stream, event) }),
    ...createLabHandlers({ lab, backend: source, backendNow: () => estate.snapshotClock().now, ports, audit }),
    'session.info': (_request, ctx) => ({ role: ctx.role, actor: ctx.actor, version: STANDBY_VERSION, backend: source.info.kind, dataProblems: listDataProblems(ports.dataDir) }),
    'estate.snapshot': () => estate.snapshot(),
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
