import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../shared/contract/client.ts';
import { applyBatches } from '../../shared/model/apply-patches.ts';
import type { EstateSnapshot, PatchBatch } from '../../shared/model/estate.ts';
import { describeError } from './describe-error.ts';

export interface EstateState {
  snapshot: EstateSnapshot | null;
  /** loading: no snapshot yet; resyncing: showing the old one while a fresh one loads. */
  status: 'loading' | 'ready' | 'resyncing' | 'error';
  error: string | null;
  /** Monotonic ms (performance.now) when the estate clock last moved, to extrapolate between ticks. */
  clockReceivedAt: number;
  /**
   * Goes up when an entity is added or removed, or a VM is renamed or moved. Views that arrange
   * the estate (sorting 30,000 VM records takes tens of ms) rebuild on this, not on every change.
   */
  structureVersion: number;
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
  /**
   * Batches arriving closer together than this are applied together. Each apply copies the changed
   * tables (structural sharing), which for 30,000 VM records costs more than the patches themselves.
   * 0 applies every batch at once. The interval stretches (up to 2 s) to keep applying under about
   * a tenth of the main thread when one apply gets expensive.
   */
  applyIntervalMs?: number;
}

/**
 * Snapshot + patch stream. The stream is subscribed before the snapshot is requested and batches
 * are buffered until it arrives; only those newer than the snapshot are applied, in seq order.
 * Subscribing after the request would lose the batches published while the snapshot travelled.
 */
export function createEstateStore(client: Client, options: EstateStoreOptions = {}): EstateStore {
  const now = options.now ?? (() => performance.now());
  const retryDelayMs = options.retryDelayMs ?? 3_000;
  const applyIntervalMs = options.applyIntervalMs ?? 0;
  const store = createStore<EstateState>(() => ({ snapshot: null, status: 'loading', error: null, clockReceivedAt: now(), structureVersion: 0 }));

  /** Non-null while a snapshot is on its way. */
  let buffer: PatchBatch[] | null = null;
  /** Set when the last snapshot request failed: the copy is stale and patches cannot fix it. */
  let stale = false;
  let generation = 0;
  let unsubscribe: (() => void) | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;
  /** Live batches waiting for the next apply (applyIntervalMs > 0). */
  let queued: PatchBatch[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  let lastFlushAt = -Infinity;
  let lastApplyCostMs = 0;
  const interval = () => (applyIntervalMs <= 0 ? 0 : Math.min(2_000, Math.max(applyIntervalMs, lastApplyCostMs * 10)));

  const commit = (next: EstateSnapshot, structural: boolean, extra: Partial<EstateState> = {}) => {
    const state = store.getState();
    const clockMoved = !state.snapshot || state.snapshot.clock !== next.clock;
    store.setState({
      snapshot: next,
      ...(clockMoved ? { clockReceivedAt: now() } : {}),
      ...(structural ? { structureVersion: state.structureVersion + 1 } : {}),
      ...extra,
    });
  };

  const applyAll = (start: EstateSnapshot, batches: PatchBatch[]): { next: EstateSnapshot; structural: boolean } => {
    const fresh = batches.filter((batch) => batch.seq > start.seq);
    // Judged against the state before all of them: a batch adding an entity a later one moves is structural either way.
    const structural = fresh.some((batch) => changesStructure(start, batch));
    return { next: applyBatches(start, fresh), structural };
  };

  const flush = () => {
    flushTimer = null;
    const started = now();
    lastFlushAt = started;
    const batches = queued;
    queued = [];
    const current = store.getState().snapshot;
    if (!current || stale || buffer) return;
    const { next, structural } = applyAll(current, batches);
    lastApplyCostMs = now() - started;
    if (next !== current) commit(next, structural);
  };

  const onBatch = (batch: PatchBatch) => {
    if (buffer) {
      buffer.push(batch);
      return;
    }
    if (!store.getState().snapshot || stale) return;
    queued.push(batch);
    if (flushTimer) return;
    const wait = lastFlushAt + interval() - now();
    if (wait <= 0) flush();
    else flushTimer = setTimeout(flush, wait);
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
      // Batches queued for the old copy are older than this snapshot or also in the buffer.
      queued = [];
      const pending = (buffer ?? []).filter((b) => b.seq > fresh.seq).sort((a, b) => a.seq - b.seq);
      const { next } = applyAll(fresh, pending);
      buffer = null;
      stale = false;
      commit(next, true, { status: 'ready', error: null });
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
      if (flushTimer) clearTimeout(flushTimer);
      unsubscribe?.();
      unsubscribe = null;
    },
  };
}

const PLACEMENT_FIELDS = ['name', 'hostId', 'clusterId', 'siteId', 'vmId', 'hostIds', 'clusterIds'] as const;

/** Whether applying `batch` to `state` adds, removes, renames or moves an entity. */
export function changesStructure(state: EstateSnapshot, batch: PatchBatch): boolean {
  for (const patch of batch.patches) {
    switch (patch.op) {
      case 'clock':
        continue;
      case 'remove':
        return true;
      case 'merge':
        if (PLACEMENT_FIELDS.some((field) => field in patch.value)) return true;
        continue;
      case 'put': {
        const table = state[`${patch.kind}s` as 'sites' | 'clusters' | 'hosts' | 'vms'] as Record<string, Record<string, unknown>>;
        const current = table[patch.value.id];
        if (!current) return true;
        const value = patch.value as Record<string, unknown>;
        if (PLACEMENT_FIELDS.some((field) => field in value && !sameValue(current[field], value[field]))) return true;
        continue;
      }
    }
  }
  return false;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}
