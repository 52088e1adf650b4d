import type { RunSnapshot, RunSummary, VmRun } from '../../../shared/model/recovery-run.ts';
import type { Tier } from '../../../shared/model/rpo.ts';
import { clockOf, combineVerdicts, rtoSecOf, vmRtoVerdict } from './run-clock.ts';

const RPO_BASIS: Record<RunSnapshot['type'], string> = {
  'unplanned-failover': 'last replication received → the moment the primary was last seen alive',
  'test-failover': 'age of the point each test copy started from, when the copy was made',
  'planned-failover': 'Prepare sent every change before the failover',
  failback: 'Prepare sent every change before the failover',
};

/**
 * Achieved RTO and RPO, per VM, per group, per tier and for the plan, from the run's own rows, and
 * the counts every sentence of the report is built from: a summary never claims what its rows do not
 * show. `now` (the backend clock) decides whether a VM still missing has already missed the target.
 */
export function summarize(run: RunSnapshot, now: number = run.endedAt ?? run.mainEndedAt ?? run.startedAt): RunSummary {
  const clock = clockOf(run);
  const sec = (from: number | null, to: number | null) => (from === null || to === null ? null : (to - from) / 1000);
  const verdictOf = (vm: VmRun) => vmRtoVerdict(vm, clock, run.rtoTargetSec, run.status, now);
  const vms = run.vms.map((vm) => ({
    name: vm.name, group: vm.group, status: vm.status, tier: vm.tier ?? null,
    rtoSec: rtoSecOf(vm.timing.healthyAt, clock), rpoSec: vm.rpoSec, rtoVerdict: verdictOf(vm),
    failoverSec: sec(vm.timing.startedAt, vm.timing.failoverDoneAt),
    bootSec: sec(vm.timing.runningAt, vm.timing.healthyAt),
  }));
  const healthy = run.vms.filter((vm) => vm.timing.healthyAt !== null);
  const missing = run.vms.filter((vm) => vm.timing.healthyAt === null && vm.status !== 'skipped');
  const lastHealthy = latest(healthy);
  const rpos = run.vms.map((vm) => vm.rpoSec).filter((v): v is number => v !== null);
  const stepDone = (vm: VmRun, kind: string) => vm.steps.some((s) => s.kind === kind && s.status === 'done');
  const failedOver = run.vms.filter((vm) => vm.timing.failoverDoneAt !== null);
  const prepared = run.vms.filter((vm) => stepDone(vm, 'prepare'));

  const tiers = new Map<Tier, VmRun[]>();
  for (const vm of run.vms) if (vm.tier !== undefined) tiers.set(vm.tier, [...(tiers.get(vm.tier) ?? []), vm]);

  return {
    runId: run.id, type: run.type, status: run.status, rtoTargetSec: run.rtoTargetSec, rtoFrom: clock,
    achievedRtoSec: missing.length === 0 && lastHealthy !== null ? rtoSecOf(lastHealthy, clock) : null,
    rtoVerdict: combineVerdicts(vms.map((v) => v.rtoVerdict)),
    maxRpoSec: rpos.length > 0 ? Math.max(...rpos) : null,
    rpoBasis: RPO_BASIS[run.type],
    dataLoss: dataLossOf(run, failedOver, prepared),
    vmsHealthy: healthy.length,
    vmsSkipped: run.vms.filter((vm) => vm.status === 'skipped').length,
    vmsNotRecovered: missing.length,
    vmsMissed: vms.filter((v) => v.rtoVerdict === 'missed').length,
    vmsFailedOver: failedOver.length,
    vmsReversed: run.vms.filter((vm) => stepDone(vm, 'reverse')).length,
    vmsPrepared: prepared.length,
    vmsCancelled: run.vms.filter((vm) => vm.status === 'cancelled').length,
    groups: run.groups.map((g) => {
      const members = run.vms.filter((vm) => vm.group === g.index);
      const all = members.every((vm) => vm.timing.healthyAt !== null);
      return {
        index: g.index, name: g.name, startedAt: g.startedAt, endedAt: g.endedAt,
        durationSec: sec(g.startedAt, g.endedAt), rtoSec: all ? rtoSecOf(latest(members), clock) : null,
      };
    }),
    tiers: [...tiers].sort(([a], [b]) => a - b).map(([tier, members]) => {
      const verdicts = members.map(verdictOf);
      const all = members.every((vm) => vm.timing.healthyAt !== null);
      return {
        tier, vmCount: members.length,
        vmsHealthy: members.filter((vm) => vm.timing.healthyAt !== null).length,
        vmsMissed: verdicts.filter((v) => v === 'missed').length,
        rtoSec: all ? rtoSecOf(latest(members), clock) : null,
        verdict: combineVerdicts(verdicts),
      };
    }),
    vms,
  };
}

function latest(vms: readonly VmRun[]): number | null {
  let max: number | null = null;
  for (const vm of vms) if (vm.timing.healthyAt !== null) max = Math.max(max ?? vm.timing.healthyAt, vm.timing.healthyAt);
  return max;
}

/**
 * Planned directions lose nothing only for VMs that sent their last changes first; a run stopped
 * before any failover moved nothing, which is neither. Unplanned: lost when any RPO is above zero.
 */
function dataLossOf(run: RunSnapshot, failedOver: readonly VmRun[], prepared: readonly VmRun[]): RunSummary['dataLoss'] {
  if (run.type === 'test-failover') return 'not-applicable';
  if (failedOver.length === 0) return 'not-applicable';
  if (run.type === 'planned-failover' || run.type === 'failback') {
    const names = new Set(prepared.map((vm) => vm.name));
    return failedOver.every((vm) => names.has(vm.name)) ? 'none' : 'unknown';
  }
  const measured = failedOver.map((vm) => vm.rpoSec).filter((v): v is number => v !== null);
  if (measured.length < failedOver.length) return measured.some((v) => v > 0) ? 'some' : 'unknown';
  return measured.some((v) => v > 0) ? 'some' : 'none';
}
