import type { Tone } from '../../ui/status-glyph.tsx';
import type {
  RecoveryPointPolicy, RunStatus, RunType, StepStatus, VmRunStatus,
} from '../../../shared/model/recovery-run.ts';
import type { VmStepKind } from '../../../shared/model/recovery-plan.ts';

export const RUN_TYPE_LABEL: Record<RunType, string> = {
  'test-failover': 'Test failover',
  'planned-failover': 'Planned failover',
  'unplanned-failover': 'Unplanned failover',
  failback: 'Failback',
};

/** What each run type does to production, in one sentence an operator can trust at 3 a.m. */
export const RUN_TYPE_EFFECT: Record<RunType, string> = {
  'test-failover': 'Starts copies of the replicas in the isolated test network. Production and replication are not touched.',
  'planned-failover': 'Shuts the primary VMs down, sends the last changes, fails over and reverses replication. No data is lost; production stops while it runs.',
  'unplanned-failover': 'Starts the replicas at the DR site from a recovery point. Changes made after that point are lost. Use it when the primary site is gone.',
  failback: 'Returns the VMs to the primary site once it is back: shut down at DR, send the changes, fail over and reverse.',
};

export const RUN_STATUS_LABEL: Record<RunStatus, string> = {
  running: 'Running', aborting: 'Aborting', aborted: 'Aborted', completed: 'Completed', finishing: 'Finishing',
};

export function runStatusTone(status: RunStatus): Tone {
  if (status === 'completed') return 'ok';
  if (status === 'aborted' || status === 'aborting') return 'crit';
  return 'info';
}

export const VM_STATUS_LABEL: Record<VmRunStatus, string> = {
  pending: 'Waiting', running: 'Running', 'waiting-operator': 'Needs you', done: 'Done', skipped: 'Skipped', aborted: 'Aborted', cancelled: 'Cancelled',
};

export function vmStatusTone(status: VmRunStatus): Tone {
  if (status === 'done') return 'ok';
  if (status === 'waiting-operator') return 'crit';
  if (status === 'skipped' || status === 'cancelled') return 'warn';
  if (status === 'aborted') return 'crit';
  return status === 'running' ? 'info' : 'none';
}

export function stepStatusTone(status: StepStatus): Tone {
  if (status === 'done') return 'ok';
  if (status === 'failed' || status === 'aborted') return 'crit';
  if (status === 'waiting-operator') return 'warn';
  if (status === 'skipped') return 'warn';
  return status === 'running' ? 'info' : 'none';
}

export const STEP_LABEL: Record<VmStepKind, string> = {
  'shutdown-primary': 'Shut down primary', prepare: 'Prepare (send last changes)', failover: 'Fail over',
  'test-failover': 'Create test VM', reverse: 'Reverse replication', start: 'Start VM', heartbeat: 'Wait for heartbeat',
  commit: 'Commit', cleanup: 'Remove test VM',
  'turn-off': 'Turn off replica', 'revert-failover': 'Revert failover (Stop-VMFailover)',
  'cancel-prepare': 'Cancel prepare (Stop-VMFailover)', 'start-primary': 'Start primary again',
};

export function policyLabel(policy: RecoveryPointPolicy, formatTime: (ms: number) => string): string {
  if (policy.kind === 'latest') return 'Latest recovery point';
  if (policy.kind === 'latest-app-consistent') return 'Latest application-consistent recovery point';
  return `Newest recovery point at or before ${formatTime(policy.at)}`;
}
