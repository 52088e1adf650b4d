import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { heartbeatIsUp } from '../../../shared/model/recovery-plan.ts';
import { journalFile } from '../recovery/run-journal.ts';
import { settled, severable, testPlan, type RecoveryRig, type RigFactory } from './recovery-rig.ts';
import { summarize } from '../recovery/run-summary.ts';
import { readVm } from '../recovery/vm-steps.ts';

const ACTOR = 'tester';

/**
 * The orchestrator's behaviour, once, for every backend: the lab calls it with its rig, the
 * PowerShell backend with a rig that runs every call through the process-boundary double.
 */
export function orchestratorSuite(name: string, factory: RigFactory, options: { timeoutMs?: number } = {}): void {
  describe(`recovery orchestrator on ${name}`, { timeout: options.timeoutMs }, () => {
    const rigs: RecoveryRig[] = [];
    const create: RigFactory = async (options) => { const rig = await factory(options); rigs.push(rig); return rig; };
    afterEach(async () => { await Promise.all(rigs.splice(0).map((r) => r.dispose())); });
    it('runs a test failover drill, then cleans up every test VM', async () => {
      const rig = await create();
      const plan = testPlan();
      const report = await rig.service.preflight(plan, 'test-failover', { kind: 'latest' });
      expect(report.blockers).toEqual([]);
      const run = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), actor: ACTOR });
      expect(run.vms.length).toBeGreaterThan(10);
      await rig.drive(settled(rig.service, run.id));
      const done = rig.service.get(run.id);
      expect(done.status).toBe('completed');
      for (const vm of done.vms) {
        expect(vm.status).toBe('done');
        const test = await readVm(rig.backend, { vmName: `${vm.name} - Test`, computerName: vm.targetHost });
        // Up by the plan's default requirement: OkApplicationsUnknown counts (guests without application health).
        expect(test && heartbeatIsUp(test.Heartbeat)).toBe(true);
        const replica = await readVm(rig.backend, { vmName: vm.name, computerName: vm.targetHost });
        expect(replica?.State).toBe('Off'); // production replica untouched
        expect(rig.calls.get(`startVMFailover ${vm.name}`)).toBe(1);
      }
      // Groups in order: no tier-1 VM started before every tier-0 VM was healthy.
      const lastTier0 = Math.max(...done.vms.filter((v) => v.group === 0).map((v) => v.timing.healthyAt!));
      expect(Math.min(...done.vms.filter((v) => v.group === 1).map((v) => v.timing.startedAt!))).toBeGreaterThanOrEqual(lastTier0);

      rig.service.finish(run.id, 'cleanup', ACTOR);
      await rig.drive(settled(rig.service, run.id));
      for (const vm of done.vms) {
        expect(await readVm(rig.backend, { vmName: `${vm.name} - Test`, computerName: vm.targetHost })).toBeNull();
      }
      expect(rig.service.get(run.id).finishes[0]).toMatchObject({ action: 'cleanup', status: 'done' });
    });

    it('runs a planned failover: shutdown, prepare, failover, reverse, start, with no data lost', async () => {
      const rig = await create();
      const plan = testPlan();
      const report = await rig.service.preflight(plan, 'planned-failover', { kind: 'latest' });
      expect(report.warnings.map((w) => w.id)).toContain('primary-running');
      await expect(rig.service.start({ plan, type: 'planned-failover', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), actor: ACTOR }))
        .rejects.toThrow(/type the plan name/);
      const linesBefore = rig.backend.linesBySite?.();
      const run = await rig.service.start({ plan, type: 'planned-failover', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR });
      await rig.drive(settled(rig.service, run.id));
      const done = rig.service.get(run.id);
      expect(done.status).toBe('completed');
      // What the run cost on the wire: counted on a backend with one (PowerShell), per site, never more
      // than the backend sent meanwhile; absent on the lab, which has no wire to count.
      if (linesBefore) {
        const after = rig.backend.linesBySite!();
        const sent = Object.fromEntries(Object.entries(after).map(([site, n]) => [site, n - (linesBefore[site] ?? 0)]));
        expect(Object.keys(done.wire!.linesBySite).sort()).toEqual(Object.keys(after).sort());
        for (const [site, n] of Object.entries(done.wire!.linesBySite)) expect(n).toBeLessThanOrEqual(sent[site]!);
        expect(done.wire!.linesBySite['site-dr']).toBeGreaterThan(done.vms.length);
        expect(rig.service.get(run.id).wire).toEqual(done.wire);
      } else {
        expect(done.wire).toBeUndefined();
      }
      for (const vm of done.vms) {
        expect(vm.steps.map((s) => `${s.kind}:${s.status}`)).toEqual(['shutdown-primary:done', 'prepare:done', 'failover:done', 'reverse:done', 'start:done', 'heartbeat:done']);
        expect(vm.rpoSec).toBe(0);
        const primary = await readVm(rig.backend, { vmName: vm.name, computerName: vm.sourceHost });
        const replica = await readVm(rig.backend, { vmName: vm.name, computerName: vm.targetHost });
        expect(primary?.State).toBe('Off');
        expect(replica).toMatchObject({ State: 'Running', ReplicationMode: 'Primary', Heartbeat: expect.stringMatching(/^OkApplications(Healthy|Unknown)$/) });
      }
      // A replica that extends to a third copy is reversed only once that extension is removed (the
      // plan's default choice, settings.extendedReplication 'reverse'): the call and the note say so.
      expect(done.settings.extendedReplication).toBe('reverse');
      const extendedVms = done.vms.filter((v) => v.steps.find((s) => s.kind === 'reverse')?.note?.includes('extended replication to the third copy removed'));
      // Every mutating call is in the audit log with who did it, with its options.
      const reverses = [...rig.audit.read({ action: 'Set-VMReplication -Reverse' }), ...rig.audit.read({ action: 'Set-VMReplication -Reverse {"removeExtended":true}' })];
      expect(reverses.filter((e) => e.result === 'started' && e.action.endsWith('{"removeExtended":true}'))).toHaveLength(extendedVms.length);
      const audited = reverses.filter((e) => e.result === 'ok');
      // Each call is on disk twice: before it went out (started) and when it settled.
      expect(reverses.filter((e) => e.result === 'started')).toHaveLength(done.vms.length);
      expect(audited).toHaveLength(done.vms.length);
      expect(audited[0]).toMatchObject({ actor: ACTOR, result: 'ok' });
    });

    it('runs an unplanned failover after losing the primary site, reports RTO and RPO, then commits', async () => {
      const rig = await create();
      await rig.advance(10 * 60_000);
      rig.injectFault({ kind: 'primary-site-loss' });
      await rig.advance(60_000);
      const plan = testPlan();
      const report = await rig.service.preflight(plan, 'unplanned-failover', { kind: 'latest' });
      expect(report.blockers).toEqual([]);
      const run = await rig.service.start({ plan, type: 'unplanned-failover', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: ACTOR });
      await rig.drive(settled(rig.service, run.id));
      const summary = summarize(rig.service.get(run.id));
      expect(summary.vmsHealthy).toBe(run.vms.length);
      expect(summary.achievedRtoSec).toBeGreaterThan(60);
      expect(summary.achievedRtoSec).toBeLessThan(3600);
      // RPO runs from the last replication received to the moment the primary was last seen alive: the
      // loss when the backend reported it (the lab does), else the run's start; never after the run began.
      const finished = rig.service.get(run.id);
      for (const vm of finished.vms) {
        expect(vm.rpoMeasuredTo!).toBeLessThanOrEqual(finished.startedAt);
        expect(vm.rpoSec).toBe(Math.max(0, vm.rpoMeasuredTo! - vm.recoveryPoint!.at) / 1000);
      }
      expect(summary.maxRpoSec).toBeGreaterThan(0);
      for (const vm of summary.vms) expect(vm.rtoSec).not.toBeNull();

      rig.service.finish(run.id, 'commit', ACTOR);
      await rig.drive(settled(rig.service, run.id));
      for (const vm of run.vms) {
        expect((await readVm(rig.backend, { vmName: vm.name, computerName: vm.targetHost }))?.ReplicationState).toBe('FailedOver');
      }
    });

    it('preflight blocks an unplanned failover while primaries run, and a second run on the same VMs', async () => {
      const rig = await create();
      const plan = testPlan();
      const unplanned = await rig.service.preflight(plan, 'unplanned-failover', { kind: 'latest' });
      expect(unplanned.ok).toBe(false);
      expect(unplanned.blockers.map((b) => b.check)).toContain('primary-off');
      await expect(rig.service.start({ plan, type: 'unplanned-failover', policy: { kind: 'latest' }, acceptedWarnings: [], confirmText: plan.name, actor: ACTOR })).rejects.toThrow(/blocker/);

      const drill = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: (await rig.service.preflight(plan, 'test-failover', { kind: 'latest' })).warnings.map((w) => w.id), actor: ACTOR });
      const again = await rig.service.preflight(plan, 'test-failover', { kind: 'latest' });
      expect(again.blockers.find((b) => b.check === 'run-conflict')?.message).toContain(drill.id);
      await rig.drive(settled(rig.service, drill.id));
    });

    it('preflight blocks when a DR host lacks memory for the plan', async () => {
      const rig = await create();
      const plan = testPlan();
      const host = rig.service.resolve(plan).members[0]!.targetHost;
      rig.injectFault({ kind: 'host-crash', host });
      await rig.advance(1000);
      const report = await rig.service.preflight(plan, 'test-failover', { kind: 'latest' });
      expect(report.blockers.find((b) => b.id === `capacity:${host}`)?.message).toMatch(/needs \d+ GiB .* has 0 GiB free \(the host is down\)/);
    });

    it('retries transient failures on its own, then asks the operator: skip, retry, abort', async () => {
      const rig = await create();
      rig.injectFault({ kind: 'primary-site-loss' });
      const plan = testPlan();
      const members = rig.service.resolve(plan, 'unplanned-failover').members.filter((m) => m.group === 0);
      const [flaky, broken, fixable] = [members[0]!.name, members[1]!.name, members[2]!.name];
      const warnings = (await rig.service.preflight(plan, 'unplanned-failover', { kind: 'latest' })).warnings.map((w) => w.id);
      rig.injectFault({ kind: 'vm-boot-failure', vm: broken, mode: 'start-error' });
      const fixFault = rig.injectFault({ kind: 'vm-boot-failure', vm: fixable, mode: 'start-error' });
      const run = await rig.service.start({ plan, type: 'unplanned-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, confirmText: plan.name, actor: ACTOR });
      // Once the calls already sent are answered, the next call for this VM is its Start-VMFailover
      // (on PowerShell: the one the host is working on): it happens, but the answer never comes.
      await rig.settle();
      rig.injectFault({ kind: 'backend-timeout', vm: flaky, calls: 1 });
      await rig.drive(() => rig.service.get(run.id).vms.filter((v) => v.status === 'waiting-operator').length === 2, 3600_000).catch((e) => {
        const st = rig.service.get(run.id);
        console.log(rig.sim.now - st.startedAt, st.vms.filter((v) => v.status !== 'done').map((v) => `${v.name} ${v.status} ${v.steps.map((s) => `${s.kind}:${s.status}:${s.attempts}:${s.error?.message ?? ''}`).join(',')}`));
        throw e;
      });
      let state = rig.service.get(run.id);
      const startOf = (name: string) => state.vms.find((v) => v.name === name)!.steps.find((s) => s.kind === 'start')!;
      expect(startOf(broken)).toMatchObject({ status: 'waiting-operator', attempts: 3, error: { code: 'backend' } });
      // Group 1 waits for the decision.
      expect(state.vms.filter((v) => v.group === 1).every((v) => v.status === 'pending')).toBe(true);

      rig.service.decide(run.id, { vm: broken }, 'skip', ACTOR);
      rig.clearFault(fixFault.id);
      rig.service.decide(run.id, { vm: fixable }, 'retry', ACTOR);
      expect(() => rig.service.decide(run.id, { vm: flaky }, 'retry', ACTOR)).toThrow(/not waiting/);
      await rig.drive(() => rig.service.get(run.id).groups[0]!.status === 'done');
      state = rig.service.get(run.id);
      expect(state.vms.find((v) => v.name === broken)!.status).toBe('skipped');
      expect(state.vms.find((v) => v.name === fixable)!.status).toBe('done');
      const flakyVm = state.vms.find((v) => v.name === flaky)!;
      expect(flakyVm.status).toBe('done');
      expect(flakyVm.steps[0]).toMatchObject({ attempts: 2, note: expect.stringContaining('found already done') });
      expect(rig.calls.get(`startVMFailover ${flaky}`)).toBe(1);

      const before = new Map(rig.calls);
      rig.service.abort(run.id, ACTOR);
      await rig.drive(settled(rig.service, run.id));
      state = rig.service.get(run.id);
      expect(state.status).toBe('aborted');
      expect(state.abortedBy).toBe(ACTOR);
      const after = [...rig.calls].filter(([key, n]) => key.startsWith('startVMFailover') && n !== (before.get(key) ?? 0));
      // Calls already in flight may finish; nothing new may start after the abort settled.
      const startedAfter = after.length;
      await rig.drive(() => rig.sim.now > state.endedAt! + 10 * 60_000, 11 * 60_000).catch(() => {});
      expect([...rig.calls].filter(([key, n]) => key.startsWith('startVMFailover') && n !== (before.get(key) ?? 0))).toHaveLength(startedAfter);
      expect(state.vms.filter((v) => v.group === 2).every((v) => v.status === 'aborted')).toBe(true);
    });

    it('resumes after the process dies mid-run without failing any VM over twice', async () => {
      let cut = () => {};
      const rig = await create({ backend: (backend) => { const s = severable(backend); cut = s.cut; return s.backend; } });
      await rig.advance(5 * 60_000);
      rig.injectFault({ kind: 'primary-site-loss' });
      await rig.advance(30_000);
      // Three VMs at a time, so the crash catches VMs done, VMs mid-call and VMs not started.
      const plan = { ...testPlan(), settings: { ...testPlan().settings, maxParallelVms: 3 } };
      const first = rig.service;
      const warnings = (await first.preflight(plan, 'unplanned-failover', { kind: 'latest' })).warnings.map((w) => w.id);
      const run = await first.start({ plan, type: 'unplanned-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, confirmText: plan.name, actor: ACTOR });
      const total = run.vms.length;
      // Die while group 1 is failing over: some VMs done, some mid-call, some not started.
      await rig.drive(() => {
        const vms = first.get(run.id).vms.filter((v) => v.group === 1);
        return vms.filter((v) => v.timing.failoverDoneAt !== null).length >= 2 && vms.some((v) => v.status === 'pending');
      });
      expect(first.get(run.id).vms.some((v) => v.group === 1 && v.status === 'running')).toBe(true);
      cut();
      const midway = first.get(run.id);
      expect(midway.status).toBe('running');
      await rig.advance(20_000); // the lab keeps going while nobody watches

      const second = rig.restart();
      const resumed = second.get(run.id);
      expect(resumed.resumedCount).toBe(1);
      await rig.drive(settled(second, run.id));
      const done = second.get(run.id);
      expect(done.status).toBe('completed');
      expect(done.vms.filter((v) => v.status === 'done')).toHaveLength(total);
      for (const vm of done.vms) {
        expect(rig.calls.get(`startVMFailover ${vm.name}`), vm.name).toBe(1);
        expect(rig.calls.get(`startVM ${vm.name}`), vm.name).toBe(1);
      }
    });

    it('writes each change to the journal before anyone hears of it', async () => {
      const rig = await create({ vmCount: 12 });
      const plan = testPlan();
      const warnings = (await rig.service.preflight(plan, 'test-failover', { kind: 'latest' })).warnings.map((w) => w.id);
      const run = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, actor: ACTOR });
      const file = journalFile(rig.dataDir, run.id);
      let checked = 0;
      const original = rig.events.push.bind(rig.events);
      rig.events.push = (...batches) => {
        for (const batch of batches) {
          const onDisk = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { seq: number });
          expect(onDisk.at(-1)!.seq).toBeGreaterThanOrEqual(batch.seq);
          checked += 1;
        }
        return original(...batches);
      };
      await rig.drive(settled(rig.service, run.id));
      expect(checked).toBeGreaterThan(5);
      expect(rig.service.get(run.id).status).toBe('completed');
    });
  });
}
