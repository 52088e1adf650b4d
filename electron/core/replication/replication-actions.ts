import type { ReplicationAction } from '../../../shared/contract/replication-channels.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { HyperVBackend, VMReplicationInfo } from '../backends/backend-port.ts';
import type { EstateStore } from '../estate/estate-store.ts';
import { isProtectedCopy } from './rpo-status.ts';

export interface ActionResult {
  vmId: string;
  vmName: string;
  outcome: 'done' | 'failed';
  message: string;
  readBack: { state: string; health: string; frequencySec: number } | null;
}

/** States that show the backend took the action; anything else after the call is a failure to report. */
const ACCEPTED: Record<Exclude<ReplicationAction['action'], 'set-frequency'>, readonly string[]> = {
  suspend: ['Suspended'],
  resume: ['Replicating', 'Resynchronizing', 'WaitingForStartResynchronize'],
  resynchronize: ['Resynchronizing', 'Replicating'],
};

/** VMs acted on at once: enough to finish a cluster-wide change quickly, few enough not to swamp WinRM. */
const CONCURRENCY = 8;

/**
 * Replication actions on a selection. Each VM is acted on through the (audited) backend, then its
 * replication is read back from the backend; only a read-back that shows the change counts as done.
 */
export async function runReplicationAction(
  backend: HyperVBackend, estate: EstateStore, vmIds: string[], change: ReplicationAction,
): Promise<ActionResult[]> {
  const results: ActionResult[] = new Array(vmIds.length);
  let next = 0;
  const worker = async () => {
    while (next < vmIds.length) {
      const index = next++;
      results[index] = await actOnOne(backend, estate, vmIds[index]!, change);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, vmIds.length) }, worker));
  return results;
}

async function actOnOne(backend: HyperVBackend, estate: EstateStore, vmId: string, change: ReplicationAction): Promise<ActionResult> {
  const vm = estate.getVm(vmId);
  if (!vm) return { vmId, vmName: vmId, outcome: 'failed', message: `There is no VM with id "${vmId}" in the estate.`, readBack: null };
  const fail = (message: string, readBack: ActionResult['readBack'] = null): ActionResult => ({ vmId, vmName: vm.name, outcome: 'failed', message, readBack });
  if (!isProtectedCopy(vm)) return fail(`${vm.name} is not the replicating (primary) copy; act on the copy at its primary site.`);
  if (change.action === 'set-frequency') {
    return fail('Changing the replication frequency needs Set-VMReplication, which the backend port does not offer yet; nothing was changed.');
  }
  const host = estate.getHost(vm.hostId);
  const target = { vmName: vm.name, computerName: host?.name ?? vm.hostId };
  try {
    if (change.action === 'suspend') await backend.suspendVMReplication(target);
    else {
      // Hyper-V resynchronizes only a suspended, failed or resync-pending relationship: a healthy
      // one is suspended first, as an engineer would do by hand.
      if (change.action === 'resynchronize' && vm.replication!.state === 'Replicating') await backend.suspendVMReplication(target);
      await backend.resumeVMReplication(target, { resynchronize: change.action === 'resynchronize' });
    }
  } catch (error) {
    return fail(error instanceof ContractError || error instanceof Error ? error.message : String(error));
  }
  let rows: VMReplicationInfo[];
  try {
    rows = await backend.getVMReplication(target);
  } catch (error) {
    return fail(`The action was sent, but reading the state back failed: ${error instanceof Error ? error.message : String(error)}. Check the VM before retrying.`);
  }
  const simple = rows.find((r) => r.RelationshipType === 'Simple') ?? rows[0];
  if (!simple) return fail('The action was sent, but the backend reported no replication for the VM afterwards.');
  const readBack = { state: simple.ReplicationState, health: simple.ReplicationHealth, frequencySec: simple.ReplicationFrequencySec };
  if (!ACCEPTED[change.action].includes(simple.ReplicationState)) {
    return fail(`After ${change.action}, the backend reports replication state ${simple.ReplicationState}; the change did not take.`, readBack);
  }
  const verb = { suspend: 'suspended', resume: 'resumed', resynchronize: 'resynchronization started' }[change.action];
  return { vmId, vmName: vm.name, outcome: 'done', message: `${vm.name}: replication ${verb} (read back: ${simple.ReplicationState}).`, readBack };
}
