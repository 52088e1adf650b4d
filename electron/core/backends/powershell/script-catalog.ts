import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/**
 * Every operation the PowerShell backend can run, one .ps1 each under scripts/. The session script
 * loads exactly these names; an operation not listed here cannot be sent.
 */
export const REMOTE_OPERATIONS = [
  'get-inventory', 'get-replication', 'get-vm', 'get-vmhost', 'get-clusternode', 'get-clustergroup',
  'get-vmreplication', 'measure-vmreplication', 'get-vmsnapshot', 'suspend-vmreplication',
  'resume-vmreplication', 'set-vmreplication', 'start-vmfailover', 'stop-vmfailover', 'complete-vmfailover',
  'reverse-vmreplication', 'start-vm', 'stop-vm', 'move-vmrole', 'suspend-clusternode',
  'resume-clusternode', 'set-vmhost', 'get-migrationjobs', 'ping', 'get-vmswitch', 'get-vmnetworkadapter',
] as const;
export type RemoteOperation = (typeof REMOTE_OPERATIONS)[number];

/** Handled by session.ps1 in the local shell itself. */
export const LOCAL_OPERATIONS = ['connect-site', 'site-status', 'disconnect-site'] as const;
export type LocalOperation = (typeof LOCAL_OPERATIONS)[number];

/** Operations that change the estate: never retried automatically, always verified by a re-read. */
export const MUTATING_OPERATIONS: ReadonlySet<RemoteOperation> = new Set([
  'suspend-vmreplication', 'resume-vmreplication', 'set-vmreplication', 'start-vmfailover', 'stop-vmfailover',
  'complete-vmfailover', 'reverse-vmreplication', 'start-vm', 'stop-vm', 'move-vmrole',
  'suspend-clusternode', 'resume-clusternode', 'set-vmhost',
]);

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
