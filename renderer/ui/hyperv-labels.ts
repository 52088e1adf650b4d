import type { Replication, Site, Vm } from '../../shared/model/estate.ts';
import type { ClusterNodeState, HeartbeatStatus, ReplicationHealth, ReplicationMode, VmState } from '../../shared/model/hyperv-enums.ts';
import { formatDuration } from '../../shared/format/duration.ts';
import type { Tone } from './status-glyph.tsx';

/** Words and tones for Hyper-V values. Presentation only: which state is which comes from the core. */

export const SITE_ROLE_LABEL: Record<Site['role'], string> = { primary: 'Primary', dr: 'DR', cloud: 'Cloud' };

export const REPLICATION_MODE_LABEL: Record<ReplicationMode, string> = {
  None: 'Not replicated', Primary: 'Primary', Replica: 'Replica', TestReplica: 'Test replica', ExtendedReplica: 'Extended replica',
};

export const HEALTH_TONE: Record<ReplicationHealth, Tone> = { Normal: 'ok', Warning: 'warn', Critical: 'crit', NotApplicable: 'none' };
export const HEALTH_LABEL: Record<ReplicationHealth, string> = { Normal: 'Normal', Warning: 'Warning', Critical: 'Critical', NotApplicable: 'Not applicable' };

export const NODE_STATE_TONE: Record<ClusterNodeState, Tone> = { Up: 'ok', Down: 'crit', Paused: 'warn', Joining: 'info', Unknown: 'none' };

export const HEARTBEAT_LABEL: Record<HeartbeatStatus, string> = {
  Unknown: 'Unknown', Disabled: 'Disabled', NoContact: 'No contact', Error: 'Error', LostCommunication: 'Lost contact',
  OkApplicationsUnknown: 'OK', OkApplicationsHealthy: 'OK, apps healthy', OkApplicationsCritical: 'OK, apps critical', Paused: 'Paused',
};
export const HEARTBEAT_TONE: Record<HeartbeatStatus, Tone> = {
  Unknown: 'none', Disabled: 'none', NoContact: 'warn', Error: 'crit', LostCommunication: 'crit',
  OkApplicationsUnknown: 'ok', OkApplicationsHealthy: 'ok', OkApplicationsCritical: 'warn', Paused: 'none',
};

const VM_STATE_WORDS: Partial<Record<VmState, string>> = { FastSaved: 'Fast-saved', FastSaving: 'Fast-saving' };
export function vmStateLabel(state: VmState): string {
  return VM_STATE_WORDS[state] ?? state;
}
/** Whether the VM is doing work; Off and Saved copies (most replicas) are drawn quieter. */
export function vmIsActive(vm: Vm): boolean {
  return vm.state !== 'Off' && vm.state !== 'Saved' && vm.state !== 'FastSaved';
}

/** T0 30 s, T1 5 min, T2 15 min — read from the replication frequency actually configured. */
function tierOf(vm: Vm): 0 | 1 | 2 {
  const freq = vm.replication?.frequencySec;
  if (freq === undefined) return vm.tier;
  return freq <= 30 ? 0 : freq <= 300 ? 1 : 2;
}

export function tierLabel(vm: Vm): string {
  const freq = vm.replication?.frequencySec;
  return freq === undefined ? `T${vm.tier}` : `T${tierOf(vm)} · ${formatDuration(freq)}`;
}

export function replicationSummary(r: Replication | null): { mode: string; tone: Tone; health: string } {
  if (!r) return { mode: 'Not replicated', tone: 'none', health: 'Not applicable' };
  return { mode: REPLICATION_MODE_LABEL[r.mode], tone: HEALTH_TONE[r.health], health: HEALTH_LABEL[r.health] };
}

/** "ReadyForInitialReplication" → "Ready for initial replication". */
export function splitWords(value: string): string {
  const words = value.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
