import { createClient, type Client } from '../../shared/contract/client.ts';
import type { Transport } from '../../shared/contract/transport.ts';
import { createConnectionStore, type ConnectionStore } from './connection-store.ts';
import { createEstateStore, type EstateStore } from './estate-store.ts';
import { createSettingsStore, type SettingsStore } from './settings-store.ts';

/** Everything the views talk to, created once per window. */
export interface Services {
  transport: Transport;
  client: Client;
  connection: ConnectionStore;
  estate: EstateStore;
  settings: SettingsStore;
}

export function createServices(transport: Transport): Services {
  let resyncEstate = () => {};
  const client = createClient(transport, (stream, error) => {
    // A malformed event means core and console disagree on the contract; say so in the devtools.
    console.error(`Standby: dropped an invalid ${stream} event: ${error.message}`);
    // A dropped patch batch leaves a gap no later batch fills: only a fresh snapshot is right.
    if (stream === 'estate.patches') resyncEstate();
  });
  const connection = createConnectionStore(transport, client);
  // At most one apply a second: the core batches every 250 ms, and on a 30,000-record estate each
  // apply copies the VM table. Each apply is also a frame (style, layout, hit test, paint) for the
  // whole window, and once a second is as fast as anyone reads a grid of changing figures.
  const estate = createEstateStore(client, { applyIntervalMs: 1000 });
  resyncEstate = () => { void estate.resync(); };
  const settings = createSettingsStore(client, {
    storage: safeLocalStorage(),
    darkQuery: typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : undefined,
  });
  estate.start();
  void settings.load();
  // Patches published while the socket was down are lost; only a fresh snapshot is trustworthy.
  connection.onReconnect(() => {
    void estate.resync();
    void settings.load();
  });
  return { transport, client, connection, estate, settings };
}

function safeLocalStorage(): Storage | undefined {
  try { return typeof localStorage === 'undefined' ? undefined : localStorage; } catch { return undefined; }
}
