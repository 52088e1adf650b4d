import { mkdir } from 'node:fs/promises';
import type { EventOf, StreamName } from '../../shared/contract/channels.ts';
import type { PatchBatch } from '../../shared/model/estate.ts';
import type { CorePorts } from './ports.ts';
import { createDispatcher, type CallContext } from './dispatcher.ts';
import { createStreamHub } from './stream-hub.ts';
import { createEstateStore } from './estate/estate-store.ts';
import { createSettingsService } from './settings/settings-service.ts';
import type { EstateSource } from './backends/estate-source.ts';
import { createLabSource } from './backends/lab/lab-source.ts';
import { STANDBY_VERSION } from './version.ts';
import { createReplicationMonitor } from './replication/replication-monitor.ts';
import { ContractError } from '../../shared/contract/errors.ts';

export interface Core {
  /** Validates and runs one request; throws ContractError with a message meant for the user. */
  handle(channel: string, body: unknown, ctx: CallContext): Promise<unknown>;
  subscribe<S extends StreamName>(stream: S, listener: (event: EventOf<S>) => void): () => void;
  dispose(): Promise<void>;
}

export interface CoreOptions {
  /** Replaces the default backend (the lab, from settings); tests and benchmarks use this. */
  source?: EstateSource;
  /** How long estate changes are batched before they go out. */
  patchBatchMs?: number;
}

export type { CallContext } from './dispatcher.ts';

/**
 * Builds the core from its ports. No clusters are configured yet, so the backend is the lab,
 * seeded from settings; the PowerShell backend will be chosen here once connections exist.
 */
export async function createCore(ports: CorePorts, options: CoreOptions = {}): Promise<Core> {
  await mkdir(ports.dataDir, { recursive: true });
  const hub = createStreamHub((stream, error) => ports.logger.warn(`A ${stream} subscriber failed`, { error: String(error) }));
  const settings = createSettingsService(ports.settings, ports.logger);
  const source = options.source ?? createLabSource({ ...settings.get().lab, clock: ports.clock });
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
    onAlerts: (alerts) => hub.publish('alerts.changed', { alerts }),
  });
  observeBatch = replication.observe;
  source.start((patches) => estate.apply(patches));
  ports.logger.info(`Core ready on ${source.info.description}`);

  const dispatch = createDispatcher({
    'session.info': (_request, ctx) => ({ role: ctx.role, version: STANDBY_VERSION, backend: source.info.kind }),
    'estate.snapshot': () => estate.snapshot(),
    'settings.get': () => settings.get(),
    'replication.summary': () => replication.summary(),
    'replication.history': ({ vmId, range }) => {
      const points = replication.history(vmId, range);
      if (!points) throw new ContractError('not-found', `There is no VM with id "${vmId}" in the estate.`, 'vmId');
      return { vmId, range, points };
    },
    'alerts.list': () => ({ alerts: replication.alerts() }),
    'alerts.acknowledge': ({ ids }, ctx) => {
      const missing = replication.acknowledge(ids, ctx.actor);
      if (missing.length > 0) throw new ContractError('not-found', `No alert with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}; the others were acknowledged.`, 'ids');
      return { alerts: replication.alerts() };
    },
    'settings.update': (change, ctx) => {
      const next = settings.update(change);
      ports.logger.info('Settings changed', { actor: ctx.actor, change });
      hub.publish('settings.changed', next);
      return next;
    },
  });

  return {
    handle: dispatch,
    subscribe: (stream, listener) => hub.subscribe(stream, listener),
    async dispose() {
      replication.dispose();
      estate.dispose();
      await source.dispose();
    },
  };
}
