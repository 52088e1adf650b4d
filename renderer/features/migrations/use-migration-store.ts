import { useStore } from 'zustand';
import { useStoreOf } from '../../platform/services-context.tsx';
import { migrationStores, type MigrationStore, type MigrationStoreState } from './migration-store.ts';

/** The connection's one migration store (see platform/store-registry.ts). */
export function useMigrationStore(): MigrationStore {
  return useStoreOf(migrationStores);
}

export function useMig<T>(store: MigrationStore, selector: (s: MigrationStoreState) => T): T {
  return useStore(store.store, selector);
}
