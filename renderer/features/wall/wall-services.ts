import type { Transport } from '../../../shared/contract/transport.ts';
import { createServices, type Services } from '../../platform/services.ts';
import { createLivenessStore, type LivenessStore } from './liveness-store.ts';
import { readOnlyTransport } from './read-only-transport.ts';

export interface WallServices {
  services: Services;
  liveness: LivenessStore;
  dispose(): void;
}

/** The window's services over a read-only transport, and the wall's liveness watch on top of them. */
export function createWallServices(transport: Transport): WallServices {
  const services = createServices(readOnlyTransport(transport));
  const liveness = createLivenessStore(services, {
    read: () => {
      const estate = services.estate.store.getState();
      return {
        connected: services.connection.store.getState().state === 'connected',
        estateReady: estate.status === 'ready',
        clock: estate.snapshot?.clock ?? null,
      };
    },
  });
  const offReconnect = services.connection.onReconnect(() => liveness.reset());
  // Judged at once on every change of connection or estate state, not only on the next tick.
  const offConnection = services.connection.store.subscribe(() => liveness.check());
  const offEstate = services.estate.store.subscribe((s, prev) => { if (s.status !== prev.status) liveness.check(); });
  return {
    services,
    liveness,
    dispose() { offReconnect(); offConnection(); offEstate(); liveness.dispose(); services.dispose(); },
  };
}
