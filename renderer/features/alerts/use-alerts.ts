import { useStore } from 'zustand';
import { useStoreOf } from '../../platform/services-context.tsx';
import { alertsStores, type AlertsStore, type AlertsStoreState } from './alerts-store.ts';

export function useAlertsStore(): AlertsStore {
  return useStoreOf(alertsStores);
}

export function useAlerts<T>(selector: (state: AlertsStoreState) => T): T {
  return useStore(useAlertsStore().store, selector);
}
