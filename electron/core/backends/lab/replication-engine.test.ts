import { describe, expect, it } from 'vitest';
import { HEALTH_RULES, replicationHealth } from './health-rules.ts';
import { HOUR, MINUTE, labFixture } from '../../testing/lab-fixture.ts';

describe('replication health rules', () => {
  const base = { state: 'Replicating' as const, now: 10 * HOUR, lastSuccess: 10 * HOUR - MINUTE, missedInWindow: 0, expectedInWindow: 120 };
  it('is Normal when cycles succeed', () => {
    expect(replicationHealth(base).health).toBe('Normal');
  });
  it('warns at 20% missed cycles in the window, or after an hour without replication', () => {
    expect(replicationHealth({ ...base, missedInWindow: 23 }).health).toBe('Normal');
    expect(replicationHealth({ ...base, missedInWindow: 24 }).health).toBe('Warning');
    expect(replicationHealth({ ...base, lastSuccess: base.now - HEALTH_RULES.warningStaleMs - 1 }).health).toBe('Warning');
  });
  it('is Critical in error, when resynchronization is required, or long without replication', () => {
    expect(replicationHealth({ ...base, state: 'Error' }).health).toBe('Critical');
    expect(replicationHealth({ ...base, state: 'WaitingForStartResynchronize' }).health).toBe('Critical');
    expect(replicationHealth({ ...base, lastSuccess: base.now - HEALTH_RULES.criticalStaleMs - 1 }).health).toBe('Critical');
  });
});

describe('replication in the lab', () => {
  it('advances replication times and lets pending bytes rise and fall with the cycles', () => {
    const { sim, firstReplicated } = labFixture({ vmCount: 600 });
    const vm = firstReplicated(0);
    const pending: number[] = [];
    const times = new Set<number>();
    for (let s = 0; s < 10 * 60; s += 5) {
      sim.runFor(5_000);
      pending.push(vm.replication!.pendingBytes);
      times.add(vm.replication!.lastReplicationTime!);
    }
    expect(sim.now - vm.replication!.lastReplicationTime!).toBeLessThanOrEqual(30_000 + 5_000);
    expect(times.size).toBeGreaterThanOrEqual(15); // a 30 s cycle, ten minutes
    expect(Math.max(...pending)).toBeGreaterThan(0);
    expect(Math.min(...pending)).toBeLessThan(Math.max(...pending) / 2);
    expect(vm.replication!.health).toBe('Normal');
    // Each cycle reaches the replica record too, and the extended replica downstream.
    const replica = sim.world.copies(vm.vmId).find((c) => c.replication?.mode === 'Replica')!;
    expect(vm.replication!.lastReplicationTime! - replica.replication!.lastReplicationTime!).toBeLessThan(5 * MINUTE);
    expect(replica.replication!.lastReplicationTime!).toBeGreaterThan(sim.now - 6 * MINUTE);
    expect(sim.replication.sourcesOf(replica.id)[0]!.writtenTotal).toBeGreaterThan(0);
  });

  it('sends patches with only the fields that changed', () => {
    const { sim } = labFixture();
    sim.flushPatches();
    sim.runFor(5 * MINUTE);
    const patches = sim.flushPatches();
    expect(patches.length).toBeGreaterThan(0);
    for (const patch of patches) {
      expect(patch.op).toBe('merge');
      if (patch.op === 'merge') expect(Object.keys(patch.value).every((k) => ['replication', 'extendedReplication'].includes(k))).toBe(true);
    }
    expect(sim.flushPatches()).toEqual([]);
  });

  it('turns VMs Warning then Critical when the WAN is cut, and recovers after it is restored', () => {
    const { sim, backend, firstReplicated } = labFixture({ vmCount: 600 });
    const tier0 = firstReplicated(0);
    const tier2 = firstReplicated(2);
    sim.runFor(10 * MINUTE);
    expect(tier0.replication!.health).toBe('Normal');
    const cutAt = sim.now;
    const fault = backend.injectFault({ kind: 'wan-cut', link: 'primary-dr' });

    sim.runFor(15 * MINUTE);
    expect(tier0.replication!.health).toBe('Warning'); // 30 of 120 cycles missed
    expect(tier0.replication!.state).toBe('Replicating'); // Hyper-V keeps retrying
    expect(tier0.replication!.lastReplicationTime!).toBeLessThanOrEqual(cutAt);
    const pendingDuringCut = tier0.replication!.pendingBytes;
    expect(pendingDuringCut).toBeGreaterThan(0);

    sim.runFor(3 * HOUR);
    expect(tier0.replication!.health).toBe('Critical');
    expect(tier2.replication!.health).toBe('Critical');
    const critical = [...sim.world.vms.values()].filter((v) => v.replication?.mode === 'Primary' && v.replication.health === 'Critical');
    expect(critical.length).toBeGreaterThan(500);

    const restoredAt = sim.now;
    backend.clearFault(fault.id);
    // Every VM now ships three hours of changes at once over the shared link: catching up takes a while.
    let caughtUpAfter = 0;
    while (tier0.replication!.lastReplicationTime! <= restoredAt && caughtUpAfter < 4 * HOUR) {
      sim.runFor(MINUTE);
      caughtUpAfter += MINUTE;
    }
    expect(caughtUpAfter).toBeGreaterThan(5 * MINUTE);
    expect(caughtUpAfter).toBeLessThan(3 * HOUR);
    expect(tier0.replication!.health).not.toBe('Critical');
    sim.runFor(HOUR + 10 * MINUTE);
    expect(tier0.replication!.health).toBe('Normal');
    expect(tier2.replication!.health).toBe('Normal');
    const log = sim.world.log.all().filter((e) => e.vm === tier0.name && e.kind === 'replication.health' && e.message.includes('(to the replica)')).map((e) => e.message);
    expect(log.map((m) => /to (\w+)\./.exec(m)![1])).toEqual(['Warning', 'Critical', 'Warning', 'Normal']);
  });

  it('misses cycles through a degraded link instead of failing them', async () => {
    const { sim, backend, firstReplicated, settle, onHost } = labFixture({ vmCount: 600 });
    const vm = firstReplicated(0);
    backend.injectFault({ kind: 'wan-degradation', link: 'primary-dr', bandwidthFactor: 0.02, extraLatencyMs: 200 });
    sim.runFor(HOUR);
    const [measure] = await settle(backend.measureVMReplication(onHost(vm)), 0);
    expect(measure!.MissedReplicationCount).toBeGreaterThan(0);
    expect(measure!.ReplicationErrors).toBe(0);
    expect(backend.status().links.find((l) => l.id === 'primary-dr')!.state).toBe('degraded');
  });

  it('puts replication in Error when the replica storage is full, until it is resumed', async () => {
    const { sim, backend, firstReplicated, settle, onHost } = labFixture();
    const vm = firstReplicated(1);
    const fault = backend.injectFault({ kind: 'replica-storage-full', site: 'dr' });
    sim.runFor(20 * MINUTE);
    expect(vm.replication!.state).toBe('Error');
    expect(vm.replication!.health).toBe('Critical');
    backend.clearFault(fault.id);
    sim.runFor(20 * MINUTE);
    expect(vm.replication!.state).toBe('Error'); // Hyper-V waits for the administrator
    await settle(backend.resumeVMReplication(onHost(vm)), 0);
    sim.runFor(20 * MINUTE);
    expect(vm.replication!.state).toBe('Replicating');
    expect(sim.now - vm.replication!.lastReplicationTime!).toBeLessThan(6 * MINUTE);
  });

  it('stops replication into a cluster whose Replica Broker is down', () => {
    const { sim, backend, firstReplicated, copiesOf } = labFixture();
    const vm = firstReplicated(1);
    const { replica } = copiesOf(vm.name);
    const cluster = sim.world.clusters.get(replica.clusterId)!;
    backend.injectFault({ kind: 'replica-broker-down', cluster: cluster.replicaBroker! });
    const before = vm.replication!.lastReplicationTime!;
    sim.runFor(2 * HOUR);
    expect(vm.replication!.lastReplicationTime).toBe(before);
    expect(vm.replication!.health).toBe('Warning');
  });

  it('requires resynchronization when the change log outgrows half the disk', async () => {
    const { sim, backend, firstReplicated, settle, onHost } = labFixture();
    const vm = firstReplicated(1);
    // A small disk so the threshold is reached within hours, not weeks.
    vm.diskBytes = 2 * 1024 ** 3;
    await settle(backend.suspendVMReplication(onHost(vm)), 0);
    expect(vm.replication!.health).toBe('Warning');
    sim.runFor(48 * HOUR);
    expect(vm.replication!.state).toBe('WaitingForStartResynchronize');
    expect(vm.replication!.health).toBe('Critical');
    await expect(settle(backend.resumeVMReplication(onHost(vm)), 0)).rejects.toMatchObject({ code: 'invalid-state' });
    await settle(backend.resumeVMReplication(onHost(vm), { resynchronize: true }), 0);
    expect(vm.replication!.state).toBe('Resynchronizing');
    sim.runFor(HOUR);
    expect(vm.replication!.state).toBe('Replicating');
    expect(vm.replication!.health).toBe('Normal');
  });
  it('runs cycles at a frequency changed with Set-VMReplication, and refuses 30 s on extended replication', async () => {
    const { sim, backend, firstReplicated, settle, onHost } = labFixture();
    const vm = firstReplicated(0);
    const row = await settle(backend.setVMReplication(onHost(vm), { replicationFrequencySec: 300 }), 0);
    expect(row).toMatchObject({ RelationshipType: 'Simple', ReplicationFrequencySec: 300 });
    const replica = sim.world.copies(vm.vmId).find((c) => c.replication?.mode === 'Replica')!;
    expect(replica.replication!.frequencySec).toBe(300);
    const times = new Set<number>();
    for (let s = 0; s < 30 * 60; s += 10) {
      sim.runFor(10_000);
      times.add(vm.replication!.lastReplicationTime!);
    }
    // Thirty minutes at 300 s is about six cycles, where 30 s would have made sixty.
    expect(times.size).toBeGreaterThanOrEqual(5);
    expect(times.size).toBeLessThanOrEqual(8);
    expect(vm.replication!.health).toBe('Normal');
    await expect(settle(backend.setVMReplication(onHost(replica), { replicationFrequencySec: 30 }), 0)).rejects.toMatchObject({ code: 'invalid-state' });
    const extended = await settle(backend.setVMReplication(onHost(replica), { replicationFrequencySec: 900 }), 0);
    expect(extended).toMatchObject({ RelationshipType: 'Extended', ReplicationFrequencySec: 900 });
    expect(replica.extendedReplication!.frequencySec).toBe(900);
  });
});
