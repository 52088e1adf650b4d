import { describe, expect, it } from 'vitest';
import { createLabRig, testPlan } from '../testing/lab-rig.ts';

describe('preflight: the sites a run needs', () => {
  it('blocks a planned failover when the primary site cannot be reached, but not an unplanned one', async () => {
    const rig = await createLabRig();
    rig.lab.injectFault({ kind: 'primary-site-loss' });
    rig.sim.runFor(60_000);
    const plan = testPlan();
    const planned = await rig.service.preflight(plan, 'planned-failover', { kind: 'latest' });
    const site = planned.blockers.find((b) => b.id.startsWith('site:'));
    expect(site?.message).toMatch(/^Northgate .* is lost; this run needs it to shut the running copies down\. No host at .* answers\.$/);
    const unplanned = await rig.service.preflight(plan, 'unplanned-failover', { kind: 'latest' });
    expect(unplanned.blockers.filter((b) => b.id.startsWith('site:'))).toEqual([]);
  });

  it('warns when the DR site is only partly reachable', async () => {
    const rig = await createLabRig();
    const plan = testPlan();
    const member = rig.service.resolve(plan).members[0]!;
    // A DR host none of the plan's VMs live on, so only the site check notices it.
    const used = new Set(rig.service.resolve(plan).members.map((m) => m.targetHost));
    const spare = Object.values(rig.estate.snapshot().hosts).find((h) => h.siteId === member.target.siteId && !used.has(h.name))!;
    rig.lab.injectFault({ kind: 'host-crash', host: spare.name });
    rig.sim.runFor(1000);
    const report = await rig.service.preflight(plan, 'test-failover', { kind: 'latest' });
    expect(report.blockers).toEqual([]);
    expect(report.warnings.find((w) => w.id === `site:${member.target.siteId}`)?.message).toMatch(/is only partly reachable: 1 of \d+ hosts at .* are down\./);
  });
});

describe('preflight: the test network of a drill', () => {
  it('warns about replicas whose test VM would start unplugged or on the production network', async () => {
    const rig = await createLabRig({ vmCount: 600, seed: 20261125 });
    const report = await rig.service.preflight(testPlan(), 'test-failover', { kind: 'latest' });
    const network = report.warnings.filter((w) => w.check === 'test-network');
    expect(network.map((w) => w.message)).toEqual([
      "No test network set (Set-VMNetworkAdapter -TestReplicaSwitchName): the test VM starts with its network adapter unplugged: BKP07, CTXVDA113.",
      "The test network is the External switch 'vSwitch-Prod': the test VM would join production next to its running primary (address and name conflicts). Point it at an isolated (Private) switch: HL7IE05, SQLBUS56.",
    ]);
    const unplanned = await rig.service.preflight(testPlan(), 'planned-failover', { kind: 'latest' });
    expect(unplanned.warnings.filter((w) => w.check === 'test-network')).toEqual([]);
  });
});
