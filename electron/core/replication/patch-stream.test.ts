import { describe, expect, it } from 'vitest';
import { checkPatchBatch } from '../../../shared/contract/patch-batch-check.ts';
import { PatchBatchSchema } from '../../../shared/model/estate.ts';
import { createCore } from '../core.ts';
import { memoryPorts, memorySettings } from '../testing/memory-ports.ts';

const operator = { role: 'operator' as const, actor: 'alice' };

/**
 * The renderer checks estate.patches only for shape (patch-batch-check.ts) because the core is
 * held here to the full schema: every batch of a busy lab run, through faults, actions and a
 * failover-free churn of every VM, must parse as PatchBatchSchema and pass the client's check.
 */
describe('the estate patch stream the core sends', () => {
  it('matches the contract schema in full, batch after batch, under faults and actions', async () => {
    const core = await createCore(memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 7, vmCount: 60 } }) }), { patchBatchMs: 10 });
    const batches: unknown[] = [];
    core.subscribe('estate.patches', (batch) => batches.push(structuredClone(batch)));
    const snapshot = (await core.handle('estate.snapshot', {}, operator)) as { vms: Record<string, { id: string; replication: { mode: string; relationship: string } | null }> };
    const protectedIds = Object.values(snapshot.vms).filter((v) => v.replication?.mode === 'Primary' && v.replication.relationship === 'Simple').map((v) => v.id);
    await core.handle('lab.setSpeed', { speed: 600 }, operator);
    await core.handle('lab.injectFault', { kind: 'wan-cut', link: 'primary-dr' }, operator);
    await core.handle('replication.act', { vmIds: protectedIds.slice(0, 3), change: { action: 'suspend' } }, operator);
    await core.handle('replication.act', { vmIds: protectedIds.slice(3, 5), change: { action: 'set-frequency', frequencySec: 900 } }, operator);
    await new Promise((r) => setTimeout(r, 1_500));
    await core.dispose();
    expect(batches.length).toBeGreaterThan(5);
    const kinds = new Set<string>();
    for (const batch of batches) {
      const parsed = PatchBatchSchema.safeParse(batch);
      expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues[0])).toBe(true);
      expect(checkPatchBatch(batch)).toBeNull();
      for (const p of (batch as { patches: { op: string }[] }).patches) kinds.add(p.op);
    }
    expect(kinds).toContain('merge');
    expect(kinds).toContain('clock');
  });
});
