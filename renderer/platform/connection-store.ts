import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../shared/contract/client.ts';
import type { ResponseOf } from '../../shared/contract/channels.ts';
import type { ConnectionState, Transport } from '../../shared/contract/transport.ts';
import { describeError } from './describe-error.ts';

export type SessionInfo = ResponseOf<'session.info'>;

export interface ConnectionStoreState {
  transportKind: Transport['kind'];
  state: ConnectionState;
  detail: string | null;
  session: SessionInfo | null;
  sessionError: string | null;
  /** How many times the connection came back after a drop; views may use it as a key. */
  reconnects: number;
}

export interface ConnectionStore {
  readonly store: StoreApi<ConnectionStoreState>;
  /** Called after every reconnect (not the first connect). */
  onReconnect(listener: () => void): () => void;
  dispose(): void;
}

export function createConnectionStore(transport: Transport, client: Client): ConnectionStore {
  const store = createStore<ConnectionStoreState>(() => ({
    transportKind: transport.kind, state: 'connecting', detail: null, session: null, sessionError: null, reconnects: 0,
  }));
  const reconnectListeners = new Set<() => void>();
  let wasConnected = false;
  let lost = false;

  const loadSession = async () => {
    try {
      const session = await client.request('session.info', {});
      store.setState({ session, sessionError: null });
    } catch (error) {
      store.setState({ sessionError: describeError(error) });
    }
  };

  const off = transport.onStateChange((state, detail) => {
    store.setState({ state, detail: detail ?? null });
    if (state === 'connected') {
      void loadSession();
      if (wasConnected && lost) {
        store.setState((s) => ({ reconnects: s.reconnects + 1 }));
        for (const listener of [...reconnectListeners]) listener();
      }
      wasConnected = true;
      lost = false;
    } else if (wasConnected) {
      lost = true;
    }
  });

  return {
    store,
    onReconnect(listener) {
      reconnectListeners.add(listener);
      return () => { reconnectListeners.delete(listener); };
    },
    dispose() { off(); reconnectListeners.clear(); },
  };
}
