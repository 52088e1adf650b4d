import { describe, expect, it } from 'vitest';
import type { EstateSnapshot, Patch, PatchBatch, Replication, Vm } from './estate.ts';
import { applyBatches, applyPatches } from './apply-patches.ts';
import { coalesceBatches } from './coalesce-patches.ts';

const replication = (t: number): Replication => ({
  mode: 'Primary', relationship: 'Simple', state: 'Replicating', health: 'Normal', frequencySec: 30, primaryServer: 'a',
  replicaServer: 'b', lastReplicationTime: t, pendingBytes: t * 10, additionalRecoveryPoints: 0, appConsistentIntervalHours: 0,
} as Replication);
const vm = (id: string, cpu: number, withReplication: boolean): Vm => ({
  id, vmId: id, name: id, siteId: 's', clusterId: 'c', hostId: 'h', state: 'Running', heartbeat: 'OkApplicationsHealthy',
  cpuCount: 2, cpuUsagePct: cpu, memoryBytes: 1, diskBytes: 1, tier: 0, workload: 'w', priority: 'High', tags: [],
  replication: withReplication ? replication(0) : null, extendedReplication: null,
} as Vm);
const start: EstateSnapshot = {
  seq: 1, backend: { kind: 'lab', description: 'x', seed: 1 }, clock: { source: 'lab', now: 0, speed: 1 },
  sites: {}, clusters: {}, hosts: {}, vms: { a: vm('a', 1, true), b: vm('b', 2, false), c: vm('c', 3, true) },
};

/** mulberry32: the same sequences on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPatch(next: () => number, i: number): Patch {
  const id = ['a', 'b', 'c', 'd'][Math.floor(next() * 4)]!;
  const r = next();
  if (r < 0.08) return { op: 'remove', kind: 'vm', id };
  if (r < 0.16) return { op: 'put', kind: 'vm', value: vm(id, i, next() < 0.5) };
  if (r < 0.22) return { op: 'clock', value: { source: 'lab', now: i, speed: 600 } };
  const value: Partial<Vm> = {};
  if (next() < 0.6) value.cpuUsagePct = i;
  if (next() < 0.1) value.replication = next() < 0.5 ? null : replication(i);
  if (next() < 0.1) value.rpo = { targetSec: 30, met: next() < 0.5, breachAt: i };
  const nested: Record<string, object> = {};
  if (next() < 0.6) nested.replication = next() < 0.5 ? { lastReplicationTime: i } : { pendingBytes: i, lastReplicationTime: i };
  if (next() < 0.3) nested.rpo = { met: next() < 0.5 };
  return { op: 'merge', kind: 'vm', id, value, ...(Object.keys(nested).length ? { nested } : {}) } as Patch;
}

describe('coalesceBatches', () => {
  it('applied once, equals the batches applied in order, over 500 random sequences', () => {
    for (let seed = 1; seed <= 500; seed++) {
      const next = random(seed);
      const batches: PatchBatch[] = [];
      let seq = 1;
      let i = 0;
      for (let b = 0; b < 1 + Math.floor(next() * 6); b++) {
        const patches: Patch[] = [];
        for (let p = 0; p < Math.floor(next() * 8); p++) patches.push(randomPatch(next, ++i));
        batches.push({ seq: ++seq, patches });
      }
      const wire = structuredClone(batches);
      const one = coalesceBatches([...batches].reverse())!;
      expect(one.seq, `seed ${seed}`).toBe(seq);
      expect(applyPatches(start, one), `seed ${seed}`).toEqual(applyBatches(start, batches));
      expect(batches, `seed ${seed}: the batches are left as they came`).toEqual(wire);
    }
  });

  it('keeps one patch per entity: a second of a 600× lab (four batches of every VM) becomes one', () => {
    const batches = [2, 3, 4, 5].map((seq) => ({
      seq, patches: ['a', 'b', 'c'].map((id) => ({ op: 'merge' as const, kind: 'vm' as const, id, value: {}, nested: { replication: { lastReplicationTime: seq } } })),
    }));
    const one = coalesceBatches(batches)!;
    expect(one.patches).toHaveLength(3);
    expect(one.patches[0]).toEqual({ op: 'merge', kind: 'vm', id: 'a', value: {}, nested: { replication: { lastReplicationTime: 5 } } });
  });

  it('a remove wins over what came before it and over merges after it; a put after it brings the entity back', () => {
    const removed = coalesceBatches([
      { seq: 2, patches: [{ op: 'merge', kind: 'vm', id: 'a', value: { cpuUsagePct: 9 } }, { op: 'remove', kind: 'vm', id: 'a' }] },
      { seq: 3, patches: [{ op: 'merge', kind: 'vm', id: 'a', value: { cpuUsagePct: 10 } }] },
    ])!;
    expect(removed.patches).toEqual([{ op: 'remove', kind: 'vm', id: 'a' }]);
    const back = coalesceBatches([
      { seq: 2, patches: [{ op: 'remove', kind: 'vm', id: 'a' }] },
      { seq: 3, patches: [{ op: 'put', kind: 'vm', value: vm('a', 4, false) }, { op: 'merge', kind: 'vm', id: 'a', value: { cpuUsagePct: 5 } }] },
    ])!;
    expect(back.patches).toEqual([{ op: 'put', kind: 'vm', value: vm('a', 5, false) }]);
  });

  it('has nothing to say for no batches', () => {
    expect(coalesceBatches([])).toBeNull();
  });
});
