import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackendClock, HyperVBackend } from '../backends/backend-port.ts';
import type { LabSimulation } from '../backends/lab/simulation.ts';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
import type { EstateStore } from '../estate/estate-store.ts';
import type { ClockPort } from '../ports.ts';
import { silentLogger } from './memory-ports.ts';
import type { LabFault, LabFaultSpec } from '../../../shared/model/lab.ts';
import type { RunEventBatch } from '../../../shared/model/recovery-run.ts';
import { PLAN_SCHEMA_VERSION, PlanDraftSchema, type PlanDraftInput, type RecoveryPlan } from '../../../shared/model/recovery-plan.ts';
import { fullSitePlan } from '../recovery/default-plan.ts';
import { RecoveryService } from '../recovery/recovery-service.ts';

/**
 * What the orchestrator's tests need from a backend under test, whichever it is: a simulated estate
 * to break (faults are the simulation's, so they happen the same way under every backend), a
 * recovery service on that backend, and a way to let simulated time pass until something is true.
 */
export interface RecoveryRig {
  sim: LabSimulation;
  /** The backend as the service sees it (calls counted), for the tests' own reads. */
  backend: HyperVBackend;
  estate: EstateStore;
  dataDir: string;
  audit: AuditLog;
  events: RunEventBatch[];
  /** Mutating calls per "method vmName" that reached the estate. */
  calls: Map<string, number>;
  service: RecoveryService;
  /** A fresh service on the same data folder and estate, as after a restart. */
  restart(backend?: HyperVBackend): RecoveryService;
  injectFault(spec: LabFaultSpec): LabFault;
  clearFault(id: string): void;
  /**
   * Returns once every call already sent has its answer or waits on simulated time (a cmdlet
   * blocking until Hyper-V is done), without moving the clock. The lab answers as it is called.
   */
  settle(): Promise<void>;
  /** Lets `ms` of simulated time pass, then brings the estate store up to what the backend shows. */
  advance(ms: number): Promise<void>;
  drive(done: () => boolean, limitMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

export interface RigOptions {
  vmCount?: number;
  seed?: number;
  /** Wraps the backend the first service gets (e.g. to make it die). */
  backend?: (backend: HyperVBackend) => HyperVBackend;
}

export type RigFactory = (options?: RigOptions) => Promise<RecoveryRig>;

/** The simulation's clock as the recovery service's: every wait is simulated time. */
export function simulatedBackendClock(sim: LabSimulation): BackendClock {
  const queue = sim.world.queue;
  return {
    now: () => queue.now,
    sleep: (ms) => new Promise((resolve) => { queue.after(Math.max(0, ms), resolve); }),
  };
}

/** Builds services the same way for every rig: one data folder, one audit log, events collected. */
export function serviceFactory(parts: { estate: EstateStore; clock: BackendClock; wall: ClockPort }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-recovery-'));
  const audit = createAuditLog(join(dataDir, 'audit', 'audit.jsonl'));
  const events: RunEventBatch[] = [];
  const make = (backend: HyperVBackend) => {
    const service = new RecoveryService({
      backend, estate: parts.estate, dataDir, clock: parts.clock, wallClock: parts.wall,
      audit, logger: silentLogger(), publish: (batch) => events.push(batch),
    });
    service.init();
    return service;
  };
  return { dataDir, audit, events, make };
}

/** Counts mutating calls per "method vmName" so a test can prove exactly-once. */
export function countingBackend(backend: HyperVBackend, calls: Map<string, number>): HyperVBackend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function' || typeof property !== 'string' || property.startsWith('get') || property.startsWith('measure') || property === 'onEvents') return value;
      return (...args: unknown[]) => {
        const vm = (args[0] as { vmName?: string } | undefined)?.vmName ?? '';
        const key = `${property} ${vm}`;
        calls.set(key, (calls.get(key) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** The backend of a process that died: nothing it asked for ever answers, nothing new is sent. */
export function severable(backend: HyperVBackend): { backend: HyperVBackend; cut(): void } {
  let alive = true;
  const proxy = new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        if (!alive) return new Promise(() => {});
        const result = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        return new Promise((resolve, reject) => { result.then((v) => { if (alive) resolve(v); }, (e: unknown) => { if (alive) reject(e); }); });
      };
    },
  });
  return { backend: proxy, cut: () => { alive = false; } };
}

export function testPlan(draft?: PlanDraftInput, id = 'test-plan'): RecoveryPlan {
  const parsed = draft ? PlanDraftSchema.parse(draft) : fullSitePlan();
  return { ...parsed, schemaVersion: PLAN_SCHEMA_VERSION, id, revision: 1, updatedAt: '2026-01-01T00:00:00.000Z' };
}

/** The run stopped, or something in it waits for a person. */
export function settled(service: RecoveryService, runId: string): () => boolean {
  return () => {
    const run = service.get(runId);
    if (run.status === 'completed' || run.status === 'aborted') return true;
    return run.vms.some((v) => v.status === 'waiting-operator')
      || run.groups.some((g) => [...g.before, ...g.after].some((s) => s.status === 'waiting-operator'));
  };
}
