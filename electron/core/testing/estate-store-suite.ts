import { beforeAll, describe, expect, it } from 'vitest';
import type { PatchBatch } from '../../../shared/model/estate.ts';
import { applyPatches } from '../../../shared/model/apply-patches.ts';
import { manualClock } from './memory-ports.ts';
import type { EstateInventory } from '../backends/estate-source.ts';
import { createEstateStore } from '../estate/estate-store.ts';

/**
 * The estate store's behaviour on an inventory from each backend: the lab's own, and the same lab
 * estate as the PowerShell backend reads it through the scripts (seed 3, 60 VMs, clock at 0).
 */
export function estateStoreSuite(name: string, source: () => Promise<EstateInventory>, options: { sourceTimeoutMs?: number } = {}): void {
  let base: EstateInventory;
  beforeAll(async () => { base = await source(); }, options.sourceTimeoutMs ?? 60_000);

  function setup() {
    const clock = manualClock(1000);
    const batches: PatchBatch[] = [];
    const estate = structuredClone(base);
    const store = createEstateStore(estate, { clock, batchMs: 250, publish: (b) => batches.push(b) });
    return { clock, batches, store, estate };
  }

  describe(`estate store on ${name}`, () => {
    it('batches changes: nothing goes out before the interval, one batch after it', () => {
      const { clock, batches, store } = setup();
      const vm = [...store.vms()].find((v) => v.state === 'Running')!;
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { cpuUsagePct: 99 } }]);
      clock.advance(249);
      expect(batches).toHaveLength(0);
      clock.advance(1);
      expect(batches).toHaveLength(1);
      expect(batches[0]!.seq).toBe(1);
    });

    it('coalesces repeated changes to one entity into one patch carrying the latest values', () => {
      const { clock, batches, store } = setup();
      const vm = [...store.vms()].find((v) => v.state === 'Running')!;
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { cpuUsagePct: 10 } }]);
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { cpuUsagePct: 20, heartbeat: 'OkApplicationsCritical' } }]);
      clock.advance(250);
      const vmPatches = batches[0]!.patches.filter((p) => p.op === 'merge' && p.kind === 'vm');
      expect(vmPatches).toEqual([{ op: 'merge', kind: 'vm', id: vm.id, value: { cpuUsagePct: 20, heartbeat: 'OkApplicationsCritical' } }]);
    });

    it('derives host capacity from its VMs and re-derives it when a VM stops or moves', () => {
      const { clock, batches, store } = setup();
      const vm = [...store.vms()].find((v) => v.state === 'Running' && v.siteId === 'site-pri')!;
      const before = store.getHost(vm.hostId)!;
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { state: 'Off' } }]);
      const after = store.getHost(vm.hostId)!;
      expect(after.memoryAssignedBytes).toBe(before.memoryAssignedBytes - vm.memoryBytes);
      expect(after.runningVmCount).toBe(before.runningVmCount - 1);
      expect(after.vmCount).toBe(before.vmCount);

      const other = [...store.hosts()].find((h) => h.clusterId === vm.clusterId && h.id !== vm.hostId)!;
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { hostId: other.id } }]);
      expect(store.getHost(vm.hostId)!.vmCount).toBe(before.vmCount - 1);
      expect(store.getHost(other.id)!.vmCount).toBe(other.vmCount + 1);
      clock.advance(250);
      const hostMerges = batches[0]!.patches.filter((p) => p.op === 'merge' && p.kind === 'host');
      expect(hostMerges.map((p) => (p as { id: string }).id).sort()).toEqual([vm.hostId, other.id].sort());
    });

    it('a snapshot includes pending changes and the seq they went out under, so a client never double-counts', () => {
      const { batches, store } = setup();
      const vm = [...store.vms()][0]!;
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { cpuUsagePct: 42 } }]);
      const snapshot = store.snapshot();
      expect(batches).toHaveLength(1);
      expect(snapshot.seq).toBe(batches[0]!.seq);
      expect(snapshot.vms[vm.id]!.cpuUsagePct).toBe(42);
      expect(applyPatches(snapshot, batches[0]!)).toBe(snapshot);
    });

    it('a client replaying snapshot + batches ends equal to the core', () => {
      const { clock, batches, store } = setup();
      const start = store.snapshot();
      const vms = [...store.vms()];
      for (let i = 0; i < 50; i++) {
        const vm = vms[(i * 7) % vms.length]!;
        store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { state: i % 2 ? 'Off' : 'Running', cpuUsagePct: i } }]);
        if (i % 9 === 0) clock.advance(250);
      }
      store.apply([{ op: 'remove', kind: 'vm', id: vms[1]!.id }]);
      clock.advance(250);
      const replayed = batches.filter((b) => b.seq > start.seq).reduce(applyPatches, start);
      expect(replayed).toEqual(store.snapshot());
    });

    it('a replication cycle goes out as the fields that changed inside the replication object', () => {
      const { clock, batches, store } = setup();
      const start = store.snapshot();
      const vm = [...store.vms()].find((v) => v.replication?.mode === 'Primary')!;
      const landed = vm.replication!.lastReplicationTime! + 30_000;
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { replication: { ...vm.replication!, pendingBytes: 123 } } }]);
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { replication: { ...store.getVm(vm.id)!.replication!, lastReplicationTime: landed, pendingBytes: 0 } } }]);
      clock.advance(250);
      const patch = batches.at(-1)!.patches.find((p) => p.op === 'merge' && p.kind === 'vm' && p.id === vm.id);
      if (patch?.op !== 'merge' || patch.kind !== 'vm') throw new Error('no merge for the VM');
      expect(patch.value).toEqual({});
      expect(patch.nested!.replication).toEqual({ lastReplicationTime: landed, ...(vm.replication!.pendingBytes !== 0 ? { pendingBytes: 0 } : {}) });
      // The RPO moves with the cycle: its breach time, nothing else.
      expect(patch.nested!.rpo).toEqual({ breachAt: store.getVm(vm.id)!.rpo!.breachAt });
      // A change undone within the batch sends nothing for that VM.
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { cpuUsagePct: 77 } }]);
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { cpuUsagePct: store.getVm(vm.id)!.cpuUsagePct === 77 ? vm.cpuUsagePct : 77 } }]);
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { cpuUsagePct: vm.cpuUsagePct } }]);
      clock.advance(250);
      expect(batches.slice(1).flatMap((b) => b.patches).filter((p) => p.op === 'merge' && p.kind === 'vm' && p.id === vm.id && 'cpuUsagePct' in p.value)).toEqual([]);
      const replayed = batches.filter((b) => b.seq > start.seq).reduce(applyPatches, start);
      expect(replayed).toEqual(store.snapshot());
    });

    it('refuses a change to a VM it does not know, naming it', () => {
      const { store } = setup();
      expect(() => store.apply([{ op: 'merge', kind: 'vm', id: 'p:NOPE', value: { cpuUsagePct: 1 } }])).toThrow(/unknown VM p:NOPE/);
    });
  });

  describe(`estate store on ${name}: RPO compliance`, () => {
    it('marks a protected VM out of RPO once the estate clock passes its target, and back in after a cycle', () => {
      const { clock, batches, store } = setup();
      const vm = [...store.vms()].find((v) => v.replication?.mode === 'Primary' && v.tier === 0)!;
      expect(vm.rpo).toMatchObject({ targetSec: 120, met: true });
      const last = vm.replication!.lastReplicationTime!;
      store.apply([{ op: 'clock', value: { source: 'lab', now: last + 119_000, speed: 1 } }]);
      expect(store.getVm(vm.id)!.rpo!.met).toBe(true);
      store.apply([{ op: 'clock', value: { source: 'lab', now: last + 121_000, speed: 1 } }]);
      expect(store.getVm(vm.id)!.rpo!.met).toBe(false);
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { replication: { ...vm.replication!, lastReplicationTime: last + 120_500 } } }]);
      expect(store.getVm(vm.id)!.rpo!.met).toBe(true);
      clock.advance(250);
      const rpoPatches = batches.flatMap((b) => b.patches).filter((p) => p.op === 'merge' && p.kind === 'vm' && p.id === vm.id);
      expect(rpoPatches.length).toBe(1);
    });

    it('replicas and extended replicas carry no RPO of their own', () => {
      const { store } = setup();
      for (const vm of store.vms()) if (vm.replication?.mode !== 'Primary' || vm.replication.relationship !== 'Simple') expect(vm.rpo ?? null).toBeNull();
    });
  });
}
