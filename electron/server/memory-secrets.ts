import type { SecretPort } from '../core/ports.ts';

/**
 * Server mode keeps secrets in memory only: there is no OS keychain to protect them, and a
 * password must never be written in plain text. Credentials are entered again after a restart.
 */
export function createMemorySecrets(): SecretPort {
  const values = new Map<string, string>();
  return {
    get: async (name) => values.get(name) ?? null,
    set: async (name, value) => { values.set(name, value); },
    delete: async (name) => { values.delete(name); },
  };
}
