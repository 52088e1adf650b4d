import { createClient, type Client } from '../../shared/contract/client.ts';
import type { Transport } from '../../shared/contract/transport.ts';
import { createConnectionStore, type ConnectionStore } from './connection-store.ts';
import { createEstateStore, type EstateStore } from './estate-store.ts';
import { createSettingsStore, type SettingsStore } from './settings-store.ts';
import { createStoreRegistry, type StoreKind, type StoreRegistry } from './store-registry.ts';

/** Everything the views talk to, created once per window. */
export interface Services {
  transport: Transport;
  client: Client;
  connection: ConnectionStore;
  estate: EstateStore;
  settings: SettingsStore;
  /** Every other store, one of each kind, made on first use and resynced on reconnect. */
  stores: StoreRegistry;
  dispose(): void;
}

// At most one apply a second: the core batches every 250 ms, and on a 30,000-record estate each
// apply copies the VM table. Each apply is also a frame (style, layout, hit test, paint) for the
// whole window, and once a second is as fast as anyone reads a grid of changing figures.
const estateStores: StoreKind<EstateStore> = {
  name: 'estate',
  create({ client }) {
    const estate = createEstateStore(client, { applyIntervalMs: 1000 });
    estate.start();
    return estate;
  },
  resync: (estate) => estate.resync(),
};

const settingsStores: StoreKind<SettingsStore> = {
  name: 'settings',
  create({ client }) {
    const settings = createSettingsStore(client, {
      storage: safeLocalStorage(),
      darkQuery: typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined,
    });
    void settings.load();
    return settings;
  },
  resync: (settings) => settings.load(),
};

export function createServices(transport: Transport): Services {
  let resyncEstate = () => {};
  const client = createClient(transport, (stream, error) => {
    // A malformed event means core and console disagree on the contract; say so in the devtools.
    console.error(`Standby: dropped an invalid ${stream} event: ${error.message}`);
    // A dropped patch batch leaves a gap no later batch fills: only a fresh snapshot is right.
    if (stream === 'estate.patches') resyncEstate();
  });
  const connection = createConnectionStore(transport, client);
  const stores = createStoreRegistry({ transport, client });
  const estate = stores.get(estateStores);
  resyncEstate = () => { void estate.resync(); };
  const settings = stores.get(settingsStores);
  // Patches and events published while the socket was down are lost; only a fresh read is trustworthy.
  const offReconnect = connection.onReconnect(() => stores.resync());
  return {
    transport, client, connection, estate, settings, stores,
    dispose() { offReconnect(); stores.dispose(); connection.dispose(); },
  };
}

function safeLocalStorage(): Storage | undefined {
  try { return typeof localStorage === 'undefined' ? undefined : localStorage; } catch { return undefined; }
}
