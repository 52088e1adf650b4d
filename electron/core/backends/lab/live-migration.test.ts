import { describe, expect, it } from 'vitest';
import { MINUTE, labFixture } from '../../testing/lab-fixture.ts';
import { liveMigrationMs, MIGRATION_MODEL } from './live-migration.ts';

const GiB = 1024 ** 3;

describe('live migration', () => {
  it('takes longer for bigger, busier VMs and slower transports', () => {
    const compression = MIGRATION_MODEL.memoryBytesPerSec.Compression;
    const tcp = MIGRATION_MODEL.memoryBytesPerSec.TCPIP;
    expect(liveMigrationMs(64 * GiB, 0.01, compression)).toBeGreaterThan(liveMigrationMs(16 * GiB, 0.01, compression));
    expect(liveMigrationMs(64 * GiB, 0.03, compression)).toBeGreaterThan(liveMigrationMs(64 * GiB, 0.005, compression));
    expect(liveMigrationMs(64 * GiB, 0.01, tcp)).toBeGreaterThan(liveMigrationMs(64 * GiB, 0.01, compression));
    // 32 GiB over ~9 Gbit/s: about half a minute plus a few pre-copy rounds.
    const ms = liveMigrationMs(32 * GiB, 0.01, compression);
    expect(ms).toBeGreaterThan(30_000);
    expect(ms).toBeLessThan(60_000);
  });

  it('moves a running VM with progress, honours the per-host limit, and queues the rest', async () => {
    const lab = labFixture({ vmCount: 600 });
    const { sim, world, backend, settle } = lab;
    const source = [...world.hosts.values()].find((h) => h.siteId === 'site-pri')!;
    const dest = world.hosts.get(world.clusters.get(source.clusterId)!.hostIds.find((id) => id !== source.id)!)!;
    world.setHost(dest, { memoryBytes: dest.memoryBytes * 4 });
    const running = [...world.vmsByHost.get(source.id)!].map((id) => world.vms.get(id)!).filter((v) => v.state === 'Running' && v.replication && !v.possibleOwners).slice(0, 4);
    expect(running).toHaveLength(4);
    const moves = running.map((vm) => backend.moveClusterVirtualMachineRole({ vmName: vm.name, node: dest.name, migrationType: 'Live', wait: true }));
    sim.runFor(2_000);
    const jobs = await settle(backend.getMigrationJobs(), 0);
    expect(jobs.filter((j) => j.JobState === 'Running')).toHaveLength(2);
    expect(jobs.filter((j) => j.JobState === 'Queued')).toHaveLength(2);
    const vmInfo = await settle(backend.getVM({ vmName: running[0]!.name, computerName: source.name }), 0);
    expect(vmInfo[0]!.OperationalStatus).toBe('MigratingVirtualMachine');
    sim.runFor(5_000);
    const later = await settle(backend.getMigrationJobs(), 0);
    expect(later.find((j) => j.JobState === 'Running')!.PercentComplete).toBeGreaterThan(0);
    await settle(Promise.all(moves), 30 * MINUTE);
    for (const vm of running) {
      expect(vm.hostId).toBe(dest.id);
      expect(vm.state).toBe('Running');
    }
    expect(running[0]!.replication!.primaryServer).toContain(dest.name.toLowerCase());
  });

  it('drains a node: Low priority VMs are quick-migrated with downtime, the others live', async () => {
    const lab = labFixture({ vmCount: 600 });
    const { sim, world, backend, settle } = lab;
    const node = [...world.hosts.values()].find((h) => {
      const vms = [...world.vmsByHost.get(h.id)!].map((id) => world.vms.get(id)!);
      return h.siteId === 'site-pri' && vms.some((v) => v.priority === 'Low') && vms.some((v) => v.priority !== 'Low');
    })!;
    const before = [...world.vmsByHost.get(node.id)!].map((id) => world.vms.get(id)!);
    const low = before.find((v) => v.priority === 'Low' && v.state === 'Running')!;
    const states = new Set<string>();
    const drained = backend.suspendClusterNode(node.name, { drain: true, wait: true });
    for (let t = 0; t < 60 * MINUTE && world.vmsByHost.get(node.id)!.size > 0; t += 1_000) {
      sim.runFor(1_000);
      states.add(low.state);
    }
    const info = await settle(drained, 10 * MINUTE);
    expect(info.State).toBe('Paused');
    expect(info.DrainStatus).toBe('Completed');
    expect(world.vmsByHost.get(node.id)!.size).toBe(0);
    expect(states.has('Saving') || states.has('Resuming')).toBe(true);
    expect(world.log.all().some((e) => e.kind === 'cluster.drain-quick' && e.vm === low.name)).toBe(true);
    for (const vm of before) expect(vm.state).toBe(vm.state === 'Off' ? 'Off' : 'Running');
    await settle(backend.resumeClusterNode(node.name), 0);
    expect(node.state).toBe('Up');
  });

  it('refuses a move that cannot work, as the cluster does', async () => {
    const lab = labFixture();
    const { world, backend, settle } = lab;
    const vm = lab.firstReplicated(1);
    const other = [...world.hosts.values()].find((h) => h.clusterId !== vm.clusterId && h.siteId === vm.siteId)!;
    const here = world.hosts.get(vm.hostId)!;
    await expect(settle(backend.moveClusterVirtualMachineRole({ vmName: vm.name, node: here.name, migrationType: 'Live' }), 0)).rejects.toMatchObject({ code: 'invalid-state' });
    await expect(settle(backend.moveClusterVirtualMachineRole({ vmName: vm.name, node: other.name, migrationType: 'Live' }), 0)).rejects.toMatchObject({ code: 'not-found' });
    const sibling = world.hosts.get(world.clusters.get(vm.clusterId)!.hostIds.find((id) => id !== here.id)!)!;
    world.setHost(sibling, { memoryBytes: sibling.hostReserveBytes });
    await expect(settle(backend.moveClusterVirtualMachineRole({ vmName: vm.name, node: sibling.name, migrationType: 'Live' }), 0)).rejects.toMatchObject({ code: 'backend' });
  });
});
