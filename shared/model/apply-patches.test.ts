import { describe, expect, it } from 'vitest';
import type { EstateSnapshot, Vm } from './estate.ts';
import { applyBatches, applyPatches } from './apply-patches.ts';

const vm = (id: string, cpu = 1): Vm => ({
  id, vmId: id, name: id, siteId: 's', clusterId: 'c', hostId: 'h', state: 'Running', heartbeat: 'OkApplicationsHealthy',
  cpuCount: 2, cpuUsagePct: cpu, memoryBytes: 1, diskBytes: 1, tier: 0, workload: 'w', priority: 'High', tags: [],
  replication: null, extendedReplication: null,
});
const base: EstateSnapshot = {
  seq: 5, backend: { kind: 'lab', description: 'x', seed: 1 }, clock: { source: 'lab', now: 0, speed: 1 },
  sites: {}, clusters: {}, hosts: {}, vms: { a: vm('a'), b: vm('b') },
};

describe('applyPatches', () => {
  it('keeps the identity of everything a batch did not touch', () => {
    const next = applyPatches(base, { seq: 6, patches: [{ op: 'merge', kind: 'vm', id: 'a', value: { cpuUsagePct: 50 } }] });
    expect(next.vms.a!.cpuUsagePct).toBe(50);
    expect(next.vms.b).toBe(base.vms.b);
    expect(next.hosts).toBe(base.hosts);
    expect(base.vms.a!.cpuUsagePct).toBe(1);
  });

  it('ignores batches at or below the snapshot seq', () => {
    expect(applyPatches(base, { seq: 5, patches: [{ op: 'remove', kind: 'vm', id: 'a' }] })).toBe(base);
  });

  it('puts, removes and moves the clock', () => {
    const next = applyPatches(base, {
      seq: 7,
      patches: [{ op: 'put', kind: 'vm', value: vm('c') }, { op: 'remove', kind: 'vm', id: 'a' }, { op: 'clock', value: { source: 'lab', now: 9, speed: 60 } }],
    });
    expect(Object.keys(next.vms).sort()).toEqual(['b', 'c']);
    expect(next.clock.speed).toBe(60);
    expect(next.seq).toBe(7);
  });
});

describe('nested merges', () => {
  const replication = { mode: 'Primary', relationship: 'Simple', state: 'Replicating', health: 'Normal', frequencySec: 300, primaryServer: 'a', replicaServer: 'b', lastReplicationTime: 1, pendingBytes: 5, additionalRecoveryPoints: 0, appConsistentIntervalHours: 0 } as const;
  it('merges fields into the object the receiver holds and leaves the rest of it', () => {
    const start = { ...base, vms: { ...base.vms, a: { ...vm('a'), replication } } };
    const next = applyPatches(start, { seq: 6, patches: [{ op: 'merge', kind: 'vm', id: 'a', value: { cpuUsagePct: 3 }, nested: { replication: { lastReplicationTime: 9, pendingBytes: 0 } } }] });
    expect(next.vms.a!.replication).toEqual({ ...replication, lastReplicationTime: 9, pendingBytes: 0 });
    expect(next.vms.a!.cpuUsagePct).toBe(3);
    expect(start.vms.a!.replication!.lastReplicationTime).toBe(1);
  });
  it('does not invent an object the receiver does not hold', () => {
    const next = applyPatches(base, { seq: 6, patches: [{ op: 'merge', kind: 'vm', id: 'a', value: {}, nested: { replication: { pendingBytes: 0 } } }] });
    expect(next.vms.a!.replication).toBeNull();
  });
});

describe('applyBatches', () => {
  it('applies batches in seq order, skips stale ones, and equals applying them one by one', () => {
    const b6 = { seq: 6, patches: [{ op: 'merge' as const, kind: 'vm' as const, id: 'a', value: { cpuUsagePct: 6 } }] };
    const b7 = { seq: 7, patches: [{ op: 'merge' as const, kind: 'vm' as const, id: 'a', value: { cpuUsagePct: 7 } }] };
    const stale = { seq: 4, patches: [{ op: 'remove' as const, kind: 'vm' as const, id: 'b' }] };
    const together = applyBatches(base, [b7, stale, b6]);
    expect(together).toEqual(applyPatches(applyPatches(base, b6), b7));
    expect(together.vms.a!.cpuUsagePct).toBe(7);
    expect(together.vms.b).toBe(base.vms.b);
  });

  it('merging one entity in many batches leaves the snapshot it started from, and the batches, as they were', () => {
    const replication = { mode: 'Primary', relationship: 'Simple', state: 'Replicating', health: 'Normal', frequencySec: 30, primaryServer: 'a', replicaServer: 'b', lastReplicationTime: 1, pendingBytes: 5, additionalRecoveryPoints: 0, appConsistentIntervalHours: 0 } as const;
    const start = { ...base, vms: { ...base.vms, a: { ...vm('a'), replication } } };
    const frozen = structuredClone(start);
    const put = { op: 'put' as const, kind: 'vm' as const, value: vm('c', 4) };
    const batches = [
      { seq: 6, patches: [{ op: 'merge' as const, kind: 'vm' as const, id: 'a', value: { cpuUsagePct: 6 }, nested: { replication: { lastReplicationTime: 6 } } }, put] },
      { seq: 7, patches: [{ op: 'merge' as const, kind: 'vm' as const, id: 'a', value: { cpuUsagePct: 7 }, nested: { replication: { pendingBytes: 7 } } }, { op: 'merge' as const, kind: 'vm' as const, id: 'c', value: { cpuUsagePct: 8 } }] },
      { seq: 8, patches: [{ op: 'merge' as const, kind: 'vm' as const, id: 'a', value: { cpuUsagePct: 9 } }] },
    ];
    const wire = structuredClone(batches);
    const together = applyBatches(start, batches);
    expect(together).toEqual(batches.reduce(applyPatches, start));
    expect(together.vms.a).toMatchObject({ cpuUsagePct: 9, replication: { lastReplicationTime: 6, pendingBytes: 7 } });
    expect(together.vms.c!.cpuUsagePct).toBe(8);
    expect(start).toEqual(frozen);
    expect(batches).toEqual(wire);
    // The next apply starts from this result and must not change it either.
    const after = applyBatches(together, [{ seq: 9, patches: [{ op: 'merge', kind: 'vm', id: 'a', value: { cpuUsagePct: 10 }, nested: { replication: { pendingBytes: 10 } } }] }]);
    expect(together.vms.a).toMatchObject({ cpuUsagePct: 9, replication: { pendingBytes: 7 } });
    expect(after.vms.a).toMatchObject({ cpuUsagePct: 10, replication: { pendingBytes: 10 } });
  });
});
