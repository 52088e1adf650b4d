import { describe, expect, it } from 'vitest';
import type { Client } from '../../shared/contract/client.ts';
import type { Transport } from '../../shared/contract/transport.ts';
import { createStoreRegistry, type StoreKind } from './store-registry.ts';

const context = { transport: {} as Transport, client: {} as Client };

function counting(name: string, log: string[]): StoreKind<{ n: number; dispose(): void }> {
  return {
    name,
    create: () => { log.push(`create ${name}`); return { n: 0, dispose: () => log.push(`dispose ${name}`) }; },
    resync: (store) => { store.n += 1; log.push(`resync ${name}`); },
  };
}

describe('store registry', () => {
  it('makes one store per kind, on first use, and resyncs each made store in the order made', () => {
    const log: string[] = [];
    const registry = createStoreRegistry(context);
    const a = counting('a', log);
    const b = counting('b', log);
    const unused = counting('unused', log);
    expect(registry.get(b)).toBe(registry.get(b));
    registry.get(a);
    registry.resync();
    expect(registry.get(a).n).toBe(1);
    registry.dispose();
    expect(log).toEqual(['create b', 'create a', 'resync b', 'resync a', 'dispose b', 'dispose a']);
    expect(log.some((l) => l.includes(unused.name))).toBe(false);
  });
});
