import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../shared/contract/client.ts';
import type { Alert } from '../../shared/model/replication.ts';
import { describeError } from './describe-error.ts';

export interface AlertsStoreState {
  alerts: Alert[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** Critical alerts raised (or escalated to critical) since the console loaded, newest first. */
  toasts: Alert[];
  /** The last acknowledge failure (a viewer is refused, for one), shown next to the button. */
  ackError: string | null;
  acking: boolean;
}

export interface AlertsStore {
  readonly store: StoreApi<AlertsStoreState>;
  acknowledge(ids: string[]): Promise<boolean>;
  dismissToast(id: string): void;
  reload(): Promise<void>;
  dispose(): void;
}

const MAX_TOASTS = 4;

/** Alerts as the core keeps them (request, then the alerts.changed stream); the renderer raises none. */
export function createAlertsStore(client: Client): AlertsStore {
  const store = createStore<AlertsStoreState>(() => ({ alerts: [], status: 'loading', error: null, toasts: [], ackError: null, acking: false }));
  /** Severity last seen per alert id; null until the first list arrives (nothing toasts on load). */
  let seen: Map<string, Alert['severity']> | null = null;

  const accept = (alerts: Alert[]) => {
    const fresh: Alert[] = [];
    if (seen) {
      for (const a of alerts) {
        const before = seen.get(a.id);
        if (a.severity === 'critical' && a.clearedAt === null && a.acknowledged === null && before !== 'critical') fresh.push(a);
      }
    }
    seen = new Map(alerts.map((a) => [a.id, a.severity]));
    const ids = new Set(alerts.filter((a) => a.clearedAt === null && a.acknowledged === null).map((a) => a.id));
    const kept = store.getState().toasts.filter((t) => ids.has(t.id));
    store.setState({ alerts, status: 'ready', error: null, toasts: [...fresh, ...kept].slice(0, MAX_TOASTS) });
  };

  const off = client.subscribe('alerts.changed', ({ alerts }) => accept(alerts));
  const reload = async () => {
    try {
      const { alerts } = await client.request('alerts.list', {});
      accept(alerts);
    } catch (error) {
      store.setState({ status: 'error', error: `Could not load alerts: ${describeError(error)}` });
    }
  };
  void reload();

  return {
    store,
    reload,
    async acknowledge(ids) {
      if (ids.length === 0) return true;
      store.setState({ acking: true, ackError: null });
      try {
        const { alerts } = await client.request('alerts.acknowledge', { ids });
        accept(alerts);
        store.setState({ acking: false });
        return true;
      } catch (error) {
        store.setState({ acking: false, ackError: describeError(error) });
        return false;
      }
    },
    dismissToast(id) { store.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })); },
    dispose() { off(); },
  };
}

/** Open (not cleared) and not yet acknowledged: what the status bar counts. */
export function isUnacknowledged(alert: Alert): boolean {
  return alert.acknowledged === null;
}

const stores = new WeakMap<Client, AlertsStore>();
export function alertsStoreOf(client: Client, onReconnect?: (listener: () => void) => () => void): AlertsStore {
  let s = stores.get(client);
  if (!s) {
    s = createAlertsStore(client);
    stores.set(client, s);
    const made = s;
    onReconnect?.(() => { void made.reload(); });
  }
  return s;
}
