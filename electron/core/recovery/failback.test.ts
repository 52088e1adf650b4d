import { describe, expect, it } from 'vitest';
import { createLabRig, settled, testPlan } from '../testing/lab-rig.ts';
import { readVm } from './vm-steps.ts';

const ACTOR = 'tester';

describe('failback', () => {
  it('after a planned failover and its reversal, brings every VM home with no data lost and replication back to the DR site', async () => {
    const rig = await createLabRig();
    const plan = testPlan();
    const start = async (type: 'planned-failover' | 'failback') => {
      const report = await rig.service.preflight(plan, type, { kind: 'latest' });
      expect(report.blockers, type).toEqual([]);
      const run = await rig.service.start({ plan, type, policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR });
      await rig.drive(settled(rig.service, run.id));
      return rig.service.get(run.id);
    };
    const away = await start('planned-failover');
    expect(away.status).toBe('completed');
    rig.sim.runFor(20 * 60_000); // the business runs at the DR site for a while

    const home = await start('failback');
    expect(home.status).toBe('completed');
    expect(home.vms).toHaveLength(away.vms.length);
    for (const vm of home.vms) {
      expect(vm.steps.map((s) => `${s.kind}:${s.status}`)).toEqual(['shutdown-primary:done', 'prepare:done', 'failover:done', 'reverse:done', 'start:done', 'heartbeat:done']);
      expect(vm.rpoSec).toBe(0);
      const there = away.vms.find((v) => v.name === vm.name)!;
      // The failback runs from the DR copy back to the host the VM left.
      expect(vm.sourceHost).toBe(there.targetHost);
      expect(vm.targetHost).toBe(there.sourceHost);
      const home = await readVm(rig.lab, { vmName: vm.name, computerName: vm.targetHost });
      const dr = await readVm(rig.lab, { vmName: vm.name, computerName: vm.sourceHost });
      expect(home).toMatchObject({ State: 'Running', ReplicationMode: 'Primary', Heartbeat: expect.stringMatching(/^OkApplications(Healthy|Unknown)$/) });
      expect(dr).toMatchObject({ State: 'Off', ReplicationMode: 'Replica' });
    }
  });
});
