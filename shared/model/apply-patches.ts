import type { EstateSnapshot, Patch, PatchBatch } from './estate.ts';

type Tables = Pick<EstateSnapshot, 'sites' | 'clusters' | 'hosts' | 'vms'>;
const TABLE = { site: 'sites', cluster: 'clusters', host: 'hosts', vm: 'vms' } as const satisfies Record<string, keyof Tables>;

/**
 * Applies patches with structural sharing: untouched tables and entities keep their identity, so
 * a view keyed on an entity re-renders only when that entity changed. Used by the core's tests and
 * by the renderer's store; both must agree byte for byte.
 */
export function applyPatches(state: EstateSnapshot, batch: PatchBatch): EstateSnapshot {
  return applyBatches(state, [batch]);
}

/**
 * Several batches with one copy per touched table: on a 30,000-record estate the copy is the cost,
 * so a renderer that fell behind catches up in one step instead of one copy per batch.
 */
export function applyBatches(state: EstateSnapshot, batches: readonly PatchBatch[]): EstateSnapshot {
  const fresh = batches.filter((b) => b.seq > state.seq).sort((a, b) => a.seq - b.seq);
  if (fresh.length === 0) return state;
  const copied = new Set<keyof Tables>();
  const next: EstateSnapshot = { ...state, seq: fresh[fresh.length - 1]!.seq };
  const table = (name: keyof Tables): Record<string, unknown> => {
    if (!copied.has(name)) {
      copied.add(name);
      (next as Record<keyof Tables, unknown>)[name] = { ...state[name] };
    }
    return next[name] as Record<string, unknown>;
  };
  // Entities this call copied are its own: a later merge in the same call (at lab speeds every VM
  // is merged once per batch, several batches per apply) updates them in place instead of copying again.
  const owned = new WeakSet<object>();
  for (const batch of fresh) for (const patch of batch.patches) applyOne(next, patch, table, owned);
  return next;
}

/** A merge patch applied to one entity: top-level fields replaced, `nested` fields merged in. */
export function mergeEntity<T extends object>(current: T, patch: { value: object; nested?: Record<string, object | undefined> }, owned?: WeakSet<object>): T {
  const next = (owned?.has(current) ? Object.assign(current, patch.value) : { ...current, ...patch.value }) as Record<string, unknown>;
  owned?.add(next);
  if (patch.nested) {
    for (const key in patch.nested) {
      const inner = next[key];
      // The sender only nests into objects the receiver holds; a null here means the two disagree,
      // and the snapshot the receiver reloads on a gap is the cure, not guessing the missing fields.
      if (inner === null || typeof inner !== 'object') continue;
      if (owned?.has(inner)) Object.assign(inner, patch.nested[key]);
      else {
        const copy = { ...inner, ...patch.nested[key] };
        owned?.add(copy);
        next[key] = copy;
      }
    }
  }
  return next as T;
}

function applyOne(next: EstateSnapshot, patch: Patch, table: (name: keyof Tables) => Record<string, unknown>, owned: WeakSet<object>): void {
  switch (patch.op) {
    case 'clock':
      next.clock = patch.value;
      return;
    case 'put':
      table(TABLE[patch.kind])[patch.value.id] = patch.value;
      return;
    case 'merge': {
      const rows = table(TABLE[patch.kind]);
      const current = rows[patch.id];
      // A merge for an entity this side never saw cannot be completed; ignoring it is safe
      // because the core always sends put before merge for a new entity.
      if (current) rows[patch.id] = mergeEntity(current as object, patch, owned);
      return;
    }
    case 'remove':
      delete table(TABLE[patch.kind])[patch.id];
      return;
  }
}
