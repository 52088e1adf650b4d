import { useStore } from 'zustand';
import { useStoreOf } from '../../platform/services-context.tsx';
import { labStores, type LabStore, type LabStoreState } from './lab-store.ts';

export function useLabStore(): LabStore {
  return useStoreOf(labStores);
}

export function useLab<T>(selector: (state: LabStoreState) => T): T {
  return useStore(useLabStore().store, selector);
}
