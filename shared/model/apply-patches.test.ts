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
});
