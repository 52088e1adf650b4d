import { useStore } from 'zustand';
import { useStoreOf } from '../../platform/services-context.tsx';
import { plansStores, type PlansState, type PlansStore } from './plans-store.ts';
import { recoveryStores, type RecoveryState, type RecoveryStore } from './recovery-store.ts';

/**
 * The recovery and plans stores, made the first time a failover view needs them and kept for the
 * window's life: a run keeps being followed when the operator looks at another view.
 */
export function useRecoveryServices(): { recovery: RecoveryStore; plans: PlansStore } {
  return { recovery: useStoreOf(recoveryStores), plans: useStoreOf(plansStores) };
}

export function useRecovery<T>(selector: (state: RecoveryState) => T): T {
  return useStore(useRecoveryServices().recovery.store, selector);
}

export function usePlans<T>(selector: (state: PlansState) => T): T {
  return useStore(useRecoveryServices().plans.store, selector);
}
