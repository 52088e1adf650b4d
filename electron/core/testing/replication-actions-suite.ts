import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Core } from '../core.ts';
import type { CorePorts } from '../ports.ts';

export const operator = { role: 'operator' as const, actor: 'alice' };

export interface ActionsHarness {
  core: Core;
  ports: CorePorts;
  protectedVms: { id: string; name: string }[];
}

type SnapshotVms = { vms: Record<string, { id: string; name: string; replication: { mode: string; relationship: string } | null }> };

/** The VMs a replication action may act on: primary copies of a simple relationship. */
export async function protectedVmsOf(core: Core): Promise<{ id: string; name: string }[]> {
  const snapshot = (await core.handle('estate.snapshot', {}, operator)) as SnapshotVms;
  return Object.values(snapshot.vms).filter((v) => v.replication?.mode === 'Primary' && v.replication.relationship === 'Simple');
}

type Results = { results: { vmId: string; outcome: string; message: string; readBack: { state: string } | null }[] };

/** Replication actions through the whole core, once for every backend (the lab; PowerShell through the double). */
export function replicationActionsSuite(name: string, start: () => Promise<ActionsHarness>): void {
  describe(`replication actions on ${name}`, () => {
    it('suspends and resumes a selection, reports done only with a matching read-back, and audits each call', async () => {
      const { core, ports, protectedVms } = await start();
      const ids = protectedVms.slice(0, 3).map((v) => v.id);
      const suspended = (await core.handle('replication.act', { vmIds: ids, change: { action: 'suspend' } }, operator)) as Results;
      expect(suspended.results.map((r) => [r.outcome, r.readBack?.state])).toEqual(ids.map(() => ['done', 'Suspended']));
      const resumed = (await core.handle('replication.act', { vmIds: ids, change: { action: 'resume' } }, operator)) as Results;
      expect(resumed.results.every((r) => r.outcome === 'done')).toBe(true);
      await core.dispose();
      const audit = readFileSync(join(ports.dataDir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(audit.filter((e) => e.actor === 'alice' && String(e.action).startsWith('Suspend-VMReplication') && e.result === 'ok')).toHaveLength(3);
      expect(audit.filter((e) => String(e.action).startsWith('Suspend-VMReplication') && e.result === 'started')).toHaveLength(3);
      expect(audit.filter((e) => String(e.action).startsWith('Resume-VMReplication') && e.result === 'ok')).toHaveLength(3);
    });

    it('starts a resynchronization and reads it back', async () => {
      const { core, protectedVms } = await start();
      const vm = protectedVms[0]!;
      const result = (await core.handle('replication.act', { vmIds: [vm.id], change: { action: 'resynchronize' } }, operator)) as Results;
      expect(result.results[0]).toMatchObject({ outcome: 'done' });
      expect(['Resynchronizing', 'Replicating']).toContain(result.results[0]!.readBack!.state);
      await core.dispose();
    });

    it('reports per VM what could not be done instead of failing the whole selection', async () => {
      const { core, protectedVms } = await start();
      const result = (await core.handle('replication.act', { vmIds: [protectedVms[0]!.id, 'p:NOPE', 'r:' + protectedVms[1]!.name], change: { action: 'suspend' } }, operator)) as Results;
      expect(result.results.map((r) => r.outcome)).toEqual(['done', 'failed', 'failed']);
      expect(result.results[1]!.message).toMatch(/no VM with id "p:NOPE"/);
      expect(result.results[2]!.message).toMatch(/not the replicating \(primary\) copy/);
      await core.dispose();
    });

    it('changes the frequency of a selection, extended on the replica host, and reports it done only after read-back', async () => {
      const { core, ports, protectedVms } = await start();
      // Tier 2 replicates every 900 s already: pick VMs where 900 is a change, on both relationships.
      const notYet = protectedVms.filter((v) => (v as unknown as { replication: { frequencySec: number } }).replication.frequencySec !== 900);
      const ids = notYet.slice(0, 2).map((v) => v.id);
      expect(ids).toHaveLength(2);
      const simple = (await core.handle('replication.act', { vmIds: ids, change: { action: 'set-frequency', frequencySec: 900 } }, operator)) as Results;
      expect(simple.results.map((r) => [r.outcome, (r.readBack as { frequencySec: number } | null)?.frequencySec])).toEqual(ids.map(() => ['done', 900]));
      const extended = (await core.handle('replication.act', { vmIds: [ids[0]!], change: { action: 'set-frequency', frequencySec: 900, relationship: 'Extended' } }, operator)) as Results;
      expect(extended.results[0]).toMatchObject({ outcome: 'done', readBack: { frequencySec: 900 } });
      await core.dispose();
      const audit = readFileSync(join(ports.dataDir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const sets = audit.filter((e) => String(e.action).startsWith('Set-VMReplication {"replicationFrequencySec":900}') && e.result === 'ok');
      expect(sets).toHaveLength(3);
    });

    it('refuses 30 seconds on extended replication the way Set-VMReplication does, and changes nothing', async () => {
      const { core, protectedVms } = await start();
      const vm = protectedVms[0]!;
      const result = (await core.handle('replication.act', { vmIds: [vm.id], change: { action: 'set-frequency', frequencySec: 30, relationship: 'Extended' } }, operator)) as Results;
      expect(result.results[0]).toMatchObject({ outcome: 'failed', readBack: null });
      expect(result.results[0]!.message).toMatch(/extended replication supports only 300, 900 seconds/);
      await core.dispose();
    });

    it('refuses a viewer before anything is sent', async () => {
      const { core, protectedVms } = await start();
      await expect(core.handle('replication.act', { vmIds: [protectedVms[0]!.id], change: { action: 'suspend' } }, { role: 'viewer', actor: 'wall' })).rejects.toMatchObject({ code: 'forbidden' });
      await core.dispose();
    });
  });
}
