import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../shared/contract/client.ts';
import { applyPatches } from '../../shared/model/apply-patches.ts';
import type { EstateSnapshot, PatchBatch } from '../../shared/model/estate.ts';
import { describeError } from './describe-error.ts';

export interface EstateState {
  snapshot: EstateSnapshot | null;
  /** loading: no snapshot yet; resyncing: showing the old one while a fresh one loads. */
  status: 'loading' | 'ready' | 'resyncing' | 'error';
  error: string | null;
  /** Monotonic ms (performance.now) when the estate clock last moved, to extrapolate between ticks. */
  clockReceivedAt: number;
}

export interface EstateStore {
  readonly store: StoreApi<EstateState>;
  /** Subscribes to patches, then loads the snapshot. */
  start(): void;
  /** Loads a fresh snapshot (after a reconnect, patches may have been missed). */
  resync(): Promise<void>;
  dispose(): void;
}

export interface EstateStoreOptions {
  now?: () => number;
  retryDelayMs?: number;
}

/**
 * Snapshot + patch stream. The stream is subscribed before the snapshot is requested and batches
 * are buffered until it arrives; only those newer than the snapshot are applied, in seq order.
 * Subscribing after the request would lose the batches published while the snapshot travelled.
 */
export function createEstateStore(client: Client, options: EstateStoreOptions = {}): EstateStore {
  const now = options.now ?? (() => performance.now());
  const retryDelayMs = options.retryDelayMs ?? 3_000;
  const store = createStore<EstateState>(() => ({ snapshot: null, status: 'loading', error: null, clockReceivedAt: now() }));

  /** Non-null while a snapshot is on its way. */
  let buffer: PatchBatch[] | null = null;
  /** Set when the last snapshot request failed: the copy is stale and patches cannot fix it. */
  let stale = false;
  let generation = 0;
  let unsubscribe: (() => void) | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  const commit = (next: EstateSnapshot, extra: Partial<EstateState> = {}) => {
    const previous = store.getState().snapshot;
    const clockMoved = !previous || previous.clock !== next.clock;
    store.setState({ snapshot: next, ...(clockMoved ? { clockReceivedAt: now() } : {}), ...extra });
  };

  const onBatch = (batch: PatchBatch) => {
    if (buffer) {
      buffer.push(batch);
      return;
    }
    const current = store.getState().snapshot;
    if (!current || stale) return;
    const next = applyPatches(current, batch);
    if (next !== current) commit(next);
  };

  const resync = async () => {
    if (disposed) return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    const mine = ++generation;
    buffer = [];
    store.setState({ status: store.getState().snapshot ? 'resyncing' : 'loading' });
    try {
      const fresh = await client.request('estate.snapshot', {});
      if (mine !== generation || disposed) return;
      let next = fresh;
      const pending = (buffer ?? []).filter((b) => b.seq > fresh.seq).sort((a, b) => a.seq - b.seq);
      for (const batch of pending) next = applyPatches(next, batch);
      buffer = null;
      stale = false;
      commit(next, { status: 'ready', error: null });
    } catch (error) {
      if (mine !== generation || disposed) return;
      buffer = null;
      stale = true;
      store.setState({ status: 'error', error: `Could not load the estate: ${describeError(error)}` });
      retryTimer = setTimeout(() => { retryTimer = null; void resync(); }, retryDelayMs);
    }
  };

  return {
    store,
    start() {
      if (unsubscribe || disposed) return;
      unsubscribe = client.subscribe('estate.patches', onBatch);
      void resync();
    },
    resync,
    dispose() {
      disposed = true;
      generation += 1;
      if (retryTimer) clearTimeout(retryTimer);
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}
