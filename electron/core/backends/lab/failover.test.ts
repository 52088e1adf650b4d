import { describe, expect, it } from 'vitest';
import type { ContractError } from '../../../../shared/contract/errors.ts';
import { HOUR, MINUTE, labFixture } from '../../testing/lab-fixture.ts';

describe('failover through the backend port', () => {
  it('runs a planned failover in the documented order without data loss, then replicates back', async () => {
    const lab = labFixture();
    const { sim, backend, settle, onHost, onBroker } = lab;
    const { primary, replica } = lab.copiesOf(lab.firstReplicated(1).name);
    sim.runFor(10 * MINUTE);

    // 1. Shut down the primary VM.
    await settle(backend.stopVM(onHost(primary)), 5 * MINUTE);
    expect(primary.state).toBe('Off');
    // 2. Start-VMFailover -Prepare on the primary host ships the last changes.
    const prepared = await settle(backend.startVMFailover(onHost(primary), { prepare: true }), 5 * MINUTE);
    expect(prepared.ReplicationState).toBe('PreparedForFailover');
    // 3. Start-VMFailover on the replica host.
    const failedOver = await settle(backend.startVMFailover(onBroker(replica)), MINUTE);
    expect(failedOver.ReplicationState).toBe('FailedOverWaitingCompletion');
    expect(primary.replication!.mode).toBe('Primary');
    expect(replica.replication!.mode).toBe('Replica');
    // 4. Set-VMReplication -Reverse (this replica extends to a third copy: that extension ends first).
    await settle(backend.reverseVMReplication(onBroker(replica), { removeExtended: true }), MINUTE);
    expect(replica.replication!.mode).toBe('Primary');
    expect(primary.replication!.mode).toBe('Replica');
    expect(replica.replication!.primaryServer).toContain(lab.hostName(replica).toLowerCase());
    // 5. Start-VM on the replica host.
    const started = await settle(backend.startVM(onBroker(replica)), MINUTE);
    expect(started.State).toBe('Running');
    sim.runFor(10 * MINUTE);
    expect(replica.heartbeat).toBe('OkApplicationsHealthy');

    const failoverEvent = sim.world.log.all().find((e) => e.kind === 'failover.started' && e.vm === replica.name)!;
    expect(failoverEvent.message).toContain('no data lost');
    // Replication now runs DR → primary.
    const before = replica.replication!.lastReplicationTime!;
    sim.runFor(20 * MINUTE);
    expect(replica.replication!.lastReplicationTime!).toBeGreaterThan(before);
    expect(replica.replication!.health).toBe('Normal');
  });

  it('runs an unplanned failover to a chosen recovery point and reports the data lost', async () => {
    const lab = labFixture();
    const { sim, backend, settle, onBroker } = lab;
    const { primary, replica } = lab.copiesOf(lab.firstReplicated(0).name);
    sim.runFor(3 * HOUR);
    backend.injectFault({ kind: 'primary-site-loss' });
    sim.runFor(MINUTE);
    expect(primary.state).toBe('Off');

    const points = await settle(backend.getVMSnapshot(onBroker(replica), 'Replica'), 0);
    expect(points.length).toBeGreaterThan(2);
    expect(points[0]!.Name).toMatch(new RegExp(`^${replica.name} - Standard Replica - \\(\\d+/\\d+/2026 - \\d+:\\d\\d:\\d\\d [AP]M\\)$`));
    const chosen = points.at(-2)!;
    const info = await settle(backend.startVMFailover(onBroker(replica), { recoverySnapshotName: chosen.Name }), MINUTE);
    expect(info.ReplicationState).toBe('FailedOverWaitingCompletion');
    const event = sim.world.log.all().find((e) => e.kind === 'failover.started' && e.vm === replica.name)!;
    expect(event.severity).toBe('warning');
    const lostMiB = Number(/: (\d+) MiB of changes/.exec(event.message)![1]);
    expect(lostMiB).toBeGreaterThan(0);

    await settle(backend.startVM(onBroker(replica)), MINUTE);
    expect(replica.state).toBe('Running');
    await settle(backend.completeVMFailover(onBroker(replica)), MINUTE);
    expect(replica.replication!.state).toBe('FailedOver');
    expect(await settle(backend.getVMSnapshot(onBroker(replica)), 0)).toEqual([]);
    // The primary copy can never run while the replica does.
    await expect(settle(backend.completeVMFailover(onBroker(replica)), 0)).rejects.toMatchObject({ code: 'invalid-state' });
  });

  it('runs a test failover beside live replication and cleans it up', async () => {
    const lab = labFixture();
    const { sim, world, backend, settle, onBroker } = lab;
    const { primary, replica } = lab.copiesOf(lab.firstReplicated(1).name);
    const testVm = await settle(backend.startVMFailover(onBroker(replica), { asTest: true }), MINUTE);
    expect(testVm.Name).toBe(`${replica.name} - Test`);
    expect(testVm.ReplicationMode).toBe('TestReplica');
    const test = [...world.vms.values()].find((v) => v.name === `${replica.name} - Test`)!;
    expect(test.tags).toContain('network:isolated');
    expect(world.flushPatches().some((p) => p.op === 'put' && p.value.id === test.id)).toBe(true);

    // The drill VM boots while production keeps running and replicating.
    await settle(backend.startVM({ vmName: test.name, computerName: lab.hostName(test) }), 5 * MINUTE);
    expect(test.state).toBe('Running');
    expect(primary.state).toBe('Running');
    const before = primary.replication!.lastReplicationTime!;
    sim.runFor(15 * MINUTE);
    expect(primary.replication!.lastReplicationTime!).toBeGreaterThan(before);
    await expect(settle(backend.startVMFailover(onBroker(replica), { asTest: true }), 0)).rejects.toMatchObject({ code: 'invalid-state' });

    await settle(backend.stopVMFailover(onBroker(replica)), MINUTE);
    expect(world.vms.has(test.id)).toBe(false);
    expect(world.flushPatches().some((p) => p.op === 'remove' && p.id === test.id)).toBe(true);
    expect(replica.replication!.state).toBe('Replicating');
  });

  it('refuses what Hyper-V refuses, with the kind of error the cmdlet gives', async () => {
    const lab = labFixture();
    const { backend, settle, onBroker, onHost } = lab;
    const { primary, replica } = lab.copiesOf(lab.firstReplicated(1).name);
    const fail = (p: Promise<unknown>) => settle(p, MINUTE).then(() => { throw new Error('expected a refusal'); }, (e: ContractError) => e);

    const unknown = await fail(backend.startVM({ vmName: 'NOPE01', computerName: lab.hostName(primary) }));
    expect(unknown).toMatchObject({ code: 'not-found' });
    expect(unknown.message).toContain('NOPE01');
    expect(await fail(backend.startVM({ vmName: primary.name, computerName: 'no-such-host' }))).toMatchObject({ code: 'not-found' });

    const early = await fail(backend.completeVMFailover(onBroker(replica)));
    expect(early).toMatchObject({ code: 'invalid-state' });
    expect(early.message).toContain(replica.name);
    expect(early.message).toContain('Replicating');

    expect(await fail(backend.startVM(onBroker(replica)))).toMatchObject({ code: 'invalid-state' });
    expect(await fail(backend.startVMFailover(onHost(primary), { prepare: true }))).toMatchObject({ code: 'invalid-state' });
    expect(await fail(backend.startVMFailover(onHost(primary)))).toMatchObject({ code: 'invalid-state' });
    expect(await fail(backend.reverseVMReplication(onBroker(replica)))).toMatchObject({ code: 'invalid-state' });
    expect(await fail(backend.stopVMFailover(onBroker(replica)))).toMatchObject({ code: 'invalid-state' });
    expect(await fail(backend.startVMFailover(onBroker(replica), { recoverySnapshotName: 'no such point' }))).toMatchObject({ code: 'not-found' });
    // An unplanned failover while the primary still runs is allowed by Hyper-V; starting both copies is not.
    await settle(backend.startVMFailover(onBroker(replica)), MINUTE);
    const twin = await fail(backend.startVM(onBroker(replica)));
    expect(twin).toMatchObject({ code: 'invalid-state' });
    expect(twin.message).toContain(lab.hostName(primary));
  });

  it('refuses to start a VM where it does not fit', async () => {
    const lab = labFixture();
    const { world, backend, settle } = lab;
    const { primary, replica } = lab.copiesOf(lab.firstReplicated(1).name);
    await settle(backend.stopVM(lab.onHost(primary), { turnOff: true }), 0);
    const host = world.hosts.get(replica.hostId)!;
    world.setHost(host, { memoryBytes: host.hostReserveBytes + replica.memoryBytes / 2 });
    await settle(backend.startVMFailover(lab.onBroker(replica)), MINUTE);
    const error = await settle(backend.startVM(lab.onBroker(replica)), MINUTE).catch((e: ContractError) => e);
    expect(error).toMatchObject({ code: 'backend' });
    expect((error as ContractError).message).toMatch(/Not enough memory.*needs/);
    expect(replica.state).toBe('Off');
  });

  it('times a call out when the backend-timeout fault is armed, and only that call', async () => {
    const lab = labFixture();
    const { backend, settle, onHost } = lab;
    const vm = lab.firstReplicated(1);
    backend.injectFault({ kind: 'backend-timeout', vm: vm.name, calls: 1 });
    await expect(settle(backend.getVMReplication(onHost(vm)), 2 * MINUTE)).rejects.toMatchObject({ code: 'timeout' });
    const rows = await settle(backend.getVMReplication(onHost(vm)), 0);
    expect(rows[0]!.ReplicationMode).toBe('Primary');
    expect(backend.status().faults).toEqual([]);
  });

  it('boots slower in a storm, and a VM with a boot fault never reports healthy', async () => {
    const lab = labFixture({ vmCount: 600 });
    const { sim, world, backend, settle, onBroker } = lab;
    backend.injectFault({ kind: 'primary-site-loss' });
    const replicas = [...world.vms.values()].filter((v) => v.replication?.mode === 'Replica' && v.priority === 'High').slice(0, 40);
    const broken = replicas[5]!;
    backend.injectFault({ kind: 'vm-boot-failure', vm: broken.name, mode: 'no-heartbeat' });
    await settle(Promise.all(replicas.map((r) => backend.startVMFailover(onBroker(r)))), MINUTE);
    const startedAt = sim.now;
    const healthyAt = new Map<string, number>();
    const running = replicas.map((r) => backend.startVM(onBroker(r)));
    for (let t = 0; t < 30 * MINUTE; t += 5_000) {
      sim.runFor(5_000);
      for (const r of replicas) if (r.heartbeat === 'OkApplicationsHealthy' && !healthyAt.has(r.id)) healthyAt.set(r.id, sim.now - startedAt);
    }
    await Promise.all(running);
    expect(healthyAt.has(broken.id)).toBe(false);
    expect(broken.state).toBe('Running');
    expect(healthyAt.size).toBe(replicas.length - 1);
    const times = [...healthyAt.values()].sort((a, b) => a - b);
    // The last VM of a 40-VM storm takes far longer than one booting alone (~1–3 min).
    expect(times.at(-1)!).toBeGreaterThan(2 * times[0]!);
  });

  describe('extended replication A->B->C after a planned failover of A to B (DOMAIN.md)', () => {
    async function failedOverExtended() {
      const lab = labFixture();
      const { sim, backend, settle, onHost, onBroker } = lab;
      const name = [...sim.world.vms.values()].find((v) => v.replication?.mode === 'Replica' && v.extendedReplication?.mode === 'Primary')!.name;
      const copies = lab.copiesOf(name);
      sim.runFor(10 * MINUTE);
      await settle(backend.stopVM(onHost(copies.primary)), 5 * MINUTE);
      await settle(backend.startVMFailover(onHost(copies.primary), { prepare: true }), 5 * MINUTE);
      await settle(backend.startVMFailover(onBroker(copies.replica)), MINUTE);
      return { lab, ...copies };
    }

    it('refuses Set-VMReplication -Reverse on B while B replicates to C, with the words Hyper-V uses', async () => {
      const { lab, replica, extended } = await failedOverExtended();
      const refused = await lab.settle(lab.backend.reverseVMReplication(lab.onBroker(replica)), MINUTE).then(() => null, (e: ContractError) => e);
      expect(refused).toMatchObject({ code: 'invalid-state' });
      expect(refused!.message).toMatch(/primary of an extended replication.*Resume-VMReplication -Continue/);
      expect(replica.replication!.mode).toBe('Replica');
      expect(replica.extendedReplication!.state).toBe('Replicating');
      expect(extended.replication!.state).toBe('Replicating');
    });

    it('continues B->C with Resume-VMReplication -Continue: the failover is committed, C keeps receiving, A receives nothing', async () => {
      const { lab, primary, replica, extended } = await failedOverExtended();
      await lab.settle(lab.backend.resumeVMReplication(lab.onBroker(replica), { continue: true }), MINUTE);
      expect(replica.replication).toMatchObject({ mode: 'Replica', state: 'FailedOver' });
      await lab.settle(lab.backend.startVM(lab.onBroker(replica)), MINUTE);
      const before = extended.replication!.lastReplicationTime!;
      lab.sim.runFor(30 * MINUTE);
      expect(extended.replication!.lastReplicationTime!).toBeGreaterThan(before);
      expect(primary.replication!.mode).toBe('Primary');
      expect(primary.state).toBe('Off');
    });

    it('reverses to A once the extension is removed (removeExtended), giving up C', async () => {
      const { lab, primary, replica, extended } = await failedOverExtended();
      await lab.settle(lab.backend.reverseVMReplication(lab.onBroker(replica), { removeExtended: true }), MINUTE);
      expect(replica.replication!.mode).toBe('Primary');
      expect(primary.replication!.mode).toBe('Replica');
      expect(replica.extendedReplication).toBeNull();
      expect(extended.replication).toMatchObject({ state: 'Error', health: 'Critical' });
      expect(lab.sim.world.log.all().some((e) => e.kind === 'replication.removed' && e.vm === replica.name)).toBe(true);
    });
  });

  it('Stop-VMFailover takes an uncommitted failover back, running or not, keeping the recovery points for another Start-VMFailover; not after Complete-VMFailover', async () => {
    const lab = labFixture();
    const { backend, settle, onBroker, onHost } = lab;
    const { primary, replica } = lab.copiesOf(lab.firstReplicated(1).name);
    const fail = (p: Promise<unknown>) => settle(p, MINUTE).then(() => { throw new Error('expected a refusal'); }, (e: ContractError) => e);
    await settle(backend.stopVM(onHost(primary), { turnOff: true }), 0);
    await settle(backend.startVMFailover(onBroker(replica)), MINUTE);
    await settle(backend.startVM(onBroker(replica)), 5 * MINUTE);
    expect(replica.state).toBe('Running');
    const points = await backend.getVMSnapshot(onBroker(replica));
    expect(points.length).toBeGreaterThan(1);

    // Another point while the failed-over VM runs: refused, as Start-VMFailover is on a failed-over replica.
    const busy = await fail(backend.startVMFailover(onBroker(replica), { recoverySnapshotName: points[0]!.Name }));
    expect(busy.message).toMatch(/FailedOverWaitingCompletion/);
    // Running: turned off and reverted (Microsoft: "turns the virtual machine off and cancels failover").
    await settle(backend.stopVMFailover(onBroker(replica)), MINUTE);
    expect(replica.state).toBe('Off');
    expect(replica.replication!.state).toBe('Replicating');
    expect((await backend.getVMSnapshot(onBroker(replica))).map((p) => p.Name)).toEqual(points.map((p) => p.Name));
    expect(await fail(backend.stopVMFailover(onBroker(replica)))).toMatchObject({ code: 'invalid-state', message: expect.stringMatching(/no failover in progress/) });

    // Another point, then committed: Stop-VMFailover is refused from then on.
    const older = await settle(backend.startVMFailover(onBroker(replica), { recoverySnapshotName: points[0]!.Name }), 5 * MINUTE);
    expect(older.ReplicationState).toBe('FailedOverWaitingCompletion');
    await settle(backend.completeVMFailover(onBroker(replica)), MINUTE);
    const late = await fail(backend.stopVMFailover(onBroker(replica)));
    expect(late).toMatchObject({ code: 'invalid-state' });
    expect(late.message).toMatch(/completed \(Complete-VMFailover\).*cannot be cancelled/);
  });

  it('Stop-VMFailover on a prepared primary cancels the planned failover; refused once the replica has failed over', async () => {
    const lab = labFixture();
    const { backend, settle, onBroker, onHost } = lab;
    const fail = (p: Promise<unknown>) => settle(p, MINUTE).then(() => { throw new Error('expected a refusal'); }, (e: ContractError) => e);
    const [a, b] = [lab.firstReplicated(1), lab.firstReplicated(2)].map((vm) => lab.copiesOf(vm.name));
    for (const { primary } of [a!, b!]) {
      await settle(backend.stopVM(onHost(primary)), 5 * MINUTE);
      await settle(backend.startVMFailover(onHost(primary), { prepare: true }), 5 * MINUTE);
      expect(primary.replication!.state).toBe('PreparedForFailover');
    }
    // Cancelled on the primary: replication restarts and the primary may start again.
    await settle(backend.stopVMFailover(onHost(a!.primary)), MINUTE);
    expect(a!.primary.replication!.state).toBe('Replicating');
    expect(a!.replica.replication!.state).toBe('Replicating');
    expect((await settle(backend.startVM(onHost(a!.primary)), 5 * MINUTE)).State).toBe('Running');
    // The other failed over on its replica first: the primary cannot cancel it alone.
    await settle(backend.startVMFailover(onBroker(b!.replica)), MINUTE);
    const refused = await fail(backend.stopVMFailover(onHost(b!.primary)));
    expect(refused.message).toMatch(/Replica virtual machine is FailedOverWaitingCompletion/);
    expect(b!.primary.replication!.state).toBe('PreparedForFailover');
  });
});
