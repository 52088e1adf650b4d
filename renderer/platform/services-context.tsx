import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { ConnectionStoreState } from './connection-store.ts';
import type { EstateState } from './estate-store.ts';
import type { SettingsStoreState } from './settings-store.ts';
import type { Services } from './services.ts';
import type { StoreKind } from './store-registry.ts';

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices outside <ServicesContext.Provider>');
  return services;
}

export function useEstate<T>(selector: (state: EstateState) => T): T {
  return useStore(useServices().estate.store, selector);
}
export function useConnection<T>(selector: (state: ConnectionStoreState) => T): T {
  return useStore(useServices().connection.store, selector);
}
export function useSettings<T>(selector: (state: SettingsStoreState) => T): T {
  return useStore(useServices().settings.store, selector);
}

/** The connection's store of one kind (see store-registry.ts): made on first use, resynced on reconnect. */
export function useStoreOf<S extends object>(kind: StoreKind<S>): S {
  return useServices().stores.get(kind);
}
