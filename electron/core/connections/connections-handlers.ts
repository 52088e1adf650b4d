import type { z } from 'zod';
import type { connectionsChannels, connectionsStreams } from '../../../shared/contract/connections-channels.ts';
import type { SessionsStateEvent } from '../../../shared/model/connections.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import type { CallContext } from '../dispatcher.ts';
import type { CorePorts } from '../ports.ts';
import { ConnectionsService, type ConnectionsServiceOptions } from './connections-service.ts';

type ConnectionsChannels = typeof connectionsChannels;
type ConnectionsHandlers = {
  [C in keyof ConnectionsChannels]: (request: z.output<ConnectionsChannels[C]['request']>, ctx: CallContext) => Promise<z.output<ConnectionsChannels[C]['response']>>;
};
type StreamName = keyof typeof connectionsStreams;

interface ConnectionsHandlerOptions extends Partial<Omit<ConnectionsServiceOptions, 'ports' | 'onSessions'>> {
  ports: CorePorts;
  publish(stream: StreamName, event: SessionsStateEvent): void;
}

export interface ConnectionsModule {
  handlers: ConnectionsHandlers;
  /**
   * Present when settings (or the Connections screen) chose PowerShell and a complete profile exists:
   * call it to build the PowerShell backend instead of the lab. Absent: the lab stays.
   */
  backendChoice?: () => HyperVBackend;
  service: ConnectionsService;
  dispose(): Promise<void>;
}

/** The connections.* channels and the sessions.state stream. Reads the profiles before answering. */
export async function createConnectionsHandlers(options: ConnectionsHandlerOptions): Promise<ConnectionsModule> {
  const { ports, publish, ...rest } = options;
  const service = new ConnectionsService({ ...rest, ports, onSessions: (sessions) => publish('sessions.state', { sessions }) });
  await service.init();
  const handlers: ConnectionsHandlers = {
    'connections.list': async () => service.list(),
    'connections.save': (request, ctx) => service.save(request, ctx.actor),
    'connections.delete': ({ siteId }, ctx) => service.delete(siteId, ctx.actor),
    'connections.test': (request, ctx) => service.test(request, ctx.actor),
    'connections.reconnect': ({ siteId }, ctx) => service.reconnect(siteId, ctx.actor),
    'connections.setBackend': ({ backend }, ctx) => service.setBackend(backend, ctx.actor),
  };
  const backendChoice = service.backendChoice();
  return {
    handlers,
    ...(backendChoice ? { backendChoice } : {}),
    service,
    dispose: () => service.dispose(),
  };
}
