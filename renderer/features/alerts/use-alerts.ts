import { useStore } from 'zustand';
import { useServices } from '../../platform/services-context.tsx';
import { alertsStoreOf, type AlertsStore, type AlertsStoreState } from './alerts-store.ts';

export function useAlertsStore(): AlertsStore {
  const { client, connection } = useServices();
  return alertsStoreOf(client, connection.onReconnect);
}

export function useAlerts<T>(selector: (state: AlertsStoreState) => T): T {
  return useStore(useAlertsStore().store, selector);
}
