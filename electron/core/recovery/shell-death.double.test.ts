import { afterEach, describe, expect, it } from 'vitest';
import { decodeArgument, OPERATION_LINE } from '../backends/powershell/argument-encoding.ts';
import { createDoubleRig, type DoubleRig } from '../testing/double-rig.ts';
import { settled, testPlan } from '../testing/recovery-rig.ts';

const ACTOR = 'tester';
const rigs: DoubleRig[] = [];
afterEach(async () => { await Promise.all(rigs.splice(0).map((r) => r.dispose())); });

/**
 * What only a real process boundary can do: the local PowerShell dies in the middle of a failover.
 * The session reports the command failed without re-sending it, reconnects, and the orchestrator
 * re-reads before acting again, so a failover that happened is found done and one that never
 * reached the host is sent once.
 */
describe('a failover when the PowerShell process dies mid-command', { timeout: 90_000 }, () => {
  it('applies every failover exactly once, whether the shell died before or after the host acted', async () => {
    const rig = await createDoubleRig();
    rigs.push(rig);
    const hub = rig.double.hub;
    rig.injectFault({ kind: 'primary-site-loss' });
    await rig.advance(60_000);
    const plan = testPlan();
    const members = rig.service.resolve(plan, 'unplanned-failover').members.filter((m) => m.group === 0);
    const [after, before] = [members[0]!.name, members[1]!.name];
    hub.inject({ kind: 'die-after-apply', operation: 'start-vmfailover', vmName: after });
    hub.inject({ kind: 'die-before-apply', operation: 'start-vmfailover', vmName: before });
    const warnings = (await rig.service.preflight(plan, 'unplanned-failover', { kind: 'latest' })).warnings.map((w) => w.id);
    const run = await rig.service.start({ plan, type: 'unplanned-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, confirmText: plan.name, actor: ACTOR });
    await rig.drive(settled(rig.service, run.id));

    const done = rig.service.get(run.id);
    expect(done.status).toBe('completed');
    // What went down the pipe, decoded: how many times each VM's failover was sent at all.
    const sentFailovers = (vm: string) => hub.lines.map((l) => OPERATION_LINE.exec(l)).filter((m) => m?.[1] === 'start-vmfailover' && decodeArgument(m[2]!).vmName === vm).length;
    for (const vm of done.vms) {
      expect(vm.status, vm.name).toBe('done');
      expect(hub.applied.filter((a) => a.operation === 'start-vmfailover' && a.args.vmName === vm.name), vm.name).toHaveLength(1);
    }
    // Died after Hyper-V acted: reported failed, then found done on the next attempt, never re-sent.
    const afterVm = done.vms.find((v) => v.name === after)!;
    expect(afterVm.steps[0]).toMatchObject({ kind: 'failover', status: 'done', attempts: 2, note: expect.stringContaining('found already done') });
    expect(sentFailovers(after)).toBe(1);
    // Died before the line reached the host: nothing happened, so the retry is the one failover.
    const beforeVm = done.vms.find((v) => v.name === before)!;
    expect(beforeVm.steps[0]).toMatchObject({ kind: 'failover', status: 'done', note: null });
    expect(beforeVm.steps[0]!.attempts).toBeGreaterThanOrEqual(2);
    expect(sentFailovers(before)).toBe(2);
    // The session came back on its own: a new shell, connected again.
    const dr = rig.double.sessions.find((s) => s.profile.role === 'dr')!;
    expect(dr.state().state).toBe('connected');
  });
});
