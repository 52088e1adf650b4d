import { describe, expect, it } from 'vitest';
import { createLabRig, settled, testPlan } from '../testing/lab-rig.ts';
import { summarize } from './run-summary.ts';
import { readVm } from './vm-steps.ts';

const ACTOR = 'tester';
const min = 60_000;

describe('failover to the third copy', () => {
  it('with the primary and the DR site both lost, starts the extended replicas at the cloud site, counted from the first loss', async () => {
    const rig = await createLabRig();
    await rig.advance(10 * min);
    rig.injectFault({ kind: 'primary-site-loss' });
    const primaryLostAt = rig.sim.world.log.all().find((e) => e.kind === 'site.lost')!.at;
    await rig.advance(5 * min);
    const estate = rig.estate.snapshot();
    const drSite = Object.values(estate.sites).find((s) => s.role === 'dr')!;
    for (const host of Object.values(estate.hosts).filter((h) => h.siteId === drSite.id)) rig.injectFault({ kind: 'host-crash', host: host.name });
    await rig.advance(5 * min);

    const plan = testPlan();
    // The DR replicas are gone with their hosts: an ordinary unplanned failover cannot run.
    const toDr = await rig.service.preflight(plan, 'unplanned-failover', { kind: 'latest' });
    expect(toDr.blockers.length).toBeGreaterThan(0);
    const resolution = rig.service.resolve(plan, 'unplanned-failover', 'extended');
    expect(resolution.direction).toMatchObject({ from: { role: 'dr' }, to: { role: 'cloud' } });
    const report = await rig.service.preflight(plan, 'unplanned-failover', { kind: 'latest' }, 'extended');
    expect(report.blockers).toEqual([]);
    const run = await rig.service.start({ plan, type: 'unplanned-failover', target: 'extended', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR });
    expect(run.target).toBe('extended');
    expect(run.clockStart).toMatchObject({ at: primaryLostAt, basis: 'site-lost' });
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    expect(done.status).toBe('completed');
    for (const vm of done.vms) {
      expect(estate.hosts[Object.values(estate.vms).find((c) => c.vmId === vm.vmId && c.replication?.mode === 'ExtendedReplica')!.hostId]!.name).toBe(vm.targetHost);
      expect(await readVm(rig.lab, { vmName: vm.name, computerName: vm.targetHost })).toMatchObject({ State: 'Running', ReplicationState: 'FailedOverWaitingCompletion' });
      // RPO: the last change the cloud received, to when its own primary (the DR copy) was last seen.
      expect(vm.rpoMeasuredTo).toBe(rig.service.outages.hostDownAt(vm.sourceHost));
    }
    expect(summarize(done)).toMatchObject({ vmsHealthy: done.vms.length, rtoFrom: { at: primaryLostAt } });
    expect(() => rig.service.finish(run.id, 'reverse', ACTOR)).toThrow(/cannot be reversed on its own/);
    await rig.dispose();
  });

  it('refuses the extended target for anything but an unplanned failover', async () => {
    const rig = await createLabRig();
    await expect(rig.service.preflight(testPlan(), 'planned-failover', { kind: 'latest' }, 'extended')).rejects.toThrow(/Only an unplanned failover/);
    await rig.dispose();
  });

  it('a planned failover chosen to keep the third copies continues DR -> cloud instead of reversing, journaled and audited', async () => {
    const rig = await createLabRig();
    await rig.advance(10 * min);
    const plan = testPlan();
    const report = await rig.service.preflight(plan, 'planned-failover', { kind: 'latest' });
    expect(report.blockers).toEqual([]);
    const run = await rig.service.start({
      plan, type: 'planned-failover', policy: { kind: 'latest' }, extendedReplication: 'continue',
      acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR,
    });
    // The run's own choice, over the plan's default ('reverse'), is in its journaled header.
    expect(plan.settings.extendedReplication).toBe('reverse');
    expect(run.settings.extendedReplication).toBe('continue');
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    expect(done.status).toBe('completed');
    const estate = rig.estate.snapshot();
    const kept = done.vms.filter((vm) => Object.values(estate.vms).some((c) => c.vmId === vm.vmId && c.replication?.mode === 'ExtendedReplica'));
    expect(kept.length).toBeGreaterThan(0);
    for (const vm of kept) {
      expect(vm.steps.find((s) => s.kind === 'reverse')).toMatchObject({ status: 'done', note: expect.stringContaining('extended replication kept') });
      expect(await readVm(rig.lab, { vmName: vm.name, computerName: vm.targetHost })).toMatchObject({ State: 'Running', ReplicationMode: 'Replica', ReplicationState: 'FailedOver' });
      const extendedRows = (await rig.lab.getVMReplication({ vmName: vm.name, computerName: vm.targetHost })).filter((r) => r.RelationshipType === 'Extended');
      expect(extendedRows[0]).toMatchObject({ ReplicationMode: 'Primary', ReplicationState: 'Replicating' });
    }
    expect(rig.audit.read({ action: 'Resume-VMReplication {"continue":true}' }).filter((e) => e.result === 'ok')).toHaveLength(kept.length);
    // The journal read back after a restart tells the same choice.
    expect(rig.restart().get(run.id).settings.extendedReplication).toBe('continue');
    await rig.dispose();
  });
});
