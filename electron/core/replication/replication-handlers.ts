import type { replicationChannels } from '../../../shared/contract/replication-channels.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditedBackend } from '../audit/audited-backend.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import type { Handlers } from '../dispatcher.ts';
import type { EstateStore } from '../estate/estate-store.ts';
import type { CorePorts } from '../ports.ts';
import { runReplicationAction } from './replication-actions.ts';
import type { ReplicationMonitor } from './replication-monitor.ts';
import type { CatchUp } from './catch-up.ts';
import type { SettingsService } from '../settings/settings-service.ts';
import { smtpChannel, webhookChannel } from './notification-channels.ts';

type ReplicationHandlers = Pick<Handlers, keyof typeof replicationChannels>;

interface ReplicationHandlerOptions {
  /** Watches the estate store (the composition root feeds it every patch batch). */
  replication: ReplicationMonitor;
  catchUp: CatchUp;
  backend: HyperVBackend;
  estate: EstateStore;
  audit: AuditLog;
  ports: CorePorts;
  settings: SettingsService;
}

/** The replication.* and alerts.* channels: the monitor's summary, history and alerts, and audited actions. */
export function createReplicationHandlers(options: ReplicationHandlerOptions): ReplicationHandlers {
  const { replication, catchUp, backend: source, estate, audit, ports, settings } = options;
  return {
    'replication.summary': () => replication.summary(),
    'replication.history': ({ vmId, range }) => {
      const points = replication.history(vmId, range);
      if (!points) throw new ContractError('not-found', `There is no VM with id "${vmId}" in the estate.`, 'vmId');
      return { vmId, range, points };
    },
    'replication.wanHistory': () => replication.wanHistory(),
    'replication.act': async ({ vmIds, change }, ctx) => ({
      results: await runReplicationAction(auditedBackend(source, audit, { actor: ctx.actor, now: ports.clock.now, backendNow: () => estate.snapshotClock().now }), estate, vmIds, change),
    }),
    'replication.catchUp': ({ action }, ctx) => (action === 'start' ? catchUp.start(ctx.actor) : catchUp.resumeNow(ctx.actor)),
    'alerts.list': () => replication.alertList(),
    'alerts.acknowledge': ({ ids }, ctx) => {
      const missing = replication.acknowledge(ids, ctx.actor);
      if (missing.length > 0) throw new ContractError('not-found', `No alert with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''}; the others were acknowledged.`, 'ids');
      return replication.alertList();
    },
    'notifications.test': async ({ channel }, ctx) => {
      // As configured, enabled or not: the test is how one checks a channel before turning it on.
      const configured = settings.get().notifications;
      const result = await replication.testChannel(channel === 'webhook' ? webhookChannel(configured.webhook) : smtpChannel(configured.smtp));
      audit.append({ at: ports.clock.now(), actor: ctx.actor, action: 'Test notification channel', target: channel, result: result.outcome === 'delivered' ? 'ok' : 'error', detail: result.detail });
      return result;
    },
  };
}
