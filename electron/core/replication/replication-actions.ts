import type { ReplicationAction } from '../../../shared/contract/replication-channels.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { HyperVBackend, VMReplicationInfo } from '../backends/backend-port.ts';
import type { EstateStore } from '../estate/estate-store.ts';
import type { Vm } from '../../../shared/model/estate.ts';
import { isProtectedCopy } from './rpo-status.ts';

interface ActionResult {
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
  const replicas = change.action === 'set-frequency' && change.relationship === 'Extended' ? replicaCopies(estate) : null;
  let next = 0;
  const worker = async () => {
    while (next < vmIds.length) {
      const index = next++;
      results[index] = await actOnOne(backend, estate, vmIds[index]!, change, replicas);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, vmIds.length) }, worker));
  return results;
}

/** Replica copies by Hyper-V VMId, built once per run: an extended change acts on the replica host. */
function replicaCopies(estate: EstateStore): Map<string, Vm> {
  const byVmId = new Map<string, Vm>();
  for (const vm of estate.vms()) if (vm.replication?.mode === 'Replica') byVmId.set(vm.vmId, vm);
  return byVmId;
}

const message = (error: unknown) => (error instanceof ContractError || error instanceof Error ? error.message : String(error));

async function actOnOne(backend: HyperVBackend, estate: EstateStore, vmId: string, change: ReplicationAction, replicas: Map<string, Vm> | null): Promise<ActionResult> {
  const vm = estate.getVm(vmId);
  if (!vm) return { vmId, vmName: vmId, outcome: 'failed', message: `There is no VM with id "${vmId}" in the estate.`, readBack: null };
  const fail = (text: string, readBack: ActionResult['readBack'] = null): ActionResult => ({ vmId, vmName: vm.name, outcome: 'failed', message: text, readBack });
  if (!isProtectedCopy(vm)) return fail(`${vm.name} is not the replicating (primary) copy; act on the copy at its primary site.`);
  if (change.action === 'set-frequency') return setFrequency(backend, estate, vm, change, replicas, fail);
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
    return fail(message(error));
  }
  let rows: VMReplicationInfo[];
  try {
    rows = await backend.getVMReplication(target);
  } catch (error) {
    return fail(`The action was sent, but reading the state back failed: ${message(error)}. Check the VM before retrying.`);
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

/**
 * Set-VMReplication -ReplicationFrequencySec on the copy that is primary of the relationship: the
 * protected VM for Simple, its replica at the DR site for Extended. Done only when a fresh
 * Get-VMReplication on that host shows the new frequency.
 */
async function setFrequency(
  backend: HyperVBackend, estate: EstateStore, vm: Vm, change: Extract<ReplicationAction, { action: 'set-frequency' }>,
  replicas: Map<string, Vm> | null, fail: (text: string, readBack?: ActionResult['readBack']) => ActionResult,
): Promise<ActionResult> {
  const extended = change.relationship === 'Extended';
  const copy = extended ? replicas?.get(vm.vmId) : vm;
  if (!copy) return fail(`${vm.name} has no replica copy in the estate, so there is no extended replication to change.`);
  if (extended && !copy.extendedReplication) return fail(`${vm.name} is not extended to a third site; there is no extended replication to change.`);
  const target = { vmName: copy.name, computerName: estate.getHost(copy.hostId)?.name ?? copy.hostId };
  try {
    await backend.setVMReplication(target, { replicationFrequencySec: change.frequencySec });
  } catch (error) {
    return fail(message(error));
  }
  let rows: VMReplicationInfo[];
  try {
    rows = await backend.getVMReplication(target);
  } catch (error) {
    return fail(`The change was sent, but reading the frequency back failed: ${message(error)}. Check the VM before retrying.`);
  }
  const row = rows.find((r) => r.RelationshipType === change.relationship);
  if (!row) return fail(`The change was sent, but ${target.computerName} reported no ${change.relationship.toLowerCase()} replication for ${copy.name} afterwards.`);
  const readBack = { state: row.ReplicationState, health: row.ReplicationHealth, frequencySec: row.ReplicationFrequencySec };
  if (row.ReplicationFrequencySec !== change.frequencySec) {
    return fail(`After Set-VMReplication, ${target.computerName} reports a frequency of ${row.ReplicationFrequencySec} s, not ${change.frequencySec} s; the change did not take.`, readBack);
  }
  const which = extended ? 'extended replication' : 'replication';
  return { vmId: vm.id, vmName: vm.name, outcome: 'done', message: `${vm.name}: ${which} now every ${change.frequencySec} s (read back on ${target.computerName}).`, readBack };
}
