import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../../shared/contract/client.ts';
import type { DrainOperation, MigrationOperations, OperationStatus, RollingOperation } from '../../../shared/model/migration.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';

export interface OperationsState {
  /** Drains that are not part of a rolling maintenance, and rolling maintenances, still going. */
  drains: DrainOperation[];
  rolling: RollingOperation[];
  error: string | null;
}

export interface OperationsStore {
  readonly store: StoreApi<OperationsState>;
  reload(): Promise<void>;
  dispose(): void;
}

const GOING: ReadonlySet<OperationStatus> = new Set(['running', 'paused', 'waiting-operator']);

/** Only what is still going: the core lists finished operations too, and the wall has no use for them. */
export function activeOperations(operations: MigrationOperations): Pick<OperationsState, 'drains' | 'rolling'> {
  return {
    // A rolling maintenance's drains are shown as part of it.
    drains: operations.drains.filter((d) => GOING.has(d.status) && d.parentId === null),
    rolling: operations.rolling.filter((r) => GOING.has(r.status)),
  };
}

/** Drains and rolling maintenances in progress: the list once, then migration.operations. */
export function createOperationsStore(client: Client): OperationsStore {
  const store = createStore<OperationsState>(() => ({ drains: [], rolling: [], error: null }));
  let generation = 0;
  const off = client.subscribe('migration.operations', (operations) => {
    generation += 1;
    store.setState({ ...activeOperations(operations), error: null });
  });
  const reload = async () => {
    const mine = ++generation;
    try {
      const operations = await client.request('migration.operations', {});
      // A stream event that arrived while the list travelled is newer.
      if (mine === generation) store.setState({ ...activeOperations(operations), error: null });
    } catch (error) {
      if (mine === generation) store.setState({ error: `Could not load drains and maintenance: ${describeError(error)}` });
    }
  };
  void reload();
  return { store, reload, dispose: off };
}

export const operationsStores: StoreKind<OperationsStore> = {
  name: 'wall-operations', create: ({ client }) => createOperationsStore(client), resync: (s) => s.reload(),
};
