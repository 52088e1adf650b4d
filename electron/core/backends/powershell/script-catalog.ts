import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { MutatingCall } from '../backend-port.ts';

/**
 * Every operation the PowerShell backend can run, one .ps1 each under scripts/. The session script
 * loads exactly these names; an operation not listed here cannot be sent.
 */
export const REMOTE_OPERATIONS = [
  'get-inventory', 'get-replication', 'get-vm', 'get-vms', 'get-vmhost', 'get-clusternode', 'get-clustergroup',
  'get-vmreplication', 'measure-vmreplication', 'get-vmsnapshot', 'suspend-vmreplication',
  'resume-vmreplication', 'set-vmreplication', 'start-vmfailover', 'stop-vmfailover', 'complete-vmfailover',
  'reverse-vmreplication', 'start-vm', 'stop-vm', 'stop-vms', 'move-vmrole', 'suspend-clusternode',
  'resume-clusternode', 'set-vmhost', 'get-migrationjobs', 'ping', 'get-vmswitch', 'get-vmnetworkadapter',
] as const;
export type RemoteOperation = (typeof REMOTE_OPERATIONS)[number];

/** Handled by session.ps1 in the local shell itself. */
export const LOCAL_OPERATIONS = ['connect-site', 'site-status', 'disconnect-site'] as const;

/** The script behind each backend call that changes the estate. */
const SCRIPT_OF_MUTATING_CALL: Record<MutatingCall, RemoteOperation> = {
  suspendVMReplication: 'suspend-vmreplication', resumeVMReplication: 'resume-vmreplication', setVMReplication: 'set-vmreplication',
  startVMFailover: 'start-vmfailover', stopVMFailover: 'stop-vmfailover', completeVMFailover: 'complete-vmfailover',
  reverseVMReplication: 'reverse-vmreplication', startVM: 'start-vm', stopVM: 'stop-vm', moveClusterVirtualMachineRole: 'move-vmrole',
  suspendClusterNode: 'suspend-clusternode', resumeClusterNode: 'resume-clusternode', setVMHost: 'set-vmhost',
};

/** Operations that change the estate: never retried automatically, always verified by a re-read. */
export const MUTATING_OPERATIONS: ReadonlySet<RemoteOperation> = new Set([...Object.values(SCRIPT_OF_MUTATING_CALL), 'stop-vms' as const]);

/** Batched forms of a mutating call: one line for many VMs on one host, each VM's result its own. */
export const BATCHED_OPERATIONS: Partial<Record<RemoteOperation, RemoteOperation>> = { 'stop-vms': 'stop-vm' };

/** Where the scripts are when running from source; a packaged app passes its resources path. */
export const DEFAULT_SCRIPT_DIRECTORY = fileURLToPath(new URL('./scripts/', import.meta.url));

/**
 * scripts/host-preamble.ps1 is not an operation: session.ps1 composes every host script from it
 * (param + preamble + try { $in = decoded argument; body } catch { error envelope }), so each
 * operation's file holds only its body.
 */
export const HOST_PREAMBLE = 'host-preamble';

export function scriptPath(directory: string, name: RemoteOperation | 'session' | typeof HOST_PREAMBLE): string {
  return join(directory, `${name}.ps1`);
}
