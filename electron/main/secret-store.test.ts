import { describe, expect, it } from 'vitest';
import { createSecretStore, NO_ENCRYPTION_MESSAGE, type Encryptor } from './secret-store.ts';

function fakeEncryptor(options: { available?: boolean; backend?: string } = {}): Encryptor {
  return {
    isEncryptionAvailable: () => options.available ?? true,
    // Reversible but visibly not the plain text, so a test can tell ciphertext was stored.
    encryptString: (text) => Buffer.from(`enc:${[...text].reverse().join('')}`),
    decryptString: (buffer) => [...buffer.toString().replace(/^enc:/, '')].reverse().join(''),
    ...(options.backend ? { getSelectedStorageBackend: () => options.backend! } : {}),
  };
}

function mapStore() {
  const map = new Map<string, unknown>();
  return {
    map,
    get: (key: string) => map.get(key),
    set: (key: string, value: unknown) => { map.set(key, value); },
    delete: (key: string) => { map.delete(key); },
    has: (key: string) => map.has(key),
  };
}

describe('secret store', () => {
  it('stores base64 ciphertext, never the secret, and reads it back', async () => {
    const store = mapStore();
    const secrets = createSecretStore(fakeEncryptor(), store);
    await secrets.set('site.dc1.password', 'Pa55word!');
    const stored = store.map.get('site.dc1.password') as string;
    expect(stored).not.toContain('Pa55word!');
    expect(Buffer.from(stored, 'base64').toString()).toBe('enc:!drow55aP');
    expect(await secrets.get('site.dc1.password')).toBe('Pa55word!');
    expect(await secrets.get('missing')).toBeNull();
  });

  it('refuses to store anything when OS encryption is unavailable', async () => {
    const store = mapStore();
    const secrets = createSecretStore(fakeEncryptor({ available: false }), store);
    await expect(secrets.set('k', 'v')).rejects.toThrow(NO_ENCRYPTION_MESSAGE);
    expect(store.map.size).toBe(0);
  });

  it("refuses Linux's basic_text backend, which is plain text with a fixed key", async () => {
    const store = mapStore();
    await expect(createSecretStore(fakeEncryptor({ backend: 'basic_text' }), store).set('k', 'v')).rejects.toThrow(/will not write them in plain text/);
    expect(store.map.size).toBe(0);
  });

  it('deletes a secret even without encryption', async () => {
    const store = mapStore();
    await createSecretStore(fakeEncryptor(), store).set('k', 'v');
    await createSecretStore(fakeEncryptor({ available: false }), store).delete('k');
    expect(store.map.has('k')).toBe(false);
  });
});
