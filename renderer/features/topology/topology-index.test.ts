import { describe, expect, it } from 'vitest';
import { cluster, estate, host, replication, site, twoSiteEstate, vm } from '../../testing/estate-fixture.ts';
import { ReplicationOverlay, buildTopologyIndex } from './topology-index.ts';

const GiB = 1024 ** 3;

/** Primary site A (two hosts), DR site B (two hosts, one cluster), cloud site C: three copies of g1. */
function pairedEstate() {
  const a1 = host('a1', 'A', 'ca');
  const a2 = host('a2', 'A', 'ca');
  const b1 = host('b1', 'B', 'cb', { memoryBytes: 64 * GiB, hostReserveBytes: 8 * GiB });
  const b2 = host('b2', 'B', 'cb', { memoryBytes: 64 * GiB, hostReserveBytes: 8 * GiB });
  const c1 = host('c1', 'C', 'cc');
  const vms = [
    vm('p1', a1, { vmId: 'g1', replication: replication('Primary', { health: 'Warning' }) }),
    vm('p2', a1, { vmId: 'g2', replication: replication('Primary', { health: 'Critical' }) }),
    vm('p3', a1, { vmId: 'g3', replication: replication('Primary', { health: 'Warning' }) }),
    vm('p4', a1, { vmId: 'g4' }),
    vm('local', a1, { vmId: 'g5', replication: null }),
    vm('p6', a2, { vmId: 'g6' }),
    vm('r1', b1, { vmId: 'g1', state: 'Off', memoryBytes: 40 * GiB, replication: replication('Replica', { health: 'Warning' }), extendedReplication: replication('Replica', { replicaServer: 'cloud-1' }) }),
    vm('r2', b1, { vmId: 'g2', state: 'Off', memoryBytes: 40 * GiB, replication: replication('Replica', { health: 'Critical' }) }),
    vm('r3', b2, { vmId: 'g3', state: 'Off', memoryBytes: 40 * GiB, replication: replication('Replica') }),
    vm('r4', b2, { vmId: 'g4', state: 'Off', memoryBytes: 8 * GiB, replication: replication('Replica') }),
    vm('x1', c1, { vmId: 'g1', state: 'Off', replication: replication('ExtendedReplica') }),
  ];
  return estate({
    sites: [site('A', 'primary', ['ca']), site('B', 'dr', ['cb']), site('C', 'cloud', ['cc'])],
    clusters: [cluster('ca', 'A', ['a1', 'a2']), cluster('cb', 'B', ['b1', 'b2']), cluster('cc', 'C', ['c1'])],
    hosts: [a1, a2, b1, b2, c1],
    vms,
  });
}

describe('ReplicationOverlay', () => {
  const overlayOf = (snap: ReturnType<typeof pairedEstate>) => new ReplicationOverlay(buildTopologyIndex(snap));

  it('tallies the health the core reported for the VMs on each host, worst first', () => {
    const snap = pairedEstate();
    const overlay = overlayOf(snap);
    expect(overlay.hostHealth('a1', snap)).toEqual({ normal: 1, warning: 2, critical: 1, other: 1, worst: 'Critical' });
    expect(overlay.hostHealth('a2', snap)).toEqual({ normal: 1, warning: 0, critical: 0, other: 0, worst: 'Normal' });
    expect(overlay.hostHealth('b2', snap)).toMatchObject({ normal: 2, worst: 'Normal' });
    expect(overlay.hostHealth('nowhere', snap)).toMatchObject({ worst: null });
  });

  it('links each copy to the hosts of its partner copies', () => {
    const snap = pairedEstate();
    const overlay = overlayOf(snap);
    expect(overlay.copyLinks('p1', snap)).toEqual({ fromHostIds: [], toHostIds: ['b1'], fromFallback: null, toFallback: null });
    // A replica comes from the primary and, being extended, feeds the cloud copy.
    expect(overlay.copyLinks('r1', snap)).toEqual({ fromHostIds: ['a1'], toHostIds: ['c1'], fromFallback: null, toFallback: null });
    expect(overlay.copyLinks('r2', snap)).toMatchObject({ fromHostIds: ['a1'], toHostIds: [] });
    expect(overlay.copyLinks('x1', snap)).toMatchObject({ fromHostIds: ['b1'], toHostIds: [] });
    expect(overlay.copyLinks('local', snap)).toBeNull();
  });

  it('falls back to the configured server name when the partner copy is not in the estate', () => {
    const snap = pairedEstate();
    delete snap.vms['r4'];
    expect(overlayOf(snap).copyLinks('p4', snap)).toMatchObject({ toHostIds: [], toFallback: 'hv-b' });
  });

  it('counts the partner copies of a host by the host that holds them', () => {
    const snap = pairedEstate();
    const overlay = overlayOf(snap);
    expect(overlay.partnerHosts('a1', 'to', snap)).toEqual([{ hostId: 'b1', count: 2 }, { hostId: 'b2', count: 2 }]);
    expect(overlay.partnerHosts('b1', 'from', snap)).toEqual([{ hostId: 'a1', count: 2 }]);
    expect(overlay.partnerHosts('b1', 'to', snap)).toEqual([{ hostId: 'c1', count: 1 }]);
  });

  it('sums replica memory against usable host memory per cluster that holds replicas', () => {
    const snap = pairedEstate();
    const overlay = overlayOf(snap);
    // 40 + 40 + 40 + 8 GiB of replicas against 2 × (64 − 8) GiB: short by 16 GiB.
    expect(overlay.headroom('cb', snap)).toEqual({ replicaCount: 4, replicaMemoryBytes: 128 * GiB, usableBytes: 112 * GiB });
    expect(overlay.headroom('cc', snap)).toMatchObject({ replicaCount: 1 });
    expect(overlay.headroom('ca', snap)).toBeNull();
  });

  it('keeps unchanged answers identical across patches and recomputes changed ones', () => {
    const snap = pairedEstate();
    const overlay = overlayOf(snap);
    const before = { a1: overlay.hostHealth('a1', snap), b1: overlay.hostHealth('b1', snap), p2: overlay.copyLinks('p2', snap), cb: overlay.headroom('cb', snap) };
    const next: typeof snap = { ...snap, vms: { ...snap.vms, p2: { ...snap.vms['p2']!, replication: replication('Primary', { health: 'Normal' }) } } };
    expect(overlay.hostHealth('a1', next)).not.toBe(before.a1);
    expect(overlay.hostHealth('a1', next)).toMatchObject({ critical: 0, normal: 2, worst: 'Warning' });
    expect(overlay.hostHealth('b1', next)).toBe(before.b1);
    expect(overlay.copyLinks('p2', next)).toBe(before.p2);
    expect(overlay.headroom('cb', next)).toBe(before.cb);
    // A failover-like change of modes moves the pair.
    const swapped: typeof snap = { ...next, vms: { ...next.vms, r2: { ...next.vms['r2']!, replication: replication('Primary') }, p2: { ...next.vms['p2']!, replication: replication('Replica') } } };
    expect(overlay.copyLinks('p2', swapped)).toMatchObject({ fromHostIds: ['b1'], toHostIds: [] });
    expect(overlay.headroom('cb', swapped)).toMatchObject({ replicaCount: 3, replicaMemoryBytes: 88 * GiB });
  });

  it('costs only the rows asked for on a large estate', () => {
    const snap = twoSiteEstate(15_000);
    const overlay = new ReplicationOverlay(buildTopologyIndex(snap));
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) overlay.copyLinks(`p${i}`, snap);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(overlay.headroom('cb', snap)).toMatchObject({ replicaCount: 15_000 });
    expect(overlay.hostHealth('a1', snap)).toMatchObject({ normal: 15_000 });
  });
});
