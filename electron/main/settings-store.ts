import type { LoggerPort, SettingsPort } from '../core/ports.ts';
import { keepUnusableStoreFileAside } from './store-file.ts';

/** The part of electron-store (and of conf, which it extends) this port uses. */
export interface JsonFileStore {
  store: Record<string, unknown>;
}

export interface SettingsStoreOptions {
  /** Folder the store writes `settings.json` into (electron-store's `cwd`; userData in the app). */
  dir: string;
  /** Opens the store: main passes electron-store, tests pass conf, which writes the same file. */
  open: (options: { name: string; cwd: string }) => JsonFileStore;
  logger: LoggerPort;
  now?: () => Date;
}

const NAME = 'settings';

/** SettingsPort on electron-store; a damaged settings file is kept aside, never silently lost. */
export function createSettingsStore(options: SettingsStoreOptions): SettingsPort {
  const { dir, logger } = options;
  const now = options.now ?? (() => new Date());
  const check = () => keepUnusableStoreFileAside(dir, NAME, logger, now);
  check();
  const store = options.open({ name: NAME, cwd: dir });
  return {
    read() {
      // Checked on every read because an administrator may edit the file while the console runs.
      return check() === 'ok' ? store.store : undefined;
    },
    write(value) {
      check();
      store.store = value as Record<string, unknown>;
    },
  };
}
