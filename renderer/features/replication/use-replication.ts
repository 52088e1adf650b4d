import { useStore } from 'zustand';
import { useServices } from '../../platform/services-context.tsx';
import { replicationStoreOf, type ReplicationStore, type ReplicationStoreState } from './replication-store.ts';

export function useReplicationStore(): ReplicationStore {
  const { client, connection } = useServices();
  return replicationStoreOf(client, connection.onReconnect);
}

export function useReplication<T>(selector: (state: ReplicationStoreState) => T): T {
  return useStore(useReplicationStore().store, selector);
}
