import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../../shared/contract/client.ts';
import type { RunEventBatch, RunSnapshot } from '../../../shared/model/recovery-run.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';
import { applyRunBatch } from '../recovery/recovery-store.ts';
import { isActive } from '../recovery/run-time.ts';

export interface ActiveRunsState {
  /** Drills and failovers in progress, whole (the wall shows progress per tier), oldest first. */
  runs: RunSnapshot[];
  error: string | null;
}

export interface ActiveRunsStore {
  readonly store: StoreApi<ActiveRunsState>;
  reload(): Promise<void>;
  dispose(): void;
}

/**
 * Only the runs in progress, kept current by recovery.events: finished runs leave the store, so it
 * holds nothing from last month's drills however long the wall runs. A batch for a run it does not
 * hold (a new run) brings a reload of the list.
 */
export function createActiveRunsStore(client: Client, options: { listRefreshMs?: number } = {}): ActiveRunsStore {
  const store = createStore<ActiveRunsState>(() => ({ runs: [], error: null }));
  let generation = 0;
  let listTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const commit = (runs: RunSnapshot[]) => store.setState({ runs: runs.filter(isActive).sort((a, b) => a.startedAt - b.startedAt), error: null });

  const reload = async (): Promise<void> => {
    const mine = ++generation;
    try {
      const { runs } = await client.request('recovery.list', {});
      const active = runs.filter(isActive);
      const snapshots = await Promise.all(active.map((run) => client.request('recovery.get', { runId: run.id })));
      if (mine !== generation || disposed) return;
      commit(snapshots);
    } catch (error) {
      if (mine === generation && !disposed) store.setState({ error: `Could not load the runs: ${describeError(error)}` });
    }
  };

  const scheduleReload = () => {
    if (listTimer || disposed) return;
    listTimer = setTimeout(() => { listTimer = null; void reload(); }, options.listRefreshMs ?? 1_000);
  };

  const onBatch = (batch: RunEventBatch) => {
    const runs = store.getState().runs;
    const at = runs.findIndex((run) => run.id === batch.runId);
    if (at < 0) {
      // A run that just started, or one that finished and already left: only a new one matters.
      if (batch.changes.some((c) => c.type === 'run' && isActive(c.value))) scheduleReload();
      return;
    }
    const next = [...runs];
    next[at] = applyRunBatch(runs[at]!, batch);
    commit(next);
  };

  const off = client.subscribe('recovery.events', onBatch);
  void reload();

  return {
    store,
    reload,
    dispose() { disposed = true; off(); if (listTimer) clearTimeout(listTimer); },
  };
}

export const activeRunsStores: StoreKind<ActiveRunsStore> = {
  name: 'wall-active-runs', create: ({ client }) => createActiveRunsStore(client), resync: (s) => s.reload(),
};
