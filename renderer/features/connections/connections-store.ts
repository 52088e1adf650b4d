import type { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { connectionsChannels } from '../../../shared/contract/connections-channels.ts';
import { createClient } from '../../../shared/contract/client.ts';
import { ContractError, describeZodError } from '../../../shared/contract/errors.ts';
import type { Transport } from '../../../shared/contract/transport.ts';
import {
  SessionsStateEventSchema, type BackendKind, type ConnectionProfile, type ConnectionsList, type ConnectionTestResult,
  type SiteSessionState,
} from '../../../shared/model/connections.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';

type ConnectionsChannels = typeof connectionsChannels;
type ConnectionsChannel = keyof ConnectionsChannels;

/** The connections.* channels through the shared typed client, which validates both ways. */
function callConnections<C extends ConnectionsChannel>(
  transport: Transport, channel: C, payload: z.input<ConnectionsChannels[C]['request']>,
): Promise<z.output<ConnectionsChannels[C]['response']>> {
  return createClient(transport).request(channel, payload) as Promise<z.output<ConnectionsChannels[C]['response']>>;
}

export interface SiteTest {
  running: boolean;
  /** Epoch ms when the last test finished. */
  at: number | null;
  result: ConnectionTestResult | null;
  error: string | null;
}

export type ActionOutcome = { ok: true; message?: string } | { ok: false; error: string; where?: string };

export interface ConnectionsStoreState {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  list: ConnectionsList | null;
  /** Live sessions by site: from connections.list, then the sessions.state stream. */
  sessions: Record<string, SiteSessionState>;
  tests: Record<string, SiteTest>;
  /** Sites with a reconnect in flight. */
  reconnecting: Record<string, boolean>;
}

export interface ConnectionsStore {
  readonly store: StoreApi<ConnectionsStoreState>;
  load(): Promise<void>;
  save(profile: ConnectionProfile, password: string): Promise<ActionOutcome>;
  remove(siteId: string): Promise<ActionOutcome>;
  test(profile: ConnectionProfile, password: string): Promise<ConnectionTestResult | null>;
  reconnect(siteId: string): Promise<ActionOutcome>;
  setBackend(backend: BackendKind): Promise<ActionOutcome>;
  dispose(): void;
}

const bySite = (sessions: SiteSessionState[]) => Object.fromEntries(sessions.map((s) => [s.siteId, s]));

function createConnectionsStore(transport: Transport, now: () => number = Date.now): ConnectionsStore {
  const store = createStore<ConnectionsStoreState>(() => ({ status: 'loading', error: null, list: null, sessions: {}, tests: {}, reconnecting: {} }));
  const off = transport.subscribe('sessions.state', (raw) => {
    const parsed = SessionsStateEventSchema.safeParse(raw);
    if (parsed.success) store.setState((s) => ({ sessions: { ...s.sessions, ...bySite(parsed.data.sessions) } }));
    else console.error(`Standby: dropped an invalid sessions.state event: ${describeZodError(parsed.error).message}`);
  });
  const failure = (error: unknown): ActionOutcome => {
    const where = error instanceof ContractError ? error.where : undefined;
    const message = error instanceof ContractError ? error.message : describeError(error);
    return where === undefined ? { ok: false, error: message } : { ok: false, error: message, where };
  };

  const load = async () => {
    try {
      const list = await callConnections(transport, 'connections.list', {});
      store.setState({ status: 'ready', error: null, list, sessions: bySite(list.sessions) });
    } catch (error) {
      store.setState((s) => ({ status: s.list ? 'ready' : 'error', error: describeError(error) }));
    }
  };

  return {
    store,
    load,
    async save(profile, password) {
      try {
        const { entry, restartRequired } = await callConnections(transport, 'connections.save', password === '' ? { profile } : { profile, password });
        await load();
        const note = entry.complete ? '' : ` ${entry.problems.join(' ')}`;
        return { ok: true, message: `Saved the connection to ${entry.profile.name}.${restartRequired ? ' It takes effect when Standby restarts.' : ''}${note}` };
      } catch (error) {
        return failure(error);
      }
    },
    async remove(siteId) {
      try {
        const { restartRequired } = await callConnections(transport, 'connections.delete', { siteId });
        await load();
        return { ok: true, message: `Deleted the connection and its stored password.${restartRequired ? ' Standby keeps its live session until it restarts.' : ''}` };
      } catch (error) {
        return failure(error);
      }
    },
    async test(profile, password) {
      const siteId = profile.siteId;
      const previous = store.getState().tests[siteId];
      store.setState((s) => ({ tests: { ...s.tests, [siteId]: { running: true, at: previous?.at ?? null, result: previous?.result ?? null, error: null } } }));
      try {
        const result = await callConnections(transport, 'connections.test', password === '' ? { profile } : { profile, password });
        store.setState((s) => ({ tests: { ...s.tests, [siteId]: { running: false, at: now(), result, error: null } } }));
        return result;
      } catch (error) {
        store.setState((s) => ({ tests: { ...s.tests, [siteId]: { running: false, at: now(), result: null, error: describeError(error) } } }));
        return null;
      }
    },
    async reconnect(siteId) {
      store.setState((s) => ({ reconnecting: { ...s.reconnecting, [siteId]: true } }));
      try {
        const state = await callConnections(transport, 'connections.reconnect', { siteId });
        store.setState((s) => ({ sessions: { ...s.sessions, [siteId]: state } }));
        return { ok: true };
      } catch (error) {
        return failure(error);
      } finally {
        store.setState((s) => ({ reconnecting: { ...s.reconnecting, [siteId]: false } }));
      }
    },
    async setBackend(backend) {
      try {
        const { restartRequired } = await callConnections(transport, 'connections.setBackend', { backend });
        await load();
        return { ok: true, message: `${backend === 'powershell' ? 'PowerShell remoting' : 'The lab'} will be used${restartRequired ? ' when Standby restarts' : ''}.` };
      } catch (error) {
        return failure(error);
      }
    },
    dispose() { off(); },
  };
}

/** Made on first use of the Connections screen. */
export const connectionsStores: StoreKind<ConnectionsStore> = {
  name: 'connections', create: ({ transport }) => createConnectionsStore(transport), resync: (s) => s.load(),
};
