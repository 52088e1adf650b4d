import { useStore } from 'zustand';
import { useStoreOf } from '../../platform/services-context.tsx';
import { replicationStores, type ReplicationStore, type ReplicationStoreState } from './replication-store.ts';

export function useReplicationStore(): ReplicationStore {
  return useStoreOf(replicationStores);
}

export function useReplication<T>(selector: (state: ReplicationStoreState) => T): T {
  return useStore(useReplicationStore().store, selector);
}
