import { describe, expect, it } from 'vitest';
import { PlanSettingsSchema, type VmStepKind } from '../../../shared/model/recovery-plan.ts';
import type { RunSnapshot, RunType, VmRun, VmStep } from '../../../shared/model/recovery-run.ts';
import { summarize } from './run-summary.ts';
import { MAIN_STEPS } from './vm-steps.ts';

const T0 = Date.UTC(2026, 0, 1, 3, 0, 0);
const min = 60_000;

function step(kind: VmStepKind, status: VmStep['status']): VmStep {
  return { kind, phase: 'main', status, attempts: status === 'pending' ? 0 : 1, startedAt: null, endedAt: null, error: null, note: null };
}

function vm(name: string, type: RunType, how: { done: number; status: VmRun['status']; healthyAt?: number; rpoSec?: number; tier?: 0 | 1 | 2 }): VmRun {
  const kinds = MAIN_STEPS[type];
  const failoverIndex = kinds.findIndex((k) => k === 'failover' || k === 'test-failover');
  return {
    name, vmId: `id-${name}`, group: 0, order: 0, sourceHost: 'HV-A01', targetHost: 'DRHV-B01', targetCluster: 'CL-B',
    memoryBytes: 1, cpuCount: 1, dependsOn: [], status: how.status,
    steps: kinds.map((k, i) => step(k, i < how.done ? 'done' : how.status === 'aborted' ? 'aborted' : 'pending')),
    timing: { startedAt: T0, failoverDoneAt: how.done > failoverIndex ? T0 + min : null, runningAt: null, heartbeatAt: null, healthyAt: how.healthyAt ?? null },
    rtoSec: null, rpoSec: how.rpoSec ?? null, recoveryPoint: null, tier: how.tier ?? 1,
  };
}

function run(type: RunType, status: RunSnapshot['status'], vms: VmRun[], extra: Partial<RunSnapshot> = {}): RunSnapshot {
  return {
    id: 'r1', planId: 'p', planName: 'Plan', planRevision: 1, type, policy: { kind: 'latest' }, status, createdBy: 'me',
    startedAt: T0, mainEndedAt: T0 + 40 * min, endedAt: T0 + 40 * min, rtoTargetSec: 3600,
    settings: PlanSettingsSchema.parse({}), finishes: [], resumedCount: 0, abortedBy: status === 'aborted' ? 'me' : null,
    seq: 1, groups: [{ index: 0, name: 'All', status: 'done', startedAt: T0, endedAt: T0 + 40 * min, before: [], after: [] }], vms, ...extra,
  };
}

describe('run summary', () => {
  it('an aborted failback that moved nothing reports nothing reversed, nothing failed over and no claim about data', () => {
    const vms = ['A', 'B', 'C'].map((n) => vm(n, 'failback', { done: 1, status: 'aborted' })); // shut down only
    const summary = summarize(run('failback', 'aborted', vms));
    expect(summary).toMatchObject({ vmsReversed: 0, vmsFailedOver: 0, vmsHealthy: 0, vmsPrepared: 0, dataLoss: 'not-applicable', rtoVerdict: 'missed', vmsMissed: 3 });
  });

  it('a planned failover says "no data lost" only when every VM failed over was prepared first', () => {
    const complete = ['A', 'B'].map((n) => vm(n, 'planned-failover', { done: 6, status: 'done', healthyAt: T0 + 10 * min, rpoSec: 0 }));
    expect(summarize(run('planned-failover', 'completed', complete))).toMatchObject({ dataLoss: 'none', vmsReversed: 2, vmsPrepared: 2, vmsFailedOver: 2 });
    const half = [complete[0]!, vm('B', 'planned-failover', { done: 1, status: 'aborted' })];
    expect(summarize(run('planned-failover', 'aborted', half))).toMatchObject({ dataLoss: 'none', vmsReversed: 1, vmsFailedOver: 1, rtoVerdict: 'missed' });
  });

  it('a drill with a skipped VM is a miss, however fast the others were', () => {
    const vms = [
      vm('A', 'test-failover', { done: 3, status: 'done', healthyAt: T0 + 5 * min, rpoSec: 20 }),
      vm('B', 'test-failover', { done: 1, status: 'skipped' }),
    ];
    const summary = summarize(run('test-failover', 'completed', vms));
    expect(summary.rtoVerdict).toBe('missed');
    expect(summary.vmsMissed).toBe(1);
    expect(summary.achievedRtoSec).toBe(5 * 60); // the VMs that were recovered, all of them
    expect(summary.maxRpoSec).toBe(20);
    expect(summary.vms.find((v) => v.name === 'B')!.rtoVerdict).toBe('missed');
  });

  it('counts RTO from the recorded disaster, per VM, per group and per tier, and names where from', () => {
    const clockStart = { at: T0 - 20 * min, basis: 'site-lost' as const, detail: 'DC-A lost' };
    const vms = [
      vm('A', 'unplanned-failover', { done: 3, status: 'done', healthyAt: T0 + 10 * min, tier: 0, rpoSec: 12 }),
      vm('B', 'unplanned-failover', { done: 3, status: 'done', healthyAt: T0 + 45 * min, tier: 2, rpoSec: 200 }),
    ];
    const summary = summarize(run('unplanned-failover', 'completed', vms, { clockStart }));
    expect(summary.rtoFrom).toEqual(clockStart);
    expect(summary.achievedRtoSec).toBe(65 * 60);
    expect(summary.rtoVerdict).toBe('missed'); // 65 min against a one-hour target: the 20 minutes before the run count
    expect(summary.vms.map((v) => [v.name, v.rtoSec, v.rtoVerdict])).toEqual([['A', 30 * 60, 'met'], ['B', 65 * 60, 'missed']]);
    expect(summary.tiers).toEqual([
      { tier: 0, vmCount: 1, vmsHealthy: 1, vmsMissed: 0, rtoSec: 30 * 60, verdict: 'met' },
      { tier: 2, vmCount: 1, vmsHealthy: 1, vmsMissed: 1, rtoSec: 65 * 60, verdict: 'missed' },
    ]);
    expect(summary.groups[0]!.rtoSec).toBe(65 * 60);
    expect(summary.dataLoss).toBe('some');
    expect(summary.rpoBasis).toMatch(/last seen alive/);
  });

  it('a run still going with VMs missing stays pending until the target passes', () => {
    const vms = [vm('A', 'unplanned-failover', { done: 1, status: 'running' })];
    const going = run('unplanned-failover', 'running', vms, { mainEndedAt: null, endedAt: null });
    expect(summarize(going, T0 + 10 * min).rtoVerdict).toBe('pending');
    expect(summarize(going, T0 + 61 * min).rtoVerdict).toBe('missed');
  });
});
