import { describe, expect, it } from 'vitest';
import type { Client } from '../../shared/contract/client.ts';
import { ContractError } from '../../shared/contract/errors.ts';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/model/settings.ts';
import { createSettingsStore, resolveTheme } from './settings-store.ts';

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => { map.set(k, v); },
    removeItem: (k: string) => { map.delete(k); },
  };
}

function client(update: (body: unknown) => Settings | Error): Client {
  return {
    request: (async (channel: string, body: unknown) => {
      if (channel === 'settings.get') return DEFAULT_SETTINGS;
      const result = update(body);
      if (result instanceof Error) throw result;
      return result;
    }) as Client['request'],
    subscribe: (() => () => {}) as Client['subscribe'],
  };
}

describe('settings store', () => {
  it("follows the system preference for theme 'system'", async () => {
    const s = createSettingsStore(client(() => DEFAULT_SETTINGS), { darkQuery: { matches: true, addEventListener: () => {}, removeEventListener: () => {} } });
    await s.load();
    expect(resolveTheme(s.store.getState())).toBe('dark');
  });

  it('saves an operator choice in the shared settings', async () => {
    const storage = memoryStorage();
    const s = createSettingsStore(client((b) => ({ ...DEFAULT_SETTINGS, ...(b as object) })), { storage });
    await s.setTheme('dark', 'operator');
    expect(s.store.getState().settings?.theme).toBe('dark');
    expect(storage.map.size).toBe(0);
  });

  it('keeps a viewer choice in this browser and says so', async () => {
    const storage = memoryStorage();
    const s = createSettingsStore(client(() => { throw new Error('must not be called'); }), { storage });
    await s.setTheme('light', 'viewer');
    expect(resolveTheme(s.store.getState())).toBe('light');
    expect(s.store.getState().notice).toMatch(/this browser only/);
    expect(createSettingsStore(client(() => DEFAULT_SETTINGS), { storage }).store.getState().localTheme).toBe('light');
  });

  it('falls back to a local choice when the server refuses', async () => {
    const s = createSettingsStore(client(() => new ContractError('forbidden', 'viewer')), { storage: memoryStorage() });
    await s.setTheme('dark', 'operator');
    expect(resolveTheme(s.store.getState())).toBe('dark');
    expect(s.store.getState().notice).toMatch(/this browser only/);
  });
});
