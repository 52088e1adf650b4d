import type { RunSnapshot, RunSummary } from '../../../shared/model/recovery-run.ts';

/** Achieved RTO and RPO, per VM, per group and for the plan, from the run's own timings. */
export function summarize(run: RunSnapshot): RunSummary {
  const sec = (from: number | null, to: number | null) => (from === null || to === null ? null : (to - from) / 1000);
  const vms = run.vms.map((vm) => ({
    name: vm.name, group: vm.group, status: vm.status, rtoSec: vm.rtoSec, rpoSec: vm.rpoSec,
    failoverSec: sec(vm.timing.startedAt, vm.timing.failoverDoneAt),
    bootSec: sec(vm.timing.runningAt, vm.timing.healthyAt),
  }));
  const healthy = run.vms.filter((vm) => vm.timing.healthyAt !== null);
  const missing = run.vms.filter((vm) => vm.timing.healthyAt === null && vm.status !== 'skipped');
  const lastHealthy = healthy.reduce<number | null>((max, vm) => Math.max(max ?? 0, vm.timing.healthyAt!), null);
  const rpos = run.vms.map((vm) => vm.rpoSec).filter((v): v is number => v !== null);
  return {
    runId: run.id, type: run.type, status: run.status, rtoTargetSec: run.rtoTargetSec,
    achievedRtoSec: missing.length === 0 && lastHealthy !== null ? (lastHealthy - run.startedAt) / 1000 : null,
    maxRpoSec: rpos.length > 0 ? Math.max(...rpos) : null,
    vmsHealthy: healthy.length,
    vmsSkipped: run.vms.filter((vm) => vm.status === 'skipped').length,
    vmsNotRecovered: missing.length,
    groups: run.groups.map((g) => {
      const members = run.vms.filter((vm) => vm.group === g.index && vm.timing.healthyAt !== null);
      const last = members.reduce<number | null>((max, vm) => Math.max(max ?? 0, vm.timing.healthyAt!), null);
      return {
        index: g.index, name: g.name, startedAt: g.startedAt, endedAt: g.endedAt,
        durationSec: sec(g.startedAt, g.endedAt), rtoSec: sec(run.startedAt, last),
      };
    }),
    vms,
  };
}
