import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../../shared/contract/client.ts';
import { compareAlerts, type Alert, type AlertChanges, type AlertList } from '../../../shared/model/replication.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';

export interface AlertsStoreState {
  alerts: Alert[];
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  /** Critical incidents and unexplained VM alerts raised (or escalated) since the console loaded, newest first. */
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
const MAX_HELD = 1000;

/**
 * Alerts as the core keeps them: the list, then the alerts.changed stream applied by id (the
 * renderer raises none). Changes are numbered; any arriving before the list are held until it
 * comes, those it already includes are dropped, and a gap (a change missed on a reconnect) reloads.
 */
export function createAlertsStore(client: Client): AlertsStore {
  const store = createStore<AlertsStoreState>(() => ({ alerts: [], status: 'loading', error: null, toasts: [], ackError: null, acking: false }));
  /** The list by id, and the number of the last change folded in; null while a list is on its way. */
  const byId = new Map<string, Alert>();
  let seq: number | null = null;
  let held: AlertChanges[] = [];
  /** False until the first list: alerts present at load do not toast. */
  let loaded = false;
  let disposed = false;

  /** Critical alerts among `changed` that were not critical before: what toasts. */
  const newCriticals = (changed: readonly Alert[]) => {
    const fresh: Alert[] = [];
    for (const a of changed) {
      const before = byId.get(a.id);
      if (loaded && a.severity === 'critical' && a.clearedAt === null && a.acknowledged === null && a.incidentId === null && before?.severity !== 'critical') fresh.push(a);
    }
    return fresh;
  };

  const commit = (fresh: Alert[]) => {
    const alerts = [...byId.values()].sort(compareAlerts);
    // A VM alert filed under an incident stops toasting: the incident says it for all of them.
    const open = new Set(alerts.filter((a) => a.clearedAt === null && a.acknowledged === null && a.incidentId === null).map((a) => a.id));
    const kept = store.getState().toasts.filter((t) => open.has(t.id) && !fresh.some((f) => f.id === t.id));
    store.setState({ alerts, status: 'ready', error: null, toasts: [...fresh, ...kept].slice(0, MAX_TOASTS) });
  };

  const acceptList = (list: AlertList) => {
    // A list older than what is shown (an acknowledge answered after later changes) changes nothing.
    if (seq !== null && list.seq < seq) return;
    const fresh = newCriticals(list.alerts);
    byId.clear();
    for (const a of list.alerts) byId.set(a.id, a);
    seq = list.seq;
    loaded = true;
    commit(fresh);
  };

  /** Applies one change; false when it does not follow the last one (the list must be reloaded). */
  const applyChanges = (changes: AlertChanges): boolean => {
    if (seq === null) return false;
    if (changes.seq <= seq) return true;
    if (changes.seq !== seq + 1) return false;
    const fresh = newCriticals(changes.changed);
    for (const a of changes.changed) byId.set(a.id, a);
    for (const id of changes.removed) byId.delete(id);
    seq = changes.seq;
    commit(fresh);
    return true;
  };

  const onChanges = (changes: AlertChanges) => {
    if (seq === null) {
      // Bounded while the list cannot be loaded; a change dropped here shows up as a gap and reloads.
      if (held.length >= MAX_HELD) held.shift();
      held.push(changes);
      return;
    }
    if (!applyChanges(changes)) void reload();
  };

  /** A newer reload supersedes an older one still waiting for its answer. */
  let generation = 0;
  const reload = async (): Promise<void> => {
    const mine = ++generation;
    seq = null;
    held = [];
    try {
      const list = await client.request('alerts.list', {});
      if (disposed || mine !== generation) return;
      acceptList(list);
      const pending = held.sort((a, b) => a.seq - b.seq);
      held = [];
      for (const changes of pending) if (!applyChanges(changes)) return reload();
    } catch (error) {
      if (mine === generation) store.setState({ status: 'error', error: `Could not load alerts: ${describeError(error)}` });
    }
  };

  const off = client.subscribe('alerts.changed', onChanges);
  void reload();

  return {
    store,
    reload,
    async acknowledge(ids) {
      if (ids.length === 0) return true;
      store.setState({ acking: true, ackError: null });
      try {
        const list = await client.request('alerts.acknowledge', { ids });
        if (seq !== null && list.seq > seq) acceptList(list);
        store.setState({ acking: false });
        return true;
      } catch (error) {
        store.setState({ acking: false, ackError: describeError(error) });
        return false;
      }
    },
    dismissToast(id) { store.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })); },
    dispose() { disposed = true; off(); },
  };
}

export const alertsStores: StoreKind<AlertsStore> = { name: 'alerts', create: ({ client }) => createAlertsStore(client), resync: (s) => s.reload() };
