import { clonePlain } from './clone-plain.ts';
import type { Vm } from '../../../../shared/model/estate.ts';
import type { ReplicationState } from '../../../../shared/model/hyperv-enums.ts';
import { ContractError } from '../../../../shared/contract/errors.ts';
import type { LabWorld } from './lab-world.ts';
import type { ReplicationEngine } from './replication-engine.ts';
import type { RecoveryPoint, Relationship } from './replication-relationship.ts';
import type { VmPower } from './vm-power.ts';

/** How long the replica host takes to apply a recovery point and to build a test VM. (Modelling.) */
export const FAILOVER_MODEL = {
  applyLatestMs: 8_000,
  /** An older point means merging the recovery-point chain back first. */
  applyOlderPointMs: 30_000,
  createTestVmMs: 6_000,
  removeTestVmMs: 4_000,
  completeMs: 3_000,
  reverseMs: 5_000,
} as const;

/** States from which the replica can be failed over (unplanned failover tolerates a broken link). */
const FAILOVER_FROM = new Set<ReplicationState>(['Replicating', 'Suspended', 'Error', 'WaitingForStartResynchronize', 'ResynchronizeSuspended']);

interface FailoverOutcome {
  vm: Vm;
  /** Changes written on the primary after the chosen point: lost unless it was a planned failover. */
  dataLossBytes: number;
  recoveryPoint: RecoveryPoint | null;
}

/**
 * Planned, unplanned and test failover in Hyper-V's order of operations. The replica side of a
 * relationship is its "target"; all checks are the ones Hyper-V makes before it refuses.
 */
export class Failover {
  private readonly world: LabWorld;
  private readonly replication: ReplicationEngine;
  private readonly power: VmPower;
  /** Replica record id → its "<name> - Test" VM. */
  readonly testVms = new Map<string, string>();

  constructor(world: LabWorld, replication: ReplicationEngine, power: VmPower) {
    this.world = world;
    this.replication = replication;
    this.power = power;
  }

  /** Start-VMFailover -Prepare, on the primary host. */
  prepare(vm: Vm): Promise<void> {
    const rel = this.replication.sourcesOf(vm.id).find((r) => r.kind === 'simple');
    if (!rel) {
      return Promise.reject(invalid(`'${vm.name}' on ${this.hostName(vm)} is not a primary virtual machine; run Start-VMFailover -Prepare on the primary server.`, vm));
    }
    if (vm.state !== 'Off') {
      return Promise.reject(invalid(`'${vm.name}' cannot be prepared for failover while it is ${vm.state}. Shut it down first (Stop-VM).`, vm));
    }
    const state = this.replication.sourceRep(rel).state;
    if (state !== 'Replicating') {
      return Promise.reject(invalid(`'${vm.name}' cannot be prepared for failover: the operation is not valid in replication state ${state}.`, vm));
    }
    return this.replication.prepare(rel);
  }

  /** Start-VMFailover [-AsTest] [-VMRecoverySnapshot], on the replica host. */
  start(vm: Vm, options: { asTest: boolean; point: RecoveryPoint | null }): Promise<FailoverOutcome> {
    const world = this.world;
    const rel = this.replication.targetOf(vm.id);
    if (!rel) {
      const hint = this.replication.sourcesOf(vm.id).length > 0 ? ' Run Start-VMFailover on the Replica server, or use -Prepare here.' : '';
      return Promise.reject(invalid(`'${vm.name}' on ${this.hostName(vm)} is not a Replica virtual machine.${hint}`, vm));
    }
    const targetState = this.replication.targetRep(rel).state;
    if (options.asTest) {
      if (this.testVms.has(vm.id)) return Promise.reject(invalid(`A test failover is already in progress for '${vm.name}'. Stop it first (Stop-VMFailover).`, vm));
      if (targetState === 'FailedOverWaitingCompletion' || targetState === 'FailedOver' || targetState === 'Resynchronizing') {
        return Promise.reject(invalid(`Cannot start a test failover of '${vm.name}': the operation is not valid in replication state ${targetState}.`, vm));
      }
      return this.startTest(vm, rel, options.point);
    }
    if (this.testVms.has(vm.id)) return Promise.reject(invalid(`'${vm.name}' has a test failover in progress. Stop it (Stop-VMFailover) before failing over.`, vm));
    if (!FAILOVER_FROM.has(targetState)) {
      return Promise.reject(invalid(`Cannot fail over '${vm.name}': the operation is not valid in replication state ${targetState}.`, vm));
    }
    if (vm.state !== 'Off') return Promise.reject(invalid(`Cannot fail over '${vm.name}' while the Replica virtual machine is ${vm.state}.`, vm));
    const planned = this.replication.sourceRep(rel).state === 'PreparedForFailover';
    const point = options.point ?? rel.latest;
    const dataLossBytes = planned && !options.point ? 0 : this.replication.dataLossBytes(rel, point);
    this.replication.abortTransfer(rel);
    this.replication.setState(rel, null, 'FailedOverWaitingCompletion');
    this.replication.refreshHealth(rel);
    const when = point ? new Date(point.at).toISOString() : 'the latest point';
    world.event('failover.started', dataLossBytes > 0 ? 'warning' : 'info', planned
      ? `Planned failover of '${vm.name}' to ${this.hostName(vm)}: no data lost.`
      : `Failover of '${vm.name}' to ${this.hostName(vm)} at recovery point ${when}: ${Math.round(dataLossBytes / 1024 ** 2)} MiB of changes that had not replicated are lost.`, { vm: vm.name, host: this.hostName(vm) });
    const ms = options.point && options.point !== rel.latest ? FAILOVER_MODEL.applyOlderPointMs : FAILOVER_MODEL.applyLatestMs;
    return after(world, ms, { vm, dataLossBytes, recoveryPoint: point });
  }

  private startTest(vm: Vm, rel: Relationship, chosen: RecoveryPoint | null): Promise<FailoverOutcome> {
    const world = this.world;
    const point = chosen ?? rel.latest;
    const test: Vm = {
      ...clonePlain(vm),
      id: `test:${vm.id}`, vmId: world.random.guid(), name: `${vm.name} - Test`,
      state: 'Off', heartbeat: 'Unknown', cpuUsagePct: 0,
      tags: [...vm.tags, 'test-failover', 'network:isolated'],
      replication: { ...vm.replication!, mode: 'TestReplica', state: 'FailedOver', health: 'NotApplicable', pendingBytes: 0 },
      extendedReplication: null,
    };
    this.testVms.set(vm.id, test.id);
    world.event('failover.test-started', 'info', `Test failover of '${vm.name}' on ${this.hostName(vm)}: '${test.name}' is being created on an isolated network; replication continues.`, { vm: vm.name, host: this.hostName(vm) });
    return new Promise((resolve) => {
      world.queue.after(FAILOVER_MODEL.createTestVmMs, () => {
        if (this.testVms.get(vm.id) !== test.id) return;
        world.addVm(test);
        resolve({ vm: test, dataLossBytes: 0, recoveryPoint: point });
      });
    });
  }

  /**
   * Stop-VMFailover: removes a test VM, or cancels a failover that was not completed. Microsoft's
   * Stop-VMFailover reference (learn.microsoft.com/powershell/module/hyper-v/stop-vmfailover): "If the
   * virtual machine is running, this cmdlet turns the virtual machine off and cancels failover ... For a
   * planned failover that has been started on a primary virtual machine, this cmdlet cancels that action
   * and restarts replication, which allows you to start the primary virtual machine." The failover disk
   * is discarded and the recovery points stay (Msvm_ReplicationService.RevertFailover: "After this
   * operation, InitiateFailover can be called again"). Complete-VMFailover removes them: "Failover
   * cannot be canceled after the recovery points are removed".
   */
  stop(vm: Vm): Promise<void> {
    const world = this.world;
    const testId = this.testVms.get(vm.id);
    if (testId) {
      const test = world.vms.get(testId);
      if (test) this.power.powerOff(test);
      this.testVms.delete(vm.id);
      return new Promise((resolve) => {
        world.queue.after(FAILOVER_MODEL.removeTestVmMs, () => {
          world.removeVm(testId);
          world.event('failover.test-stopped', 'info', `Test failover of '${vm.name}' stopped; '${vm.name} - Test' was removed.`, { vm: vm.name, host: this.hostName(vm) });
          resolve();
        });
      });
    }
    const asTarget = this.replication.targetOf(vm.id);
    if (asTarget && this.replication.targetRep(asTarget).state === 'FailedOver') {
      return Promise.reject(invalid(`Stop-VMFailover cannot run for '${vm.name}': its failover was completed (Complete-VMFailover) and its other recovery points were removed; a completed failover cannot be cancelled.`, vm));
    }
    if (asTarget && this.replication.targetRep(asTarget).state === 'FailedOverWaitingCompletion') {
      if (vm.state !== 'Off') this.power.powerOff(vm);
      const sourceState = this.replication.sourceRep(asTarget).state;
      this.replication.setState(asTarget, sourceState === 'PreparedForFailover' ? 'Replicating' : null, 'Replicating');
      this.replication.refreshHealth(asTarget);
      world.event('failover.cancelled', 'info', `Failover of '${vm.name}' was cancelled; replication resumes.`, { vm: vm.name, host: this.hostName(vm) });
      return Promise.resolve();
    }
    const asSource = this.replication.sourcesOf(vm.id).find((r) => r.kind === 'simple');
    if (asSource && this.replication.sourceRep(asSource).state === 'PreparedForFailover' && this.replication.targetRep(asSource).state === 'Replicating') {
      this.replication.setState(asSource, 'Replicating', null);
      this.replication.refreshHealth(asSource);
      world.event('failover.cancelled', 'info', `Planned failover of '${vm.name}' was cancelled on the primary.`, { vm: vm.name, host: this.hostName(vm) });
      return Promise.resolve();
    }
    if (asSource && this.replication.sourceRep(asSource).state === 'PreparedForFailover') {
      return Promise.reject(invalid(`Cannot cancel the planned failover of '${vm.name}' on the primary server: its Replica virtual machine is ${this.replication.targetRep(asSource).state}. Cancel the failover on the Replica server (Stop-VMFailover) first.`, vm));
    }
    return Promise.reject(invalid(`There is no failover in progress for '${vm.name}' on ${this.hostName(vm)}.`, vm));
  }

  /** Complete-VMFailover: commits; every other recovery point is deleted. */
  complete(vm: Vm): Promise<void> {
    const rel = this.replication.targetOf(vm.id);
    const state = rel ? this.replication.targetRep(rel).state : vm.replication?.state ?? 'Disabled';
    if (!rel || state !== 'FailedOverWaitingCompletion') {
      return Promise.reject(invalid(`Complete-VMFailover cannot run for '${vm.name}': the operation is not valid in replication state ${state}. Fail the virtual machine over first (Start-VMFailover).`, vm));
    }
    this.replication.dropRecoveryPoints(rel);
    this.replication.setState(rel, null, 'FailedOver');
    this.replication.refreshHealth(rel);
    this.world.event('failover.completed', 'info', `Failover of '${vm.name}' was completed; its other recovery points were deleted.`, { vm: vm.name, host: this.hostName(vm) });
    return after(this.world, FAILOVER_MODEL.completeMs, undefined);
  }

  /** Set-VMReplication -Reverse, on the failed-over replica: it becomes the primary. */
  reverse(vm: Vm): Promise<void> {
    const world = this.world;
    const rel = this.replication.targetOf(vm.id);
    const state = rel ? this.replication.targetRep(rel).state : vm.replication?.state ?? 'Disabled';
    if (!rel || (state !== 'FailedOverWaitingCompletion' && state !== 'FailedOver')) {
      return Promise.reject(invalid(`Cannot reverse replication for '${vm.name}': the operation is not valid in replication state ${state}.`, vm));
    }
    if (rel.kind === 'extended') {
      return Promise.reject(invalid(`Cannot reverse extended replication for '${vm.name}': reverse the replication from the primary site first.`, vm));
    }
    if (this.extensionOf(vm)) {
      return Promise.reject(invalid(extendedReverseRefusal(vm.name), vm));
    }
    const oldPrimary = world.vms.get(rel.sourceId)!;
    const oldHost = world.hosts.get(oldPrimary.hostId)!;
    if (oldHost.state === 'Down' || !this.replication.linkFor(rel).up) {
      return Promise.reject(new ContractError('backend', `Cannot reverse replication for '${vm.name}': the server ${oldHost.name} could not be contacted.`, vm.name));
    }
    if (oldPrimary.state !== 'Off') {
      return Promise.reject(invalid(`Cannot reverse replication for '${vm.name}': the former primary on ${oldHost.name} is ${oldPrimary.state}. Shut it down first.`, vm));
    }
    const planned = this.replication.sourceRep(rel).state === 'PreparedForFailover';
    this.replication.reverse(rel, !planned);
    world.event('replication.reversed', 'info', `Replication of '${vm.name}' was reversed: ${this.hostName(vm)} is now the primary server${planned ? '' : '; a resynchronization follows'}.`, { vm: vm.name, host: this.hostName(vm) });
    return after(world, FAILOVER_MODEL.reverseMs, undefined);
  }

  /**
   * Resume-VMReplication -Continue on a failed-over replica that extends to a third copy: the choice
   * Hyper-V offers instead of -Reverse (DOMAIN.md "Extended replication A->B->C"). The failover is
   * committed where it stands (no way back to the other recovery points) and B keeps replicating to
   * C; A receives nothing until the extension is removed and replication reversed.
   */
  continueExtended(vm: Vm): Promise<void> {
    const rel = this.replication.targetOf(vm.id);
    const state = rel ? this.replication.targetRep(rel).state : vm.replication?.state ?? 'Disabled';
    if (!rel || (state !== 'FailedOverWaitingCompletion' && state !== 'FailedOver')) {
      return Promise.reject(invalid(`Cannot continue replication for '${vm.name}': the operation is not valid in replication state ${state}.`, vm));
    }
    const extension = this.extensionOf(vm);
    if (!extension) {
      return Promise.reject(invalid(`Cannot continue replication for '${vm.name}': it has no extended replication to continue.`, vm));
    }
    if (state === 'FailedOverWaitingCompletion') {
      this.replication.dropRecoveryPoints(rel);
      this.replication.setState(rel, null, 'FailedOver');
      this.replication.refreshHealth(rel);
    }
    if (this.replication.sourceRep(extension).state === 'Suspended') this.replication.resume(extension, false);
    this.world.event('replication.continued', 'info', `Replication of '${vm.name}' continues from ${this.hostName(vm)} to its extended replica; the former primary no longer receives it.`, { vm: vm.name, host: this.hostName(vm) });
    return after(this.world, FAILOVER_MODEL.completeMs, undefined);
  }

  /** The extended relationship this copy is the primary of, while it still replicates. */
  extensionOf(vm: Vm): Relationship | undefined {
    return this.replication.sourcesOf(vm.id).find((r) => r.kind === 'extended' && this.replication.sourceRep(r).state !== 'Disabled');
  }

  private hostName(vm: Vm): string {
    return this.world.hosts.get(vm.hostId)?.name ?? vm.hostId;
  }
}

function after<T>(world: LabWorld, ms: number, value: T): Promise<T> {
  return new Promise((resolve) => { world.queue.after(ms, () => resolve(value)); });
}

function invalid(message: string, vm: Vm): ContractError {
  return new ContractError('invalid-state', message, vm.name);
}

/**
 * Extended replication A->B->C: after failing A over to B, Set-VMReplication -Reverse is refused while B
 * replicates to C; Resume-VMReplication -Continue keeps B->C instead (DOMAIN.md, from Microsoft's Hyper-V
 * Replica extended replication guidance). The emulation's Set-VMReplication refuses with these words.
 */
export function extendedReverseRefusal(vmName: string): string {
  return `Cannot reverse replication for virtual machine '${vmName}': it is the primary of an extended replication. Remove the extended replication, or use Resume-VMReplication -Continue to keep replicating to the extended Replica server.`;
}
