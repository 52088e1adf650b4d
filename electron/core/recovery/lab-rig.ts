import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HyperVBackend } from '../backends/backend-port.ts';
import { createLabBackend, type LabBackend } from '../backends/lab/lab-backend.ts';
import { LAB_EPOCH } from '../backends/lab/lab-source.ts';
import { LabSimulation } from '../backends/lab/simulation.ts';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
import { createEstateStore, type EstateStore } from '../estate/estate-store.ts';
import { manualClock, silentLogger } from '../testing/memory-ports.ts';
import type { RunEventBatch } from '../../../shared/model/recovery-run.ts';
import { PLAN_SCHEMA_VERSION, PlanDraftSchema, type PlanDraftInput, type RecoveryPlan } from '../../../shared/model/recovery-plan.ts';
import { recoveryClockFor } from './backend-clock.ts';
import { fullSitePlan } from './default-plan.ts';
import { driveLab } from './lab-drive.ts';
import { RecoveryService } from './recovery-service.ts';

export interface LabRig {
  sim: LabSimulation;
  lab: LabBackend;
  estate: EstateStore;
  dataDir: string;
  audit: AuditLog;
  events: RunEventBatch[];
  calls: Map<string, number>;
  service: RecoveryService;
  /** A fresh service on the same data folder and lab, as after a restart. */
  restart(backend?: HyperVBackend): RecoveryService;
  drive(done: () => boolean, limitMs?: number): Promise<void>;
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

export async function createLabRig(options: { vmCount?: number; seed?: number; backend?: (lab: LabBackend) => HyperVBackend } = {}): Promise<LabRig> {
  const sim = new LabSimulation({ seed: options.seed ?? 7, vmCount: options.vmCount ?? 30, startTime: LAB_EPOCH });
  const wall = manualClock(Date.UTC(2026, 0, 1));
  const lab = createLabBackend(sim, wall, 'pause');
  const estate = createEstateStore(await lab.load(), { clock: wall, batchMs: 100, publish: () => {} });
  lab.start((patches) => estate.apply(patches));
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-recovery-'));
  const audit = createAuditLog(join(dataDir, 'audit', 'audit.jsonl'));
  const events: RunEventBatch[] = [];
  const calls = new Map<string, number>();
  const make = (backend: HyperVBackend) => {
    const service = new RecoveryService({
      backend, estate, dataDir, clock: recoveryClockFor(lab, wall), wallClock: wall,
      audit, logger: silentLogger(), publish: (batch) => events.push(batch),
    });
    service.init();
    return service;
  };
  // Calls are counted where they reach the lab: a dead process's calls never do.
  const counted = countingBackend(lab, calls);
  const rig: LabRig = {
    sim, lab, estate, dataDir, audit, events, calls,
    service: make(options.backend ? options.backend(counted as LabBackend) : counted),
    restart(backend = counted) { rig.service = make(backend); return rig.service; },
    drive: (done, limitMs) => driveLab(sim, done, limitMs),
  };
  return rig;
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
