import type { ReplicationHealth, ReplicationState } from '../../../../shared/model/hyperv-enums.ts';

/**
 * Hyper-V Replica health, by the rules in DOMAIN.md. The thresholds are one table so a wrong guess
 * is cheap to correct. (unverified: the monitoring window length and the Critical staleness; Hyper-V
 * does not document either precisely.)
 */
export const HEALTH_RULES = {
  /** Missed cycles are counted over this sliding window. */
  windowMs: 60 * 60_000,
  /** Warning once this share of the window's cycles were missed. */
  warningMissedRatio: 0.2,
  /** Warning when nothing replicated for longer than this. */
  warningStaleMs: 60 * 60_000,
  /** Critical when nothing replicated for much longer than that. */
  criticalStaleMs: 3 * 60 * 60_000,
} as const;

/** States in which replication is broken until someone acts. */
const CRITICAL_STATES = new Set<ReplicationState>(['Error', 'WaitingForStartResynchronize', 'ResynchronizeSuspended', 'UpdateError']);
/** States in which cycles are expected, so staleness and missed cycles count. */
const CYCLING_STATES = new Set<ReplicationState>(['Replicating', 'Suspended', 'Resynchronizing']);

interface HealthInput {
  state: ReplicationState;
  now: number;
  /** Last successful cycle, or when the relationship began if none yet. */
  lastSuccess: number;
  missedInWindow: number;
  /** Cycles that were due in the window (less than a full window just after the relationship began). */
  expectedInWindow: number;
}

export function replicationHealth(input: HealthInput): { health: ReplicationHealth; details: string[] } {
  if (input.state === 'Disabled') return { health: 'NotApplicable', details: [] };
  if (CRITICAL_STATES.has(input.state)) {
    return { health: 'Critical', details: [input.state === 'Error' ? 'Replication is in an error state.' : 'Resynchronization is required.'] };
  }
  if (!CYCLING_STATES.has(input.state)) return { health: 'Normal', details: [] };
  const stale = input.now - input.lastSuccess;
  if (stale > HEALTH_RULES.criticalStaleMs) {
    return { health: 'Critical', details: [`Replication has not succeeded for ${Math.floor(stale / 60_000)} minutes.`] };
  }
  const details: string[] = [];
  if (input.state === 'Suspended') details.push('Replication is suspended.');
  if (stale > HEALTH_RULES.warningStaleMs) details.push(`Replication has not succeeded for ${Math.floor(stale / 60_000)} minutes.`);
  const ratio = input.expectedInWindow > 0 ? input.missedInWindow / input.expectedInWindow : 0;
  if (ratio >= HEALTH_RULES.warningMissedRatio) {
    details.push(`${input.missedInWindow} of ${Math.round(input.expectedInWindow)} replication cycles in the last hour were missed.`);
  }
  return { health: details.length > 0 ? 'Warning' : 'Normal', details };
}
