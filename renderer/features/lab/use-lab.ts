import { useStore } from 'zustand';
import { useServices } from '../../platform/services-context.tsx';
import { labStoreOf, type LabStore, type LabStoreState } from './lab-store.ts';

export function useLabStore(): LabStore {
  const { client, connection } = useServices();
  return labStoreOf(client, connection.onReconnect);
}

export function useLab<T>(selector: (state: LabStoreState) => T): T {
  return useStore(useLabStore().store, selector);
}
