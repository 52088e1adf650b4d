import { describe, expect, it } from 'vitest';
import type { RunType } from '../../../shared/model/recovery-run.ts';
import { failureReason } from '../../../shared/model/recovery-run.ts';
import { createLabRig, settled, testPlan, type LabRig } from '../testing/lab-rig.ts';
import { summarize } from './run-summary.ts';
import { readVm } from './vm-steps.ts';

const ACTOR = 'tester';
const min = 60_000;

async function startRun(rig: LabRig, type: RunType, plan = testPlan()) {
  const report = await rig.service.preflight(plan, type, { kind: 'latest' });
  expect(report.blockers, type).toEqual([]);
  return rig.service.start({ plan, type, policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR });
}

function reverseCalls(rig: LabRig): number {
  let n = 0;
  for (const [key, count] of rig.calls) if (key.startsWith('reverseVMReplication ')) n += count;
  return n;
}

describe('the DR round trip on the lab', () => {
  it('site loss → unplanned failover → reverse waits for the primary → primary back → failback: every VM home, replication primary → DR, summaries matching their rows', { timeout: 120_000 }, async () => {
    const rig = await createLabRig();
    await rig.advance(10 * min);
    const loss = rig.injectFault({ kind: 'primary-site-loss' });
    const lostAt = rig.sim.world.log.all().find((e) => e.kind === 'site.lost')!.at;
    await rig.advance(15 * min);

    // Out: the unplanned failover, its RTO counted from the loss the lab logged.
    const out = await startRun(rig, 'unplanned-failover');
    await rig.drive(settled(rig.service, out.id));
    const away = rig.service.get(out.id);
    expect(away.status).toBe('completed');
    expect(away.clockStart).toMatchObject({ at: lostAt, basis: 'site-lost' });
    const outSummary = summarize(away);
    expect(outSummary.achievedRtoSec).toBe((Math.max(...away.vms.map((v) => v.timing.healthyAt!)) - lostAt) / 1000);
    expect(outSummary.vmsReversed).toBe(0);

    // Reverse while the primary site is still down: refused with the reason, not failed per VM.
    expect(() => rig.service.finish(out.id, 'reverse', ACTOR)).toThrow(/hosts at .* are down/);
    expect(reverseCalls(rig)).toBe(0);
    rig.service.finish(out.id, 'reverse', ACTOR, { whenReady: true });
    expect(rig.service.get(out.id).finishes.at(-1)).toMatchObject({ action: 'reverse', status: 'waiting', waitingFor: expect.stringMatching(/down/) });
    await rig.advance(20 * min);
    await rig.drive(() => rig.service.get(out.id).finishes.at(-1)!.waitingFor !== null, 60 * min);
    expect(reverseCalls(rig)).toBe(0);
    expect(rig.service.get(out.id).vms.filter((v) => v.status === 'waiting-operator')).toEqual([]);

    // The primary site comes back: the waiting reverse starts on its own, once per VM.
    rig.clearFault(loss.id);
    await rig.drive(() => rig.service.get(out.id).status === 'completed', 60 * min);
    const reversed = rig.service.get(out.id);
    expect(reversed.finishes.at(-1)).toMatchObject({ action: 'reverse', status: 'done', waitingFor: null });
    expect(reverseCalls(rig)).toBe(reversed.vms.length);
    expect(summarize(reversed).vmsReversed).toBe(reversed.vms.length);

    // A planned failover "back" is named for what it is, not aimed at the wrong copies.
    const wrongWay = await rig.service.preflight(testPlan(), 'planned-failover', { kind: 'latest' });
    expect(wrongWay.blockers.map((b) => b.message).join(' ')).toMatch(/already runs at .*failback/);

    // Resynchronization after an unplanned reverse, then the failback.
    await rig.drive(() => away.vms.every((vm) => {
      const home = rig.sim.world.copies(vm.vmId).find((c) => c.replication?.mode === 'Replica');
      return home?.replication?.state === 'Replicating';
    }), 6 * 60 * min);
    const resolution = rig.service.resolve(testPlan(), 'failback');
    expect(resolution.direction).toMatchObject({ from: { role: 'dr' }, to: { role: 'primary' } });
    const back = await startRun(rig, 'failback');
    await rig.drive(settled(rig.service, back.id));
    const home = rig.service.get(back.id);
    expect(home.status).toBe('completed');
    expect(home.clockStart).toMatchObject({ at: home.startedAt, basis: 'run-start' });
    for (const vm of home.vms) {
      const there = away.vms.find((v) => v.vmId === vm.vmId)!;
      expect(vm.targetHost).toBe(there.sourceHost); // home is the host it left
      expect(await readVm(rig.lab, { vmName: vm.name, computerName: vm.targetHost })).toMatchObject({ State: 'Running', ReplicationMode: 'Primary' });
      expect(await readVm(rig.lab, { vmName: vm.name, computerName: vm.sourceHost })).toMatchObject({ State: 'Off', ReplicationMode: 'Replica' });
    }
    await rig.advance(10 * min);
    for (const vm of home.vms) {
      const [row] = await rig.lab.getVMReplication({ vmName: vm.name, computerName: vm.targetHost });
      expect(row).toMatchObject({ ReplicationMode: 'Primary', ReplicationState: 'Replicating', ReplicationHealth: 'Normal' });
    }
    // The failback's summary: every figure from its rows.
    const summary = summarize(home);
    expect(summary).toMatchObject({
      vmsHealthy: home.vms.length, vmsFailedOver: home.vms.length, vmsReversed: home.vms.length, vmsPrepared: home.vms.length,
      vmsMissed: 0, dataLoss: 'none', rtoVerdict: 'met', maxRpoSec: 0,
    });
    await rig.dispose();
  });

  it('decides once for every VM failing with the same reason, audited once', async () => {
    const rig = await createLabRig();
    const [a, b, c] = Object.values(rig.estate.snapshot().vms).filter((v) => v.replication?.mode === 'Primary').map((v) => v.name).sort();
    const plan = testPlan({ name: 'Three', groups: [{ name: 'All', members: [{ vm: a! }, { vm: b! }, { vm: c! }] }] });
    await rig.advance(10 * min);
    rig.injectFault({ kind: 'primary-site-loss' });
    rig.injectFault({ kind: 'vm-boot-failure', vm: a!, mode: 'start-error' });
    const second = rig.injectFault({ kind: 'vm-boot-failure', vm: b!, mode: 'start-error' });
    await rig.advance(min);
    const run = await startRun(rig, 'unplanned-failover', plan);
    await rig.drive(() => rig.service.get(run.id).vms.filter((v) => v.status === 'waiting-operator').length === 2);
    const waiting = rig.service.get(run.id).vms.filter((v) => v.status === 'waiting-operator');
    const reasons = new Set(waiting.map((v) => failureReason(v)!.key));
    expect(reasons.size).toBe(1);
    const [reason] = [...reasons];

    // Wait: both retry on their own; the one whose fault clears comes up without another question.
    const { decided } = rig.service.decideAll(run.id, reason!, 'wait', ACTOR);
    expect(decided.sort()).toEqual([a, b]);
    rig.clearFault(second.id);
    await rig.drive(() => rig.service.get(run.id).vms.find((v) => v.name === b)!.status === 'done', 30 * min);
    const now = rig.service.get(run.id);
    expect(now.vms.find((v) => v.name === a)!.status).toBe('running'); // still trying, not asking
    expect(now.vms.some((v) => v.status === 'waiting-operator')).toBe(false);

    const audit = rig.audit.read({}).filter((e) => e.action.startsWith('recovery decision for all'));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: ACTOR, action: 'recovery decision for all: wait', target: `${run.id} (2 VMs)` });
    expect(() => rig.service.decideAll(run.id, 'start|backend|nothing like this', 'skip', ACTOR)).toThrow(/No VM is waiting on that failure/);
    rig.service.abort(run.id, ACTOR);
    await rig.drive(() => rig.service.get(run.id).status === 'aborted');
    await rig.dispose();
  });
});
