import type { ReplicationAction } from '../../../shared/contract/replication-channels.ts';
import { formatDuration } from '../../../shared/format/duration.ts';

export type ActionKind = ReplicationAction['action'];

/** What each action does, in Hyper-V's terms, for the confirmation dialog. */
export const ACTION_TEXT: Record<ActionKind, { verb: string; title: string; effect: string; cmdlet: string }> = {
  suspend: {
    verb: 'Suspend', title: 'Suspend replication',
    effect: 'Replication cycles stop. Changes keep accumulating in the log on the primary, so pending data and the age of the last recovery point grow until replication is resumed. The RPO will be missed.',
    cmdlet: 'Suspend-VMReplication',
  },
  resume: {
    verb: 'Resume', title: 'Resume replication',
    effect: 'Replication cycles start again; the changes logged while suspended are sent at the next cycle. If the log outgrew its limit, Hyper-V asks for a resynchronization instead.',
    cmdlet: 'Resume-VMReplication',
  },
  resynchronize: {
    verb: 'Resynchronize', title: 'Resynchronize replication',
    effect: 'Hyper-V compares primary and replica disks block by block and sends the differences. It reads every disk on both sides and loads the WAN; replication is not current until it finishes.',
    cmdlet: 'Resume-VMReplication -Resynchronize',
  },
  'set-frequency': {
    verb: 'Change frequency', title: 'Change replication frequency',
    effect: 'Sets how often changes are sent to the replica. A longer interval sends bigger, fewer cycles and raises the possible data loss; tier RPO targets do not change.',
    cmdlet: 'Set-VMReplication -ReplicationFrequencySec',
  },
};

export function describeChange(change: ReplicationAction): string {
  if (change.action !== 'set-frequency') return ACTION_TEXT[change.action].title;
  return `Set ${change.relationship === 'Extended' ? 'extended ' : ''}replication frequency to ${formatDuration(change.frequencySec)}`;
}

/** Above this many VMs the operator types the count to confirm: a slip should not resync a site. */
export const TYPE_TO_CONFIRM_AT = 10;
