import { describe, expect, it } from 'vitest';
import { generateLabEstate } from './estate-generator.ts';
import { createEstateStore } from '../../estate/estate-store.ts';
import { manualClock } from '../../testing/memory-ports.ts';

const START = Date.UTC(2026, 10, 25, 3);

describe('lab estate generator', () => {
  const estate = generateLabEstate({ seed: 7, vmCount: 600, startTime: START });
  const primaryVms = estate.vms.filter((v) => v.siteId === 'site-pri');

  it('builds the default hospital estate: 3 sites, 3×12 primary hosts, 600 primary VMs', () => {
    expect(estate.sites.map((s) => s.role)).toEqual(['primary', 'dr', 'cloud']);
    const primaryClusters = estate.clusters.filter((c) => c.siteId === 'site-pri');
    expect(primaryClusters.map((c) => c.name)).toEqual(['CL-A', 'CL-B', 'CL-C']);
    expect(primaryClusters.every((c) => c.hostIds.length === 12)).toBe(true);
    expect(primaryVms).toHaveLength(600);
    const drClusters = estate.clusters.filter((c) => c.siteId === 'site-dr');
    expect(drClusters.length).toBeLessThan(primaryClusters.length);
  });

  it('is deterministic for a seed and different across seeds', () => {
    const again = generateLabEstate({ seed: 7, vmCount: 600, startTime: START });
    expect(JSON.stringify(again.vms)).toBe(JSON.stringify(estate.vms));
    const other = generateLabEstate({ seed: 8, vmCount: 600, startTime: START });
    expect(JSON.stringify(other.vms)).not.toBe(JSON.stringify(estate.vms));
  });

  it('gives every replicated VM a replica at DR and an extended replica in the cloud, sharing its vmId', () => {
    const replicated = primaryVms.filter((v) => v.replication);
    expect(replicated.length).toBeGreaterThan(590);
    for (const vm of replicated) {
      const copies = estate.vms.filter((v) => v.vmId === vm.vmId);
      expect(copies.map((c) => c.replication?.mode).sort()).toEqual(['ExtendedReplica', 'Primary', 'Replica']);
      const replica = copies.find((c) => c.replication?.mode === 'Replica')!;
      expect(replica.siteId).toBe('site-dr');
      expect(replica.state).toBe('Off');
      expect(replica.extendedReplication?.relationship).toBe('Extended');
    }
  });

  it('uses only the frequencies Hyper-V accepts, by tier, and 5/15 min for extended replication', () => {
    const byTier = { 0: 30, 1: 300, 2: 900 } as const;
    for (const vm of primaryVms.filter((v) => v.replication)) expect(vm.replication!.frequencySec).toBe(byTier[vm.tier]);
    for (const vm of estate.vms.filter((v) => v.extendedReplication)) expect([300, 900]).toContain(vm.extendedReplication!.frequencySec);
    const tiers = new Set(primaryVms.map((v) => v.tier));
    expect(tiers).toEqual(new Set([0, 1, 2]));
  });

  it('has unique names and ids, and places every VM on a host of its own site', () => {
    expect(new Set(primaryVms.map((v) => v.name)).size).toBe(primaryVms.length);
    expect(new Set(estate.vms.map((v) => v.id)).size).toBe(estate.vms.length);
    const hosts = new Map(estate.hosts.map((h) => [h.id, h]));
    for (const vm of estate.vms) {
      const host = hosts.get(vm.hostId);
      expect(host, vm.name).toBeDefined();
      expect(host!.siteId).toBe(vm.siteId);
      expect(host!.clusterId).toBe(vm.clusterId);
    }
  });

  it('fits: no primary host over its memory, and the DR site can run the whole estate', () => {
    const store = createEstateStore(estate, { clock: manualClock(), batchMs: 250, publish: () => {} });
    const snapshot = store.snapshot();
    for (const host of Object.values(snapshot.hosts)) {
      expect(host.memoryAssignedBytes, host.name).toBeLessThanOrEqual(host.memoryBytes - host.hostReserveBytes);
    }
    const drHosts = Object.values(snapshot.hosts).filter((h) => h.siteId === 'site-dr');
    const drCapacity = drHosts.reduce((sum, h) => sum + h.memoryBytes - h.hostReserveBytes, 0);
    const needed = Object.values(snapshot.vms).filter((v) => v.siteId === 'site-dr').reduce((sum, v) => sum + v.memoryBytes, 0);
    expect(needed).toBeLessThan(drCapacity);
  });

  it('scales its hosts for a 10,000-VM estate', () => {
    const big = generateLabEstate({ seed: 1, vmCount: 10_000, startTime: START });
    expect(big.vms.filter((v) => v.siteId === 'site-pri')).toHaveLength(10_000);
    expect(big.clusters.filter((c) => c.siteId === 'site-pri').length).toBe(50);
  });

  it('refuses a nonsensical size with a message that names it', () => {
    expect(() => generateLabEstate({ seed: 1, vmCount: 3, startTime: START })).toThrow(/vmCount must be an integer of at least 10 \(got 3\)/);
  });
});
