import { useStore } from 'zustand';
import type { Services } from '../../platform/services.ts';
import { useConnection, useServices } from '../../platform/services-context.tsx';
import { createPlansStore, type PlansState, type PlansStore } from './plans-store.ts';
import { createRecoveryStore, type RecoveryState, type RecoveryStore } from './recovery-store.ts';

interface RecoveryServices { recovery: RecoveryStore; plans: PlansStore }
const created = new WeakMap<Services, RecoveryServices>();

/**
 * The recovery and plans stores, made the first time a failover view needs them and kept for the
 * window's life: a run keeps being followed when the operator looks at another view.
 */
export function recoveryServicesOf(services: Services): RecoveryServices {
  let found = created.get(services);
  if (!found) {
    // Enough for 600 VMs at lab speed 'max': at most five renders a second from the event stream.
    const recovery = createRecoveryStore(services.client, { applyIntervalMs: 200 });
    const plans = createPlansStore(services.client);
    recovery.start();
    void plans.load();
    services.connection.onReconnect(() => { void recovery.resync(); void plans.load(); });
    found = { recovery, plans };
    created.set(services, found);
  }
  return found;
}

export function useRecoveryServices(): RecoveryServices {
  return recoveryServicesOf(useServices());
}

export function useRecovery<T>(selector: (state: RecoveryState) => T): T {
  return useStore(useRecoveryServices().recovery.store, selector);
}

export function usePlans<T>(selector: (state: PlansState) => T): T {
  return useStore(useRecoveryServices().plans.store, selector);
}

/** Viewer connections watch; the server refuses their actions, and the UI says so before they try. */
export function useIsViewer(): boolean {
  return useConnection((s) => s.session?.role === 'viewer');
}

export const VIEWER_NOTE = 'Read-only (viewer) connection: you can watch, but the server refuses any action. An operator must act.';
