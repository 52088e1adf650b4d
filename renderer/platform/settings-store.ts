import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Role } from '../../shared/contract/channels.ts';
import type { Client } from '../../shared/contract/client.ts';
import { ContractError } from '../../shared/contract/errors.ts';
import { ThemeSchema, type Settings, type SettingsUpdate, type Theme } from '../../shared/model/settings.ts';
import { describeError } from './describe-error.ts';

export type ResolvedTheme = 'light' | 'dark';

export interface SettingsStoreState {
  settings: Settings | null;
  /** This browser's own theme, used when the console may not change the shared setting (viewer). */
  localTheme: Theme | null;
  systemPrefersDark: boolean;
  /** Why the last change did not go where the user might expect; null when nothing to say. */
  notice: string | null;
}

export interface SettingsStore {
  readonly store: StoreApi<SettingsStoreState>;
  load(): Promise<void>;
  setTheme(theme: Theme, role: Role | undefined): Promise<void>;
  /** The desktop app's notifications for raised alerts, on or off (a shared setting). */
  setDesktopNotifications(on: boolean): Promise<void>;
  /** Saves notification channel settings; answers why not, or null when saved. */
  setNotifications(change: NonNullable<SettingsUpdate['notifications']>): Promise<string | null>;
  dispose(): void;
}

export interface SettingsStoreOptions {
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | undefined;
  /** The prefers-color-scheme: dark query, or undefined outside a browser. */
  darkQuery?: Pick<MediaQueryList, 'matches' | 'addEventListener' | 'removeEventListener'> | undefined;
}

const LOCAL_THEME_KEY = 'standby.theme.local';

export function chosenTheme(state: SettingsStoreState): Theme {
  return state.localTheme ?? state.settings?.theme ?? 'system';
}

export function resolveTheme(state: SettingsStoreState): ResolvedTheme {
  const theme = chosenTheme(state);
  if (theme === 'system') return state.systemPrefersDark ? 'dark' : 'light';
  return theme;
}

/**
 * Theme lives in the shared settings so every window agrees. A viewer may not change shared
 * settings (the server refuses), so a viewer's choice is kept in this browser only and said so.
 */
export function createSettingsStore(client: Client, options: SettingsStoreOptions = {}): SettingsStore {
  const { storage, darkQuery } = options;
  const readLocal = (): Theme | null => {
    try {
      const parsed = ThemeSchema.safeParse(storage?.getItem(LOCAL_THEME_KEY));
      return parsed.success ? parsed.data : null;
    } catch { return null; }
  };
  const writeLocal = (theme: Theme | null) => {
    try {
      if (theme === null) storage?.removeItem(LOCAL_THEME_KEY);
      else storage?.setItem(LOCAL_THEME_KEY, theme);
    } catch { /* private mode: the choice lasts for this page only */ }
  };

  const store = createStore<SettingsStoreState>(() => ({
    settings: null, localTheme: readLocal(), systemPrefersDark: darkQuery?.matches ?? false, notice: null,
  }));

  const onSystemChange = (event: { matches: boolean }) => store.setState({ systemPrefersDark: event.matches });
  darkQuery?.addEventListener('change', onSystemChange);
  const off = client.subscribe('settings.changed', (settings) => store.setState({ settings }));

  const keepLocally = (theme: Theme, notice: string) => {
    writeLocal(theme);
    store.setState({ localTheme: theme, notice });
  };

  return {
    store,
    async load() {
      try {
        store.setState({ settings: await client.request('settings.get', {}) });
      } catch (error) {
        store.setState({ notice: `Settings could not be loaded: ${describeError(error)}` });
      }
    },
    async setTheme(theme, role) {
      if (role !== undefined && role !== 'operator') {
        keepLocally(theme, 'Read-only (viewer) connection: the theme changed in this browser only.');
        return;
      }
      try {
        const settings = await client.request('settings.update', { theme });
        writeLocal(null);
        store.setState({ settings, localTheme: null, notice: null });
      } catch (error) {
        if (error instanceof ContractError && error.code === 'forbidden') {
          keepLocally(theme, 'This connection may not change shared settings: the theme changed in this browser only.');
        } else {
          store.setState({ notice: `Theme not saved: ${describeError(error)}` });
        }
      }
    },
    async setDesktopNotifications(on) {
      try {
        store.setState({ settings: await client.request('settings.update', { desktopNotifications: on }), notice: null });
      } catch (error) {
        store.setState({ notice: `Desktop notifications not ${on ? 'turned on' : 'turned off'}: ${describeError(error)}` });
      }
    },
    async setNotifications(change) {
      try {
        store.setState({ settings: await client.request('settings.update', { notifications: change }) });
        return null;
      } catch (error) {
        return describeError(error);
      }
    },
    dispose() {
      off();
      darkQuery?.removeEventListener('change', onSystemChange);
    },
  };
}
