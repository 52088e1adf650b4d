import type { Client } from '../../shared/contract/client.ts';
import type { Transport } from '../../shared/contract/transport.ts';

/** What every store is made from: the window's one connection to the core. */
export interface StoreContext {
  readonly transport: Transport;
  readonly client: Client;
}

/**
 * One kind of store: how to make it, and how to bring it back in step after a reconnect (events
 * published while the link was down are lost, so a store that is not resynced stays stale).
 * Declared once, beside the store, by the feature that owns it.
 */
export interface StoreKind<S extends object> {
  readonly name: string;
  create(context: StoreContext): S;
  resync(store: S): unknown;
}

export interface StoreRegistry {
  /** The connection's one store of this kind, made on first use and kept for the window's life. */
  get<S extends object>(kind: StoreKind<S>): S;
  /** Resyncs every store made so far, in the order they were made. */
  resync(): void;
  dispose(): void;
}

/** The one store lifecycle: created once per connection, resynced on every reconnect. */
export function createStoreRegistry(context: StoreContext): StoreRegistry {
  const made = new Map<object, { store: object; resync(): unknown }>();
  return {
    get<S extends object>(kind: StoreKind<S>): S {
      let entry = made.get(kind);
      if (!entry) {
        const store = kind.create(context);
        entry = { store, resync: () => kind.resync(store) };
        made.set(kind, entry);
      }
      return entry.store as S;
    },
    resync() {
      for (const entry of made.values()) void entry.resync();
    },
    dispose() {
      for (const { store } of made.values()) (store as { dispose?(): void }).dispose?.();
      made.clear();
    },
  };
}
