import type { Patch, PatchBatch } from './estate.ts';
import { mergeEntity } from './apply-patches.ts';

type EntityPatch = Exclude<Patch, { op: 'clock' }>;
type MergePatch = Extract<Patch, { op: 'merge' }>;

/**
 * Several batches as one, for a subscriber that asked for the estate less often than the core
 * publishes it (the NOC wall at lab speeds, a slow link): at 600× every VM changes in every batch,
 * and one batch a few seconds instead of four a second is a quarter of the parsing and applying.
 * Applying the result equals applying the batches in seq order (applyBatches); the tests check it
 * on random sequences. Per entity: a remove drops what came before it and ignores merges after it
 * (as a merge for an entity the receiver does not hold is ignored); a put absorbs later merges;
 * merges combine, and a later top-level field replaces an earlier nested merge into it.
 */
export function coalesceBatches(batches: readonly PatchBatch[]): PatchBatch | null {
  if (batches.length === 0) return null;
  const ordered = [...batches].sort((a, b) => a.seq - b.seq);
  const byEntity = new Map<string, EntityPatch>();
  let clock: Extract<Patch, { op: 'clock' }> | null = null;
  for (const batch of ordered) {
    for (const patch of batch.patches) {
      if (patch.op === 'clock') {
        clock = patch;
        continue;
      }
      const key = `${patch.kind}\u0000${patch.op === 'put' ? patch.value.id : patch.id}`;
      const before = byEntity.get(key);
      // Deleted and re-inserted, so the entity keeps its first position: order within one entity is
      // all that applying depends on.
      byEntity.set(key, before ? combine(before, patch) : patch);
    }
  }
  const patches: Patch[] = [...byEntity.values()];
  if (clock) patches.push(clock);
  return { seq: ordered.at(-1)!.seq, patches };
}

function combine(before: EntityPatch, after: EntityPatch): EntityPatch {
  if (after.op !== 'merge') return after;
  if (before.op === 'remove') return before;
  if (before.op === 'put') return { ...before, value: mergeEntity(before.value, after) } as EntityPatch;
  return mergeMerges(before, after);
}

function mergeMerges(before: MergePatch, after: MergePatch): MergePatch {
  const value = { ...before.value, ...after.value } as Record<string, unknown>;
  const nested: Record<string, object> = {};
  const earlier = (before as { nested?: Record<string, object | undefined> }).nested ?? {};
  const later = (after as { nested?: Record<string, object | undefined> }).nested ?? {};
  for (const [field, fields] of Object.entries(earlier)) {
    // A later merge that sets the whole object replaces what was merged into it before.
    if (fields && !(field in after.value)) nested[field] = fields;
  }
  for (const [field, fields] of Object.entries(later)) {
    if (fields) nested[field] = { ...nested[field], ...fields };
  }
  return { ...after, value, ...(Object.keys(nested).length > 0 ? { nested } : {}) } as MergePatch;
}
