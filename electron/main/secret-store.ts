import type { SecretPort } from '../core/ports.ts';

/** The part of Electron's safeStorage this port uses. */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only; 'basic_text' means a hard-coded key, which is plain text in all but name. */
  getSelectedStorageBackend?(): string;
}

/** The part of electron-store this port uses (a store opened with dot notation off). */
export interface KeyValueStore {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  has(key: string): boolean;
}

export const NO_ENCRYPTION_MESSAGE =
  'Standby cannot store credentials on this computer because operating-system encryption (safeStorage) is not available; '
  + 'it will not write them in plain text. On Linux, install and unlock a keyring (GNOME Keyring or KWallet).';

/**
 * SecretPort on safeStorage (DPAPI on Windows) with base64 ciphertext kept in its own electron-store
 * file, so a settings export or a support bundle never carries secrets, even encrypted ones.
 */
export function createSecretStore(encryptor: Encryptor, store: KeyValueStore): SecretPort {
  const requireEncryption = () => {
    const backend = encryptor.getSelectedStorageBackend?.();
    if (!encryptor.isEncryptionAvailable() || backend === 'basic_text') throw new Error(NO_ENCRYPTION_MESSAGE);
  };
  return {
    async get(name) {
      const stored = store.get(name);
      if (typeof stored !== 'string') return null;
      requireEncryption();
      return encryptor.decryptString(Buffer.from(stored, 'base64'));
    },
    async set(name, value) {
      requireEncryption();
      store.set(name, encryptor.encryptString(value).toString('base64'));
    },
    async delete(name) {
      // Deleting needs no key: a user must be able to remove a credential even when the keyring is gone.
      if (store.has(name)) store.delete(name);
    },
  };
}
