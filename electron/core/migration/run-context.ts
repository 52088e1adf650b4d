import type { Host } from '../../../shared/model/estate.ts';
import type { DrainOperation, DrainOptions, OperationEvent } from '../../../shared/model/migration.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import type { RecoveryClock } from '../recovery/backend-clock.ts';
import type { PlannerInput } from './drain-planner.ts';
import type { EstateView } from './estate-view.ts';
import type { MigrationEngine } from './migration-engine.ts';

/**
 * What a drain or a rolling maintenance needs from the migration service. The runs see the service
 * through this, so the service, the drain run and the rolling run do not import each other in a circle.
 */
export interface RunContext {
  /** The backend's clock (simulated on the lab): every wait and every duration uses it. */
  readonly clock: RecoveryClock;
  readonly estate: EstateView;
  /** The backend without audit: for reads. */
  readonly backendRaw: HyperVBackend;
  readonly engine: MigrationEngine;
  /** The backend reports anti-affinity classes and owners (it does not change while running). */
  readonly rulesKnown: boolean;
  newId(prefix: string): string;
  backendFor(actor: string, operationId: string): HyperVBackend;
  auditAction(actor: string, action: string, target: string, result?: 'ok' | 'error', detail?: string): void;
  /** Journals the operations and tells the consoles. */
  operationsChanged(): void;
  plannerInput(host: Host, options: DrainOptions, skipVmIds?: ReadonlySet<string>): PlannerInput;
}

/** The rolling maintenance a drain or a failback belongs to, as they see it. */
export interface ParentRun {
  readonly op: { readonly id: string };
  event(severity: OperationEvent['severity'], message: string): void;
  isPaused(): boolean;
}


/** Attempts per VM in a drain: a failed move is tried on another node until this many. */
export const MAX_ATTEMPTS = 3;
/** Events an operation keeps (the oldest are dropped). */
export const KEEP_EVENTS = 300;

export function isFinal(status: DrainOperation['status']): boolean {
  return status === 'completed' || status === 'failed' || status === 'cancelled';
}

/** A duration in an operation's events: seconds, minutes or hours. */
export function fmtSec(sec: number): string {
  const s = Math.round(sec);
  if (s < 90) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 90 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}
