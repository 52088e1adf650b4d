import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../../shared/contract/client.ts';
import type { ResponseOf } from '../../../shared/contract/channels.ts';
import type { ReplicationAction } from '../../../shared/contract/replication-channels.ts';
import type { ReplicationSummary } from '../../../shared/model/replication.ts';
import { describeError } from '../../platform/describe-error.ts';
import type { StoreKind } from '../../platform/store-registry.ts';

export type ReplicationActionResult = ResponseOf<'replication.act'>['results'][number];

/** One replication action sent from the grid: what was asked, and what the core read back. */
export interface ReplicationRun {
  id: number;
  change: ReplicationAction;
  vmIds: string[];
  /** Names at the time of asking, so the result panel reads well even if a VM disappears. */
  vmNames: string[];
  status: 'running' | 'answered' | 'refused';
  results: ReplicationActionResult[];
  /** The refusal or failure of the whole request (forbidden for a viewer, backend down, ...). */
  error: string | null;
  errorCode: string | null;
  startedAt: number;
}

export interface ReplicationStoreState {
  summary: ReplicationSummary | null;
  summaryError: string | null;
  run: ReplicationRun | null;
}

export interface ReplicationStore {
  readonly store: StoreApi<ReplicationStoreState>;
  act(vmIds: string[], vmNames: string[], change: ReplicationAction): Promise<ReplicationRun>;
  dismissRun(): void;
  /** "Catch up tier 0 first": start it, or resume the held tiers now; answers the refusal's sentence or null. */
  catchUp(action: 'start' | 'resume'): Promise<string | null>;
  reload(): Promise<void>;
  dispose(): void;
}

/**
 * The summary strip (computed by the core: request once, then the stream) and the replication
 * actions. Nothing here decides health or RPO; it only carries what the core says.
 */
function createReplicationStore(client: Client): ReplicationStore {
  const store = createStore<ReplicationStoreState>(() => ({ summary: null, summaryError: null, run: null }));
  let runId = 0;
  const off = client.subscribe('replication.summary', (summary) => {
    const current = store.getState().summary;
    if (current && current.at > summary.at) return;
    store.setState({ summary, summaryError: null });
  });
  const reload = async () => {
    try {
      const summary = await client.request('replication.summary', {});
      const current = store.getState().summary;
      if (!current || current.at <= summary.at) store.setState({ summary, summaryError: null });
    } catch (error) {
      store.setState({ summaryError: describeError(error) });
    }
  };
  void reload();
  return {
    store,
    reload,
    async act(vmIds, vmNames, change) {
      const id = ++runId;
      const base: ReplicationRun = { id, change, vmIds, vmNames, status: 'running', results: [], error: null, errorCode: null, startedAt: Date.now() };
      store.setState({ run: base });
      let finished: ReplicationRun;
      try {
        const { results } = await client.request('replication.act', { vmIds, change });
        finished = { ...base, status: 'answered', results };
      } catch (error) {
        const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : null;
        finished = { ...base, status: 'refused', error: describeError(error), errorCode: code };
      }
      if (store.getState().run?.id === id) store.setState({ run: finished });
      return finished;
    },
    dismissRun() { store.setState({ run: null }); },
    async catchUp(action) {
      try {
        const catchUp = await client.request('replication.catchUp', { action });
        const current = store.getState().summary;
        if (current) store.setState({ summary: { ...current, catchUp } });
        return null;
      } catch (error) {
        return describeError(error);
      }
    },
    dispose() { off(); },
  };
}

export const replicationStores: StoreKind<ReplicationStore> = {
  name: 'replication', create: ({ client }) => createReplicationStore(client), resync: (s) => s.reload(),
};
