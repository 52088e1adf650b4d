import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { heartbeatIsUp } from '../../../shared/model/recovery-plan.ts';
import type { RecoveryPointPolicy, RunSnapshot, RunType } from '../../../shared/model/recovery-run.ts';
import { PWSH, PWSH_MISSING } from '../testing/powershell-double/real-pwsh.ts';
import { createEmulationRig, type EmulationRig } from '../testing/hyperv-emulation/emulation-rig.ts';
import { settled, testPlan } from '../testing/recovery-rig.ts';
import { summarize } from './run-summary.ts';
import { readVm } from './vm-steps.ts';

vi.setConfig({ testTimeout: 600_000, hookTimeout: 300_000 });

const ACTOR = 'tester';

/**
 * The orchestrator with every call through real PowerShell: pwsh per site, PSSessions over SSH to one
 * loopback pwsh per node, the host scripts against the cmdlet emulation over one lab simulation.
 * Starting that world costs ten pwsh processes, so one world serves the whole story, as an
 * estate lives it: a drill, a planned failover (a node's remote shell killed mid-run), the failback
 * home, then the primary site lost, an unplanned failover to a chosen recovery point with the SSH
 * server restarted mid-run, and its commit. Every other orchestrator behaviour runs on the lab and
 * on the double (orchestrator.test.ts, orchestrator.double.test.ts) against the same answers
 * (double-pinned.test.ts pins the double to this emulation).
 */
describe.skipIf(!PWSH)(`recovery orchestrator on real PowerShell + SSH + cmdlet emulation${PWSH ? '' : ` (${PWSH_MISSING})`}`, () => {
  let rig: EmulationRig;
  // Fewer heartbeat polls (each a real round trip) and retries spaced to outlast a keep-alive, so a
  // node whose session died is reopened before the step gives up; both are plan settings.
  const base = testPlan();
  const plan = { ...base, settings: { ...base.settings, pollSec: 20, maxRetries: 4, retryBackoffSec: 20 } };

  // Three sites: the DR replicas extend to a third copy (A->B->C), so the planned failover's reverse on
  // B is refused by Set-VMReplication until the extension is removed; the plan's default choice
  // (settings.extendedReplication 'reverse') removes it first (cmdlet-emulation.pwsh.test.ts pins the
  // refusal itself).
  // The estate is refreshed before each run starts (advance) rather than every 30 simulated seconds:
  // while a run is driven, simulated time races ahead and each refresh is two whole inventories.
  beforeAll(async () => { rig = await createEmulationRig({ vmCount: 12, refreshMs: 3_600_000 }); });
  afterAll(async () => { await rig?.dispose(); });

  async function start(type: RunType, policy: RecoveryPointPolicy = { kind: 'latest' }): Promise<RunSnapshot> {
    await rig.advance(1_000);
    const report = await rig.service.preflight(plan, type, policy);
    expect(report.blockers, type).toEqual([]);
    return rig.service.start({ plan, type, policy, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR });
  }
  const dr = () => rig.emulated.sessions.find((s) => s.profile.role === 'dr')!;

  it('runs a test failover drill, then cleans up every test VM', async () => {
    const run = await start('test-failover');
    expect(run.vms.length).toBeGreaterThan(3);
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    expect(done.status).toBe('completed');
    for (const vm of done.vms) {
      const test = await readVm(rig.backend, { vmName: `${vm.name} - Test`, computerName: vm.targetHost });
      expect(test && heartbeatIsUp(test.Heartbeat), vm.name).toBe(true);
      expect((await readVm(rig.backend, { vmName: vm.name, computerName: vm.targetHost }))?.State).toBe('Off');
    }
    rig.service.finish(run.id, 'cleanup', ACTOR);
    await rig.drive(settled(rig.service, run.id));
    for (const vm of done.vms) expect(await readVm(rig.backend, { vmName: `${vm.name} - Test`, computerName: vm.targetHost })).toBeNull();
    expect(rig.service.get(run.id).finishes[0]).toMatchObject({ action: 'cleanup', status: 'done' });
  });

  it('runs a planned failover to the end while a DR node\'s remote pwsh is killed mid-run, on a reopened session', async () => {
    const run = await start('planned-failover');
    // Killed once the first VMs have failed over: the others' calls to that node find its session dead.
    await rig.drive(() => settled(rig.service, run.id)() || rig.service.get(run.id).vms.some((v) => v.timing.failoverDoneAt !== null));
    const node = rig.service.get(run.id).vms.find((v) => v.status !== 'done')?.targetHost ?? run.vms[0]!.targetHost;
    const [before] = rig.emulated.ssh.sessions(node);
    expect(rig.emulated.ssh.killSessions(node)).toBeGreaterThan(0);
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    expect(done.vms.filter((v) => v.status !== 'done').map((v) => `${v.name}: ${v.steps.map((s) => `${s.kind}:${s.status}${s.error ? ` (${s.error.message})` : ''}`).join(', ')}`)).toEqual([]);
    expect(done.status).toBe('completed');
    const extended = done.vms.filter((v) => v.steps.find((s) => s.kind === 'reverse')?.note?.includes('extended replication to the third copy removed'));
    expect(extended.length).toBeGreaterThan(0);
    for (const vm of done.vms) {
      expect(vm.rpoSec).toBe(0);
      expect(await readVm(rig.backend, { vmName: vm.name, computerName: vm.targetHost })).toMatchObject({ State: 'Running', ReplicationMode: 'Primary' });
      expect((await readVm(rig.backend, { vmName: vm.name, computerName: vm.sourceHost }))?.State).toBe('Off');
    }
    const [after] = rig.emulated.ssh.sessions(node);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    expect(dr().state().nodes.every((n) => n.connected)).toBe(true);
  });

  it('fails back: every VM home, running as the primary, replicating to the DR site again', async () => {
    const run = await start('failback');
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    expect(done.status).toBe('completed');
    for (const vm of done.vms) {
      expect(vm.steps.map((s) => `${s.kind}:${s.status}`)).toEqual(['shutdown-primary:done', 'prepare:done', 'failover:done', 'reverse:done', 'start:done', 'heartbeat:done']);
      expect(await readVm(rig.backend, { vmName: vm.name, computerName: vm.targetHost })).toMatchObject({ State: 'Running', ReplicationMode: 'Primary' });
      expect(await readVm(rig.backend, { vmName: vm.name, computerName: vm.sourceHost })).toMatchObject({ State: 'Off', ReplicationMode: 'Replica' });
    }
  });

  it('loses the primary site, fails over to a chosen recovery point while the SSH server restarts, then commits', async () => {
    // Past the next hourly recovery point: the failback's reversal started the replicas' history afresh.
    await rig.advance(65 * 60_000);
    rig.injectFault({ kind: 'primary-site-loss' });
    await rig.advance(60_000);
    // The newest recovery point at or before the loss: Get-VMSnapshot, then Start-VMFailover -VMRecoverySnapshot.
    const lostAt = rig.sim.now - 60_000;
    const run = await start('unplanned-failover', { kind: 'point-in-time', at: lostAt });
    await rig.drive(() => settled(rig.service, run.id)() || rig.service.get(run.id).vms.some((v) => v.timing.failoverDoneAt !== null));
    await rig.emulated.ssh.stopServer();
    await rig.advance(5_000);
    await rig.emulated.ssh.startServer();
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    expect(done.vms.filter((v) => v.status !== 'done').map((v) => `${v.name}: ${v.steps.map((s) => `${s.kind}:${s.status}${s.error ? ` (${s.error.message})` : ''}`).join(', ')}`)).toEqual([]);
    const summary = summarize(done);
    expect(summary.vmsHealthy).toBe(run.vms.length);
    for (const vm of done.vms) {
      const failover = vm.steps.find((s) => s.kind === 'failover')!;
      expect(failover.status).toBe('done');
      expect(vm.recoveryPoint?.at, vm.name).toBeLessThanOrEqual(lostAt);
    }
    expect(summary.maxRpoSec).toBeGreaterThan(60);
    rig.service.finish(run.id, 'commit', ACTOR);
    await rig.drive(settled(rig.service, run.id));
    for (const vm of done.vms) {
      expect((await readVm(rig.backend, { vmName: vm.name, computerName: vm.targetHost }))?.ReplicationState).toBe('FailedOver');
    }
  });
});
