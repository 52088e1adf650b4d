import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLabRig, settled, testPlan } from '../testing/lab-rig.ts';
import { OutageWatch } from './outage-watch.ts';
import { summarize } from './run-summary.ts';

const ACTOR = 'tester';
const min = 60_000;

describe('the disaster clock on the lab', () => {
  it('counts RTO from the site loss the lab logged and RPO to that moment, not from the operator\'s decision', async () => {
    const rig = await createLabRig();
    await rig.advance(10 * min);
    rig.injectFault({ kind: 'primary-site-loss' });
    const lost = rig.sim.world.log.all().find((e) => e.kind === 'site.lost')!;
    await rig.advance(20 * min); // the operator takes twenty minutes to decide
    const plan = testPlan();
    const report = await rig.service.preflight(plan, 'unplanned-failover', { kind: 'latest' });
    expect(report.blockers).toEqual([]);
    const run = await rig.service.start({ plan, type: 'unplanned-failover', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR });
    expect(run.clockStart).toMatchObject({ at: lost.at, basis: 'site-lost' });
    expect(run.startedAt - lost.at).toBe(20 * min);
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    const summary = summarize(done);
    expect(summary.rtoFrom.at).toBe(lost.at);
    for (const vm of done.vms) {
      expect(vm.status).toBe('done');
      // RTO per VM from the loss: at least the twenty minutes before the run, and equal to healthy − loss.
      expect(vm.rtoSec).toBe((vm.timing.healthyAt! - lost.at) / 1000);
      expect(vm.rtoSec!).toBeGreaterThan(20 * 60);
      // RPO up to the moment the primary was last seen alive: at most a cycle or two, not the decision time.
      expect(vm.rpoMeasuredTo).toBe(lost.at);
      const frequency = Object.values(rig.estate.snapshot().vms).find((v) => v.vmId === vm.vmId && v.replication?.mode === 'Primary')?.replication?.frequencySec
        ?? Object.values(rig.estate.snapshot().vms).find((v) => v.vmId === vm.vmId)!.replication!.frequencySec;
      expect(vm.rpoSec!).toBeLessThanOrEqual(2 * frequency + 60);
      expect(vm.rpoSec).toBe((lost.at - vm.recoveryPoint!.at) / 1000);
    }
    expect(summary.achievedRtoSec).toBe((Math.max(...done.vms.map((v) => v.timing.healthyAt!)) - lost.at) / 1000);
    await rig.dispose();
  });

  it('a drill counts from its own start, and its RPO is the age of the point its test copies started from', async () => {
    const rig = await createLabRig();
    await rig.advance(10 * min);
    const plan = testPlan();
    const report = await rig.service.preflight(plan, 'test-failover', { kind: 'latest' });
    const run = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), actor: ACTOR });
    expect(run.clockStart).toMatchObject({ at: run.startedAt, basis: 'run-start' });
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    for (const vm of done.vms) {
      expect(vm.rpoSec, vm.name).not.toBeNull();
      const made = vm.steps.find((s) => s.kind === 'test-failover')!.startedAt!;
      expect(vm.rpoMeasuredTo).toBe(made);
      expect(vm.rpoSec).toBe((made - vm.recoveryPoint!.at) / 1000);
    }
    expect(summarize(done).rtoVerdict).toBe('met');
    await rig.dispose();
  });
});

describe('outage watch', () => {
  const estate = {
    snapshot: () => ({
      sites: { a: { id: 'a', name: 'DC-A', role: 'primary', location: '', clusterIds: [] } },
      hosts: {
        h1: { id: 'h1', siteId: 'a', name: 'HV-A01', state: 'Down' },
        h2: { id: 'h2', siteId: 'a', name: 'HV-A02', state: 'Up' },
      },
    }) as never,
  };
  const event = (kind: string, host: string, at: number) => ({ seq: at, at, kind, severity: 'error' as const, message: '', host });

  it('dates a host loss by its first node-down event, and a return ends that outage', () => {
    const watch = new OutageWatch(estate);
    watch.observe([event('cluster.node-down', 'HV-A01', 1000), event('cluster.node-down', 'hv-a01', 5000)]);
    expect(watch.hostDownAt('hv-a01')).toBe(1000);
    expect(watch.lossOf('a')).toMatchObject({ at: 1000, basis: 'hosts-down' });
    watch.observe([event('cluster.node-up', 'HV-A01', 9000)]);
    expect(watch.lossOf('a')).toBeNull();
    watch.observe([event('cluster.node-down', 'HV-A01', 12_000), event('cluster.node-down', 'HV-A02', 12_500)]);
    expect(watch.lossOf('a')).toMatchObject({ at: 12_000, basis: 'site-lost' });
  });

  it('keeps its sightings across a restart for hosts still down, and forgets the ones that came back meanwhile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-outages-'));
    const file = join(dir, 'outages', 'outages.json');
    const logger = { warn: () => {} };
    const first = new OutageWatch(estate, { file, logger });
    first.observe([event('cluster.node-down', 'HV-A01', 1000), event('cluster.node-down', 'HV-A02', 2000)]);
    // Restarted: HV-A01 is still down (dated from its loss, not from now); HV-A02 is Up again.
    const second = new OutageWatch(estate, { file, logger });
    expect(second.hostDownAt('HV-A01')).toBe(1000);
    expect(second.hostDownAt('HV-A02')).toBeNull();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ 'hv-a01': 1000 });
    // A damaged file dates nothing and stops nothing.
    writeFileSync(file, '{"hv-a01": 10');
    expect(new OutageWatch(estate, { file, logger }).hostDownAt('HV-A01')).toBeNull();
  });

  it('without node events, dates a loss by the estate batch that first showed the host down; an event that dates it earlier wins', () => {
    let now = 50_000;
    const watch = new OutageWatch({ snapshot: () => ({ ...estate.snapshot() as object, clock: { source: 'real', now, speed: 1 } }) as never });
    watch.observeEstate({ seq: 1, patches: [{ op: 'merge', kind: 'host', id: 'h1', value: { state: 'Down' } }] });
    expect(watch.hostDownAt('HV-A01')).toBe(50_000);
    now = 60_000;
    watch.observeEstate({ seq: 2, patches: [{ op: 'merge', kind: 'host', id: 'h1', value: { state: 'Down' } }] });
    expect(watch.hostDownAt('HV-A01')).toBe(50_000);
    watch.observe([event('cluster.node-down', 'HV-A01', 48_000)]);
    expect(watch.hostDownAt('HV-A01')).toBe(48_000);
    watch.observeEstate({ seq: 3, patches: [{ op: 'merge', kind: 'host', id: 'h1', value: { state: 'Up' } }] });
    expect(watch.hostDownAt('HV-A01')).toBeNull();
  });
});
