import { ContractError } from '../../../shared/contract/errors.ts';
import { heartbeatIsUp, type ExtendedReplicationChoice, type HeartbeatRequirement, type VmStepKind } from '../../../shared/model/recovery-plan.ts';
import type { RecoveryPointPolicy, RunType, VmRun } from '../../../shared/model/recovery-run.ts';
import type { HyperVBackend, VMInfo, VMReplicationInfo, VmTarget } from '../backends/backend-port.ts';

/** The VM steps of each run type, in Hyper-V's order (DOMAIN.md). */
export const MAIN_STEPS: Record<RunType, VmStepKind[]> = {
  'test-failover': ['test-failover', 'start', 'heartbeat'],
  'planned-failover': ['shutdown-primary', 'prepare', 'failover', 'reverse', 'start', 'heartbeat'],
  'unplanned-failover': ['failover', 'start', 'heartbeat'],
  failback: ['shutdown-primary', 'prepare', 'failover', 'reverse', 'start', 'heartbeat'],
};

/** A step's real-world effect, split so a restart can tell whether it already happened. */
export interface StepContext {
  backend: HyperVBackend;
  vm: VmRun;
  type: RunType;
  policy: RecoveryPointPolicy;
  /** The heartbeat this VM must report to count as up; 'ok' (OkApplicationsUnknown too) when absent. */
  heartbeat?: HeartbeatRequirement;
  /** What 'reverse' does when the replica extends to a third copy; 'reverse' when absent. */
  extendedReplication?: ExtendedReplicationChoice;
}

export interface StepOutcome {
  /** Set when the step was found done on the backend and no call was made. */
  note?: string;
  recoveryPoint?: { name: string | null; at: number };
}

const FAILED_OVER = new Set(['FailedOverWaitingCompletion', 'FailedOver']);

function sourceTarget(vm: VmRun): VmTarget { return { vmName: vm.name, computerName: vm.sourceHost }; }
function replicaTarget(vm: VmRun): VmTarget { return { vmName: vm.name, computerName: vm.targetHost }; }
/** The VM that ends up running: the test copy in a drill, the replica otherwise. */
export function bootTarget(vm: VmRun, type: RunType): VmTarget {
  return type === 'test-failover' ? { vmName: `${vm.name} - Test`, computerName: vm.targetHost } : replicaTarget(vm);
}

export async function readVm(backend: HyperVBackend, target: VmTarget): Promise<VMInfo | null> {
  try {
    const rows = await backend.getVM({ computerName: target.computerName, vmName: target.vmName });
    return rows[0] ?? null;
  } catch (error) {
    if (error instanceof ContractError && error.code === 'not-found') return null;
    throw error;
  }
}

async function simpleRow(backend: HyperVBackend, target: VmTarget): Promise<VMReplicationInfo | null> {
  const rows = await backend.getVMReplication(target);
  return rows.find((r) => r.RelationshipType === 'Simple') ?? null;
}

/** The replica is the primary of an extended replication (A->B->C) that still runs. */
async function extendsToThirdCopy(backend: HyperVBackend, vm: VmRun): Promise<boolean> {
  const rows = await backend.getVMReplication(replicaTarget(vm));
  return rows.some((r) => r.RelationshipType === 'Extended' && r.ReplicationMode === 'Primary' && r.ReplicationState !== 'Disabled');
}

/** The replica's failover is done when it waits for completion, is completed, or was reversed. */
async function replicaFailedOver(backend: HyperVBackend, vm: VmRun): Promise<boolean> {
  const info = await readVm(backend, replicaTarget(vm));
  if (!info) throw new ContractError('not-found', `The replica of '${vm.name}' is not on ${vm.targetHost}.`, vm.name);
  return FAILED_OVER.has(info.ReplicationState) || info.ReplicationMode === 'Primary';
}

/**
 * Sent before a restart and still being carried out by the host (a VM Starting or Stopping)? Then
 * the step waits for it: sending it again would be refused ("cannot be performed while Starting").
 */
export async function inProgress(kind: VmStepKind, ctx: StepContext): Promise<boolean> {
  if (kind === 'start') return (await readVm(ctx.backend, bootTarget(ctx.vm, ctx.type)))?.State === 'Starting';
  if (kind === 'shutdown-primary') return (await readVm(ctx.backend, sourceTarget(ctx.vm)))?.State === 'Stopping';
  if (kind === 'turn-off') return (await readVm(ctx.backend, replicaTarget(ctx.vm)))?.State === 'Stopping';
  if (kind === 'start-primary') return (await readVm(ctx.backend, sourceTarget(ctx.vm)))?.State === 'Starting';
  return false;
}

/** Already done? Read from the backend, never from the journal: this is what makes resume exactly-once. */
export async function isDone(kind: VmStepKind, ctx: StepContext): Promise<boolean> {
  const { backend, vm } = ctx;
  switch (kind) {
    case 'shutdown-primary': {
      const info = await readVm(backend, sourceTarget(vm));
      return info === null || info.State === 'Off';
    }
    case 'prepare': {
      if (await replicaFailedOver(backend, vm)) return true;
      const row = await simpleRow(backend, sourceTarget(vm));
      return row?.ReplicationState === 'PreparedForFailover';
    }
    case 'failover':
      return replicaFailedOver(backend, vm);
    case 'test-failover':
      return (await readVm(backend, bootTarget(vm, 'test-failover'))) !== null;
    case 'reverse': {
      const info = await readVm(backend, replicaTarget(vm));
      if (info?.ReplicationMode === 'Primary') return true;
      // Continued instead: the failover committed on the replica, which still replicates to its third copy.
      return ctx.extendedReplication === 'continue' && info?.ReplicationState === 'FailedOver' && await extendsToThirdCopy(backend, vm);
    }
    case 'start': {
      const info = await readVm(backend, bootTarget(vm, ctx.type));
      return info !== null && info.State === 'Running';
    }
    case 'heartbeat': {
      const info = await readVm(backend, bootTarget(vm, ctx.type));
      return info !== null && heartbeatIsUp(info.Heartbeat, ctx.heartbeat);
    }
    case 'commit': {
      const info = await readVm(backend, replicaTarget(vm));
      return info !== null && (info.ReplicationState === 'FailedOver' || info.ReplicationMode === 'Primary');
    }
    case 'cleanup':
      return (await readVm(backend, bootTarget(vm, 'test-failover'))) === null;
    case 'turn-off': {
      const info = await readVm(backend, replicaTarget(vm));
      return info !== null && info.State === 'Off';
    }
    case 'revert-failover':
      return !await replicaFailedOver(backend, vm);
    case 'cancel-prepare': {
      if (await replicaFailedOver(backend, vm)) return false;
      const row = await simpleRow(backend, sourceTarget(vm));
      return row !== null && row.ReplicationState !== 'PreparedForFailover';
    }
    case 'start-primary':
      return (await readVm(backend, sourceTarget(vm)))?.State === 'Running';
  }
}

/** Steps whose wanted state may hold before the run acts (the VM already off, never failed over): read first. */
export const CHECKED_FIRST = new Set<VmStepKind>(['shutdown-primary', 'turn-off', 'revert-failover', 'cancel-prepare']);

/** The recovery point the policy asks for; null name means "the latest" (no -VMRecoverySnapshot). */
export async function chooseRecoveryPoint(backend: HyperVBackend, vm: VmRun, policy: RecoveryPointPolicy): Promise<{ name: string | null; at: number } | null> {
  if (policy.kind === 'latest') {
    // The latest point is the last replication received, newer than any retained recovery snapshot:
    // no snapshot read (slow on real hosts). Without a replication time the point's time is unknown.
    const received = (await backend.getVMReplication(replicaTarget(vm))).find((r) => r.ReplicationMode !== 'Primary')?.LastReplicationTime ?? null;
    return received === null ? null : { name: null, at: received };
  }
  // Only the type the policy needs: a VM without app-consistent points has none (extended replicas never do).
  const type = policy.kind === 'latest-app-consistent' ? 'AppConsistentReplica' : undefined;
  const points = (await backend.getVMSnapshot(replicaTarget(vm), type)).slice().sort((a, b) => b.CreationTime - a.CreationTime);
  const pick = policy.kind === 'latest-app-consistent'
    ? points.find((p) => p.SnapshotType === 'AppConsistentReplica')
    : points.find((p) => p.CreationTime <= policy.at);
  if (!pick) {
    throw new ContractError('invalid-state', policy.kind === 'latest-app-consistent'
      ? `'${vm.name}' has no application-consistent recovery point.`
      : `'${vm.name}' has no recovery point at or before ${new Date(policy.at).toISOString()}.`, vm.name);
  }
  return { name: pick.Name, at: pick.CreationTime };
}

/** The call that makes the step happen. */
export async function act(kind: VmStepKind, ctx: StepContext): Promise<StepOutcome> {
  const { backend, vm } = ctx;
  switch (kind) {
    case 'shutdown-primary':
      await backend.stopVM(sourceTarget(vm));
      return {};
    case 'prepare':
      await backend.startVMFailover(sourceTarget(vm), { prepare: true });
      return {};
    case 'failover': {
      const point = ctx.type === 'unplanned-failover' ? await chooseRecoveryPoint(backend, vm, ctx.policy) : null;
      await backend.startVMFailover(replicaTarget(vm), point?.name ? { recoverySnapshotName: point.name } : {});
      return point ? { recoveryPoint: point } : {};
    }
    case 'test-failover': {
      // The latest point too is read (its time, no snapshot list): the drill's RPO is its age.
      const point = await chooseRecoveryPoint(backend, vm, ctx.policy);
      await backend.startVMFailover(replicaTarget(vm), { asTest: true, ...(point?.name ? { recoverySnapshotName: point.name } : {}) });
      return point ? { recoveryPoint: point } : {};
    }
    case 'reverse': {
      if (!await extendsToThirdCopy(backend, vm)) {
        await backend.reverseVMReplication(replicaTarget(vm));
        return {};
      }
      if (ctx.extendedReplication === 'continue') {
        await backend.resumeVMReplication(replicaTarget(vm), { continue: true });
        return { note: `extended replication kept: ${vm.targetHost} goes on replicating to the third copy (Resume-VMReplication -Continue); not reversed to ${vm.sourceHost}` };
      }
      await backend.reverseVMReplication(replicaTarget(vm), { removeExtended: true });
      return { note: `extended replication to the third copy removed so replication could be reversed to ${vm.sourceHost}; extend it again to restore the third copy` };
    }
    case 'start':
      await backend.startVM(bootTarget(vm, ctx.type));
      return {};
    case 'heartbeat':
      return {}; // a wait, not an operation: the executor polls isDone
    case 'commit':
      await backend.completeVMFailover(replicaTarget(vm));
      return {};
    case 'cleanup':
      await backend.stopVMFailover(replicaTarget(vm));
      return {};
    case 'turn-off':
      // Stop-VMFailover refuses a running replica, and what it ran since the failover is discarded with
      // the failover anyway: turn it off rather than wait for a guest shutdown.
      await backend.stopVM(replicaTarget(vm), { turnOff: true });
      return {};
    case 'revert-failover':
      // Stop-VMFailover on the failed-over replica: back to its state before Start-VMFailover, its
      // recovery points kept, so Start-VMFailover can take another one (DOMAIN.md, "What real hosts do").
      await backend.stopVMFailover(replicaTarget(vm));
      return {};
    case 'cancel-prepare':
      // Stop-VMFailover on the primary after Start-VMFailover -Prepare cancels the planned failover.
      await backend.stopVMFailover(sourceTarget(vm));
      return {};
    case 'start-primary':
      await backend.startVM(sourceTarget(vm));
      return {};
  }
}

/** Errors worth retrying on their own: the host may answer next time. */
export function isTransient(error: unknown): boolean {
  return error instanceof ContractError ? error.code === 'timeout' || error.code === 'disconnected' || error.code === 'backend' : false;
}
