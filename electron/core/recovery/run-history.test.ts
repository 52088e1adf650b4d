import { describe, expect, it } from 'vitest';
import { createCore } from '../core.ts';
import { memoryPorts, memorySettings } from '../testing/memory-ports.ts';
import { createLabRig } from '../testing/lab-rig.ts';
import { settled, testPlan } from '../testing/recovery-rig.ts';
import { drillSchedule, historyPoint } from './run-history.ts';
import type { Alert } from '../../../shared/model/replication.ts';

const DAY = 86_400_000;

describe('drill schedule', () => {
  it('is due a cadence after the newest drill that was not aborted; never drilled is due now', () => {
    const runs = [
      { type: 'test-failover', status: 'completed', startedAt: 10 * DAY },
      { type: 'test-failover', status: 'aborted', startedAt: 20 * DAY },
      { type: 'planned-failover', status: 'completed', startedAt: 25 * DAY },
    ];
    expect(drillSchedule(30, runs, 39 * DAY)).toEqual({ cadenceDays: 30, lastDrillAt: 10 * DAY, dueAt: 40 * DAY, overdue: false });
    expect(drillSchedule(30, runs, 40 * DAY + 1).overdue).toBe(true);
    expect(drillSchedule(7, [], 0)).toEqual({ cadenceDays: 7, lastDrillAt: null, dueAt: null, overdue: true });
  });
});

describe('plan history', () => {
  it('charts a finished drill: achieved RTO and tier 0 from its summary, failures counted from its steps', async () => {
    const rig = await createLabRig();
    const plan = testPlan();
    const warnings = (await rig.service.preflight(plan, 'test-failover', { kind: 'latest' })).warnings.map((w) => w.id);
    const run = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, actor: 'tester' });
    await rig.drive(settled(rig.service, run.id));
    const done = rig.service.get(run.id);
    const point = historyPoint(done, rig.lab.clock.now());
    const lastHealthy = Math.max(...done.vms.map((v) => v.timing.healthyAt!));
    expect(point).toMatchObject({ runId: run.id, type: 'test-failover', status: 'completed', predictedRtoSec: null, rtoVerdict: 'met', failures: 0, vmsMissed: 0, applicationsFailed: 0 });
    expect(point.achievedRtoSec).toBeCloseTo((lastHealthy - done.startedAt) / 1000, 6);
    const tier0 = done.vms.filter((v) => v.tier === 0).map((v) => v.timing.healthyAt!);
    expect(point.tier0RtoSec).toBeCloseTo((Math.max(...tier0) - done.startedAt) / 1000, 6);
    expect(point.tier0RtoSec!).toBeLessThan(point.achievedRtoSec!);

    // A failure retried is still a failure met; a prediction recorded is carried.
    const vm = done.vms[0]!;
    const failedOnce = { ...done, predictedRtoSec: 600, vms: [{ ...vm, steps: vm.steps.map((s, i) => (i === 0 ? { ...s, error: { code: 'timeout', message: 'x' } } : s)) }, ...done.vms.slice(1)] };
    expect(historyPoint(failedOnce, rig.lab.clock.now())).toMatchObject({ failures: 1, predictedRtoSec: 600 });
    await rig.dispose();
  });
});

describe('overdue drill alert', () => {
  it('raises one alert for a plan with a cadence and no drill, through recovery.history and plans.list too, and clears it when the cadence goes', async () => {
    const ports = memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 1, vmCount: 20 } }) });
    const core = await createCore(ports);
    const operator = { role: 'operator' as const, actor: 'A. Nurse' };
    try {
      const got = (await core.handle('plans.get', { id: 'full-site' }, operator)) as { plan: { revision: number; name: string; description: string; groups: unknown[]; dependencies: unknown[]; settings: Record<string, unknown> } };
      const { plan } = got;
      const draft = { name: plan.name, description: plan.description, groups: plan.groups, dependencies: plan.dependencies, settings: { ...plan.settings, drillCadenceDays: 30 } };
      const changes: Alert[] = [];
      core.subscribe('alerts.changed', (c) => changes.push(...c.changed));
      await core.handle('plans.update', { id: 'full-site', expectedRevision: plan.revision, plan: draft }, operator);
      await new Promise((r) => setTimeout(r, 20));
      const list = (await core.handle('plans.list', {}, operator)) as { plans: { id: string; drillSchedule?: { overdue: boolean; lastDrillAt: number | null } }[] };
      expect(list.plans.find((p) => p.id === 'full-site')!.drillSchedule).toMatchObject({ cadenceDays: 30, overdue: true, lastDrillAt: null });
      const alerts = ((await core.handle('alerts.list', {}, operator)) as { alerts: Alert[] }).alerts.filter((a) => a.kind === 'drill-overdue');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ vmId: 'plan:full-site', vmName: 'Full site', severity: 'warning', clearedAt: null, message: 'Full site: never drilled; a drill is due every 30 days.' });
      expect(changes.some((a) => a.kind === 'drill-overdue')).toBe(true);
      expect(await core.handle('recovery.history', { planId: 'full-site' }, operator)).toEqual({ planId: 'full-site', runs: [] });

      const { settings: { drillCadenceDays: _d, ...settings } } = draft;
      await core.handle('plans.update', { id: 'full-site', expectedRevision: plan.revision + 1, plan: { ...draft, settings } }, operator);
      await new Promise((r) => setTimeout(r, 20));
      const after = ((await core.handle('alerts.list', {}, operator)) as { alerts: Alert[] }).alerts.filter((a) => a.kind === 'drill-overdue');
      expect(after.map((a) => a.clearedAt !== null)).toEqual([true]);

      // A copy of a plan with a cadence is a plan never drilled: overdue at once, not at the next minute's check.
      await core.handle('plans.update', { id: 'full-site', expectedRevision: plan.revision + 2, plan: draft }, operator);
      const copy = (await core.handle('plans.duplicate', { id: 'full-site', name: 'Full site (copy)' }, operator)) as { id: string };
      await new Promise((r) => setTimeout(r, 20));
      const open = ((await core.handle('alerts.list', {}, operator)) as { alerts: Alert[] }).alerts.filter((a) => a.kind === 'drill-overdue' && a.clearedAt === null);
      expect(open.map((a) => a.vmId).sort()).toEqual(['plan:full-site', `plan:${copy.id}`].sort());
    } finally {
      await core.dispose();
    }
  });
});
