import type { Vm } from '../../../shared/model/estate.ts';
import { RPO_TARGET_SEC_BY_TIER, type RpoStatus } from '../../../shared/model/rpo.ts';

/** The copy the replication view lists for a VM: the one replicating out as Primary. */
export function isProtectedCopy(vm: Vm): boolean {
  return vm.replication?.mode === 'Primary' && vm.replication.relationship === 'Simple';
}

/**
 * RPO compliance of a protected copy at the estate clock's `now`. Before initial replication has
 * completed there is no point to recover to, so the RPO is not met.
 */
export function rpoStatus(vm: Vm, now: number): RpoStatus | null {
  if (!isProtectedCopy(vm)) return null;
  const targetSec = RPO_TARGET_SEC_BY_TIER[vm.tier];
  const last = vm.replication!.lastReplicationTime;
  if (last === null) return { targetSec, met: false, breachAt: null };
  const breachAt = last + targetSec * 1000;
  return { targetSec, met: now < breachAt, breachAt };
}

export function sameRpo(a: RpoStatus | null | undefined, b: RpoStatus | null): boolean {
  if (!a || !b) return (a ?? null) === b;
  return a.targetSec === b.targetSec && a.met === b.met && a.breachAt === b.breachAt;
}
