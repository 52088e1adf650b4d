import { describe, expect, it } from 'vitest';
import type { RecoveryPointPolicy, RunSnapshot, RunType } from '../../../shared/model/recovery-run.ts';
import { createLabRig, settled, severable, testPlan, type LabRig } from '../testing/lab-rig.ts';
import { summarize } from './run-summary.ts';
import { readVm } from './vm-steps.ts';
import type { HyperVBackend, StartVMFailoverOptions, VmTarget } from '../backends/backend-port.ts';
import { ContractError } from '../../../shared/contract/errors.ts';

const ACTOR = 'tester';
const min = 60_000;

async function startRun(rig: LabRig, type: RunType) {
  const plan = testPlan();
  const report = await rig.service.preflight(plan, type, { kind: 'latest' });
  return rig.service.start({ plan, type, policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR });
}

/** The primary site lost 15 minutes ago, the run failed over to the latest point: completed, not committed. */
async function failedOver(rig: LabRig): Promise<{ run: RunSnapshot; lostAt: number }> {
  await rig.advance(10 * min);
  rig.injectFault({ kind: 'primary-site-loss' });
  const lostAt = rig.sim.world.log.all().find((e) => e.kind === 'site.lost')!.at;
  await rig.advance(15 * min);
  const started = await startRun(rig, 'unplanned-failover');
  await rig.drive(settled(rig.service, started.id));
  const run = rig.service.get(started.id);
  expect(run.status).toBe('completed');
  return { run, lostAt };
}

/** A backend whose process dies once the first Stop-VMFailover (after arm) has reached the host, before its answer is read. */
function dyingAfterStopVMFailover() {
  let armed = false;
  let victim: string | null = null;
  return {
    arm: () => { armed = true; },
    victim: () => victim,
    backend: (backend: HyperVBackend): HyperVBackend => {
      const s = severable(backend);
      return new Proxy(s.backend, {
        get(target, property, receiver) {
          if (property !== 'stopVMFailover' || !armed) return Reflect.get(target, property, receiver) as unknown;
          return (vm: VmTarget) => {
            const answer = target.stopVMFailover(vm);
            victim ??= vm.vmName;
            s.cut();
            return answer;
          };
        },
      });
    },
  };
}

function count(rig: LabRig, method: string, vm: string): number {
  return rig.calls.get(`${method} ${vm}`) ?? 0;
}

describe('an unplanned failover taken back to another recovery point before it is committed', () => {
  it('turns each replica off, reverts its failover, fails over to the chosen point and boots it; RPO, summary and audit follow; commit still works', { timeout: 60_000 }, async () => {
    const rig = await createLabRig();
    const { run, lostAt } = await failedOver(rig);
    const before = new Map(run.vms.map((vm) => [vm.name, vm]));
    const policy: RecoveryPointPolicy = { kind: 'point-in-time', at: lostAt - 90 * min };

    rig.service.finish(run.id, 'repoint', 'operator-2', { policy });
    expect(rig.service.get(run.id)).toMatchObject({ status: 'finishing', finishes: [{ action: 'repoint', policy, by: 'operator-2', status: 'running' }] });
    await rig.drive(() => rig.service.get(run.id).status !== 'finishing', 60 * min);

    const after = rig.service.get(run.id);
    expect(after.status).toBe('completed');
    expect(after.finishes.at(-1)).toMatchObject({ action: 'repoint', status: 'done' });
    for (const vm of after.vms) {
      const was = before.get(vm.name)!;
      expect(vm.status).toBe('done');
      expect(vm.steps.filter((s) => s.phase === 'repoint').map((s) => `${s.kind}:${s.status}`))
        .toEqual(['turn-off:done', 'revert-failover:done', 'failover:done', 'start:done', 'heartbeat:done']);
      // One call each, on the replica; the older point is named (-VMRecoverySnapshot).
      expect([count(rig, 'stopVM', vm.name), count(rig, 'stopVMFailover', vm.name), count(rig, 'startVMFailover', vm.name), count(rig, 'startVM', vm.name)]).toEqual([1, 1, 2, 2]);
      expect(vm.recoveryPoint!.name).toMatch(/Replica/);
      expect(vm.recoveryPoint!.at).toBeLessThanOrEqual(policy.at);
      expect(vm.rpoSec).toBe((vm.rpoMeasuredTo! - vm.recoveryPoint!.at) / 1000);
      expect(vm.rpoSec!).toBeGreaterThan(was.rpoSec!);
      expect(vm.timing.healthyAt!).toBeGreaterThan(was.timing.healthyAt!);
      expect(await readVm(rig.lab, { vmName: vm.name, computerName: vm.targetHost })).toMatchObject({ State: 'Running', ReplicationState: 'FailedOverWaitingCompletion' });
    }
    const summary = summarize(after);
    expect(summary.maxRpoSec).toBe(Math.max(...after.vms.map((v) => v.rpoSec!)));
    expect(summary.achievedRtoSec).toBe((Math.max(...after.vms.map((v) => v.timing.healthyAt!)) - lostAt) / 1000);
    expect(summary).toMatchObject({ vmsHealthy: after.vms.length, vmsFailedOver: after.vms.length, dataLoss: 'some' });
    const audited = rig.audit.read({ action: 'recovery finish: repoint' });
    expect(audited).toEqual([expect.objectContaining({ actor: 'operator-2', target: run.id, detail: expect.stringMatching(/newest at or before/) })]);

    // Commit keeps the point taken second; after it nothing can be taken back.
    rig.service.finish(run.id, 'commit', ACTOR);
    await rig.drive(() => rig.service.get(run.id).status !== 'finishing', 30 * min);
    expect(rig.service.get(run.id).finishes.at(-1)).toMatchObject({ action: 'commit', status: 'done' });
    const vm = after.vms[0]!;
    expect(await readVm(rig.lab, { vmName: vm.name, computerName: vm.targetHost })).toMatchObject({ ReplicationState: 'FailedOver' });
    expect(() => rig.service.finish(run.id, 'repoint', ACTOR, { policy: { kind: 'latest' } })).toThrow(/committed .*cannot be taken back/);
    await rig.dispose();
  });

  it('only the chosen VMs, only with a point, only for an unplanned failover', { timeout: 60_000 }, async () => {
    const rig = await createLabRig();
    const { run } = await failedOver(rig);
    const [one, ...rest] = run.vms;
    expect(() => rig.service.finish(run.id, 'repoint', ACTOR)).toThrow(/which recovery point/);
    expect(() => rig.service.finish(run.id, 'repoint', ACTOR, { policy: { kind: 'latest' }, vms: ['NOPE01'] })).toThrow(/'NOPE01' is not a VM of this run/);
    expect(() => rig.service.finish(run.id, 'cancel', ACTOR)).toThrow(/cancel does not apply to a unplanned-failover run/);
    rig.service.finish(run.id, 'repoint', ACTOR, { policy: { kind: 'latest' }, vms: [one!.name] });
    await rig.drive(() => rig.service.get(run.id).status !== 'finishing', 60 * min);
    expect(count(rig, 'stopVMFailover', one!.name)).toBe(1);
    for (const vm of rest) expect(count(rig, 'stopVMFailover', vm.name)).toBe(0);
    const again = rig.service.get(run.id).vms.find((v) => v.name === one!.name)!;
    expect(again.recoveryPoint).toMatchObject({ name: null });
    await rig.dispose();
  });

  it('resumes after a restart between Stop-VMFailover and the new failover: nothing sent twice, the point still recorded', { timeout: 60_000 }, async () => {
    const death = dyingAfterStopVMFailover();
    const rig = await createLabRig({ backend: death.backend });
    const { run, lostAt } = await failedOver(rig);
    const policy: RecoveryPointPolicy = { kind: 'point-in-time', at: lostAt - 90 * min };
    death.arm();
    rig.service.finish(run.id, 'repoint', ACTOR, { policy });
    await rig.drive(() => death.victim() !== null);
    const reverted = death.victim();
    expect(reverted).not.toBeNull();
    const journaled = rig.service.get(run.id).vms.find((vm) => vm.name === reverted)!;
    expect(journaled.steps.find((s) => s.kind === 'revert-failover')).toMatchObject({ status: 'running' });

    const second = rig.restart();
    await rig.drive(() => second.get(run.id).status !== 'finishing', 60 * min);
    const after = second.get(run.id);
    expect(after).toMatchObject({ status: 'completed', resumedCount: 1 });
    expect(after.finishes.at(-1)).toMatchObject({ action: 'repoint', status: 'done' });
    for (const vm of after.vms) {
      expect([count(rig, 'stopVMFailover', vm.name), count(rig, 'startVMFailover', vm.name)]).toEqual([1, 2]);
      expect(vm.recoveryPoint!.at).toBeLessThanOrEqual(policy.at);
      expect(vm.status).toBe('done');
    }
    const resumed = after.vms.find((vm) => vm.name === reverted)!;
    expect(resumed.steps.find((s) => s.kind === 'revert-failover')!.note).toMatch(/found already done/);
    await rig.dispose();
  });
});

/** The replica site refuses every failover but -Prepare (on the primary): the run's VMs stop between the two. */
function refusingFailover(backend: HyperVBackend): HyperVBackend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      if (property !== 'startVMFailover') return Reflect.get(target, property, receiver) as unknown;
      return (vm: VmTarget, options?: StartVMFailoverOptions) => (options?.prepare
        ? target.startVMFailover(vm, options)
        : Promise.reject(new ContractError('invalid-state', `Cannot fail over '${vm.vmName}': the Replica server refused the operation.`, vm.vmName)));
    },
  });
}

/** A planned failover whose first group was prepared and could not fail over, then aborted by its operator. */
async function abortedAfterPrepare(rig: LabRig): Promise<RunSnapshot> {
  const started = await startRun(rig, 'planned-failover');
  // Until every VM the run began is stopped at its failover (the rest of the plan waits behind them).
  await rig.drive(() => {
    const vms = rig.service.get(started.id).vms;
    return vms.some((vm) => vm.status === 'waiting-operator') && vms.every((vm) => vm.status !== 'running');
  });
  rig.service.abort(started.id, ACTOR);
  await rig.drive(settled(rig.service, started.id));
  const run = rig.service.get(started.id);
  expect(run.status).toBe('aborted');
  return run;
}

function waitingBetween(run: RunSnapshot) {
  const waiting = run.vms.filter((vm) => vm.timing.failoverDoneAt === null && vm.steps.some((s) => s.kind === 'shutdown-primary' && s.status === 'done'));
  expect(waiting.length).toBeGreaterThan(0);
  // Every one of them sent its last changes: the refusal came at the failover.
  for (const vm of waiting) expect(vm.steps.find((s) => s.kind === 'prepare')!.status).toBe('done');
  return waiting;
}

describe('a planned failover cancelled after Prepare', () => {
  it('cancels the prepare on each primary (Stop-VMFailover), starts it again, and reports the VMs cancelled, not failed over', { timeout: 60_000 }, async () => {
    const rig = await createLabRig({ backend: refusingFailover });
    const run = await abortedAfterPrepare(rig);
    const waiting = waitingBetween(run);
    expect(waiting.length).toBeGreaterThan(0);
    const untouched = run.vms.filter((vm) => !vm.steps.some((s) => s.kind === 'shutdown-primary' && s.status === 'done'));
    const movedBefore = summarize(run).vmsFailedOver;
    expect(() => rig.service.finish(run.id, 'repoint', ACTOR, { policy: { kind: 'latest' } })).toThrow(/repoint does not apply to a planned-failover run/);

    rig.service.finish(run.id, 'cancel', 'operator-2');
    await rig.drive(() => rig.service.get(run.id).status !== 'finishing', 60 * min);
    const after = rig.service.get(run.id);
    expect(after.status).toBe('aborted');
    expect(after.finishes.at(-1)).toMatchObject({ action: 'cancel', status: 'done', by: 'operator-2' });
    for (const was of waiting) {
      const vm = after.vms.find((v) => v.name === was.name)!;
      expect(vm.status).toBe('cancelled');
      expect(vm.steps.filter((s) => s.phase === 'cancel').map((s) => `${s.kind}:${s.status}`)).toEqual(['cancel-prepare:done', 'start-primary:done']);
      expect(await readVm(rig.lab, { vmName: vm.name, computerName: vm.sourceHost })).toMatchObject({ State: 'Running', ReplicationMode: 'Primary', ReplicationState: 'Replicating' });
      expect(await readVm(rig.lab, { vmName: vm.name, computerName: vm.targetHost })).toMatchObject({ ReplicationMode: 'Replica', ReplicationState: 'Replicating' });
      // Stop-VMFailover once, on the primary; Start-VM once, the primary; nothing failed over on the replica.
      expect([count(rig, 'stopVMFailover', vm.name), count(rig, 'startVM', vm.name)]).toEqual([1, 1]);
    }
    for (const vm of untouched) expect([count(rig, 'stopVMFailover', vm.name), count(rig, 'startVM', vm.name)]).toEqual([0, 0]);
    const summary = summarize(after);
    expect(summary).toMatchObject({ vmsCancelled: waiting.length, vmsFailedOver: movedBefore, vmsReversed: movedBefore });
    if (movedBefore === 0) expect(summary.dataLoss).toBe('not-applicable');
    expect(rig.audit.read({ action: 'recovery finish: cancel' })).toEqual([expect.objectContaining({ actor: 'operator-2', target: run.id })]);
    expect(() => rig.service.finish(run.id, 'cancel', ACTOR)).toThrow(/no planned failover to cancel/);
    await rig.dispose();
  });

  it('resumes after a restart right after Stop-VMFailover reached the primary: not sent again, the primary started once', { timeout: 60_000 }, async () => {
    const death = dyingAfterStopVMFailover();
    const rig = await createLabRig({ backend: (backend) => death.backend(refusingFailover(backend)) });
    const run = await abortedAfterPrepare(rig);
    const waiting = waitingBetween(run);
    death.arm();
    rig.service.finish(run.id, 'cancel', ACTOR);
    await rig.drive(() => death.victim() !== null);
    const victim = death.victim();
    expect(rig.service.get(run.id).vms.find((vm) => vm.name === victim)!.steps.find((s) => s.kind === 'cancel-prepare')).toMatchObject({ status: 'running' });

    const second = rig.restart();
    await rig.drive(() => second.get(run.id).status !== 'finishing', 60 * min);
    const after = second.get(run.id);
    expect(after).toMatchObject({ status: 'aborted', resumedCount: 1 });
    for (const was of waiting) {
      const vm = after.vms.find((v) => v.name === was.name)!;
      expect(vm.status).toBe('cancelled');
      expect([count(rig, 'stopVMFailover', vm.name), count(rig, 'startVM', vm.name)]).toEqual([1, 1]);
    }
    expect(after.vms.find((vm) => vm.name === victim)!.steps.find((s) => s.kind === 'cancel-prepare')!.note).toMatch(/found already done/);
    await rig.dispose();
  });
});
