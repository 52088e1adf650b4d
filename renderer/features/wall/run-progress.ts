import type { Tier, Vm } from '../../../shared/model/estate.ts';
import type { RunSnapshot } from '../../../shared/model/recovery-run.ts';
import type { DrainOperation, RollingOperation } from '../../../shared/model/migration.ts';

export interface TierProgress {
  tier: Tier | null;
  done: number;
  total: number;
}

export interface RunProgress {
  elapsedSec: number;
  targetSec: number;
  tiers: TierProgress[];
  waiting: string[];
}

/** vmId → tier, from the estate's copies of each VM (all copies of one VM share its tier). */
export function tierByVmId(vms: Record<string, Vm>): Map<string, Tier> {
  const tiers = new Map<string, Tier>();
  for (const vm of Object.values(vms)) if (!tiers.has(vm.vmId)) tiers.set(vm.vmId, vm.tier);
  return tiers;
}

/**
 * One run on the wall: elapsed against its RTO target (the 60-minute promise unless the plan says
 * otherwise), VMs done per tier (skipped VMs count as dealt with), and who waits for an operator.
 */
export function runProgress(run: RunSnapshot, tiers: ReadonlyMap<string, Tier>, now: number): RunProgress {
  const byTier = new Map<Tier | null, TierProgress>();
  const waiting: string[] = [];
  for (const vm of run.vms) {
    const tier = tiers.get(vm.vmId) ?? null;
    let p = byTier.get(tier);
    if (!p) byTier.set(tier, (p = { tier, done: 0, total: 0 }));
    p.total += 1;
    if (vm.status === 'done' || vm.status === 'skipped') p.done += 1;
    if (vm.status === 'waiting-operator') waiting.push(vm.name);
  }
  for (const group of run.groups) {
    for (const step of [...group.before, ...group.after]) if (step.status === 'waiting-operator') waiting.push(step.label);
  }
  const end = run.mainEndedAt ?? now;
  return {
    elapsedSec: Math.max(0, (end - run.startedAt) / 1000),
    targetSec: run.rtoTargetSec,
    tiers: [...byTier.values()].sort((a, b) => (a.tier ?? 9) - (b.tier ?? 9)),
    waiting,
  };
}

/** Estate-clock epoch ms at which the operation is predicted to end. */
export function operationEta(op: Pick<DrainOperation | RollingOperation, 'startedAt' | 'predictedDurationSec'>): number {
  return op.startedAt + op.predictedDurationSec * 1000;
}
