import { describe, expect, it } from 'vitest';
import { createCore } from '../core.ts';
import { memoryPorts, memorySettings } from '../testing/memory-ports.ts';
import { operator, protectedVmsOf, replicationActionsSuite } from '../testing/replication-actions-suite.ts';

replicationActionsSuite('the lab', async () => {
  const ports = memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 4, vmCount: 30 } }) });
  const core = await createCore(ports, { patchBatchMs: 10 });
  return { core, ports, protectedVms: await protectedVmsOf(core) };
});

describe('replication actions on the lab: the estate follows', () => {
  it('shows a new frequency on both copies of the simple relationship and on the extended one', async () => {
    const ports = memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 4, vmCount: 30 } }) });
    const core = await createCore(ports, { patchBatchMs: 10 });
    const protectedVms = await protectedVmsOf(core);
    const vm = protectedVms.find((v) => (v as unknown as { replication: { frequencySec: number } }).replication.frequencySec !== 900)!;
    await core.handle('replication.act', { vmIds: [vm.id], change: { action: 'set-frequency', frequencySec: 900 } }, operator);
    await core.handle('replication.act', { vmIds: [vm.id], change: { action: 'set-frequency', frequencySec: 900, relationship: 'Extended' } }, operator);
    await new Promise((r) => setTimeout(r, 30));
    const snapshot = (await core.handle('estate.snapshot', {}, operator)) as { vms: Record<string, { vmId: string; replication: { mode: string; frequencySec: number } | null; extendedReplication: { frequencySec: number } | null }> };
    const primary = snapshot.vms[vm.id]!;
    const replica = Object.values(snapshot.vms).find((v) => v.vmId === primary.vmId && v.replication?.mode === 'Replica')!;
    expect([primary.replication!.frequencySec, replica.replication!.frequencySec, replica.extendedReplication!.frequencySec]).toEqual([900, 900, 900]);
    await core.dispose();
  });
});
