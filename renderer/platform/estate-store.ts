import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../../shared/contract/client.ts';
import { applyBatches, mergeEntity } from '../../shared/model/apply-patches.ts';
import type { EstateSnapshot, Patch, PatchBatch, Vm } from '../../shared/model/estate.ts';
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
  /**
   * Above this many VM records an apply copies the VM table in slices of `sliceSize`, yielding to
   * the browser between them: on a 30,000-record estate one copy is ~100 ms, a task long enough to
   * make typing and scrolling stutter. Batches arriving meanwhile wait for the next apply.
   */
  sliceVmsAbove?: number;
  sliceSize?: number;
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
  const sliceVmsAbove = options.sliceVmsAbove ?? 5_000;
  const sliceSize = options.sliceSize ?? 4_000;
  /** VM records in the current snapshot, counted when its structure changes. */
  let vmRecords = 0;
  /** True while a sliced apply is between slices: flushes wait for it. */
  let slicing = false;

  const commit = (next: EstateSnapshot, structural: boolean, extra: Partial<EstateState> = {}) => {
    const state = store.getState();
    const clockMoved = !state.snapshot || state.snapshot.clock !== next.clock;
    if (structural) vmRecords = Object.keys(next.vms).length;
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
    if (slicing) return;
    const started = now();
    lastFlushAt = started;
    const batches = queued;
    queued = [];
    const current = store.getState().snapshot;
    if (!current || stale || buffer) return;
    if (vmRecords > sliceVmsAbove && batches.some((b) => b.seq > current.seq && b.patches.some(isVmPatch))) {
      void flushSliced(current, batches);
      return;
    }
    const { next, structural } = applyAll(current, batches);
    lastApplyCostMs = now() - started;
    if (next !== current) commit(next, structural);
  };

  /** The same result as applyAll, with the VM table copied a slice per task. */
  const flushSliced = async (current: EstateSnapshot, batches: PatchBatch[]) => {
    slicing = true;
    const mine = generation;
    let busyMs = 0;
    try {
      let t = now();
      const fresh = batches.filter((b) => b.seq > current.seq).sort((a, b) => a.seq - b.seq);
      const structural = fresh.some((batch) => changesStructure(current, batch));
      const keys = Object.keys(current.vms);
      const vms: Record<string, Vm> = {};
      for (let i = 0; i < keys.length; i += sliceSize) {
        const end = Math.min(keys.length, i + sliceSize);
        for (let j = i; j < end; j++) vms[keys[j]!] = current.vms[keys[j]!]!;
        busyMs += now() - t;
        await new Promise((resolve) => setTimeout(resolve, 0));
        t = now();
        // A resync replaced the snapshot meanwhile: this copy is of a dead one.
        if (mine !== generation || disposed || stale || buffer) return;
      }
      const rest: PatchBatch[] = fresh.map((batch) => {
        const others: Patch[] = [];
        for (const patch of batch.patches) {
          if (isVmPatch(patch)) applyVmPatch(vms, patch);
          else others.push(patch);
        }
        return { seq: batch.seq, patches: others };
      });
      // No VM patch is left, so applyBatches leaves this copy of the VM table as it is.
      const next = applyBatches({ ...current, vms }, rest);
      busyMs += now() - t;
      lastApplyCostMs = busyMs;
      commit(next, structural);
    } finally {
      slicing = false;
      if (queued.length > 0 && !flushTimer && !disposed) flushTimer = setTimeout(flush, Math.max(0, lastFlushAt + interval() - now()));
    }
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

type VmPatch = Extract<Patch, { op: 'put' | 'merge'; kind: 'vm' }> | { op: 'remove'; kind: 'vm'; id: string };

function isVmPatch(patch: Patch): patch is VmPatch {
  return patch.op !== 'clock' && patch.kind === 'vm';
}

/** applyPatches' semantics for one VM patch, on a table this store owns (see apply-patches.ts). */
function applyVmPatch(vms: Record<string, Vm>, patch: VmPatch): void {
  if (patch.op === 'put') vms[patch.value.id] = patch.value;
  else if (patch.op === 'remove') delete vms[patch.id];
  else {
    const current = vms[patch.id];
    // As in applyPatches: a merge for a VM this side never saw is ignored (the core puts first).
    if (current) vms[patch.id] = mergeEntity(current, patch);
  }
}

const PLACEMENT_FIELDS = ['name', 'hostId', 'clusterId', 'siteId', 'vmId', 'hostIds', 'clusterIds'] as const;

/** Whether applying `batch` to `state` adds, removes, renames or moves an entity. */
function changesStructure(state: EstateSnapshot, batch: PatchBatch): boolean {
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
