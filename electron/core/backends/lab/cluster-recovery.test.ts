import { describe, expect, it } from 'vitest';
import { LabSimulation } from './simulation.ts';

const START = Date.UTC(2026, 10, 25, 3);

describe('the cluster restarts the roles of a dead node', () => {
  it('only on a possible owner, and on its preferred owner when that one is up', () => {
    const sim = new LabSimulation({ seed: 20261125, vmCount: 600, startTime: START });
    const world = sim.world;
    const pinned = [...world.vms.values()].find((v) => v.possibleOwners && v.state === 'Running')!;
    expect(pinned.possibleOwners!.length).toBeLessThan(world.clusters.get(pinned.clusterId)!.hostIds.length);
    const before = pinned.hostId;
    sim.cluster.crash(world.hosts.get(before)!, 'test');
    sim.runFor(5 * 60_000);
    const after = world.vms.get(pinned.id)!;
    expect(after.hostId).not.toBe(before);
    expect(pinned.possibleOwners).toContain(after.hostId);
    const preferredUp = (pinned.preferredOwners ?? []).find((id) => id !== before);
    if (preferredUp) expect(after.hostId).toBe(preferredUp);
    expect(['Running', 'Starting']).toContain(after.state);
  });

  it('keeps VMs of one anti-affinity class apart while another node has room', () => {
    const sim = new LabSimulation({ seed: 20261125, vmCount: 600, startTime: START });
    const world = sim.world;
    const dc = [...world.vms.values()].find((v) => v.antiAffinity?.includes('AD-DC') && v.state === 'Running' && !v.possibleOwners)!;
    const from = dc.hostId;
    sim.cluster.crash(world.hosts.get(from)!, 'test');
    sim.runFor(5 * 60_000);
    const moved = world.vms.get(dc.id)!;
    const neighbours = [...(world.vmsByHost.get(moved.hostId) ?? [])].map((id) => world.vms.get(id)!).filter((v) => v.id !== dc.id);
    expect(neighbours.filter((v) => v.antiAffinity?.includes('AD-DC') && v.state === 'Running').map((v) => v.name)).toEqual([]);
  });
});
