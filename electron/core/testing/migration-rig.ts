import type { AppendIo } from '../journal/durable-append.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
import { createLabBackend, type LabBackend } from '../backends/lab/lab-backend.ts';
import { LAB_EPOCH } from '../backends/lab/lab-source.ts';
import { LabSimulation } from '../backends/lab/simulation.ts';
import { createEstateStore, type EstateStore } from '../estate/estate-store.ts';
import { driveLab } from './lab-drive.ts';
import { manualClock, memoryPorts } from './memory-ports.ts';
import type { CallContext } from '../dispatcher.ts';
import { createMigrationHandlers, type MigrationHandlers } from '../migration/migration-handlers.ts';
import type { MigrationService } from '../migration/migration-service.ts';

export const OPERATOR: CallContext = { role: 'operator', actor: 'tester' };

export interface MigrationRig {
  sim: LabSimulation;
  lab: LabBackend;
  estate: EstateStore;
  audit: AuditLog;
  handlers: MigrationHandlers;
  service: MigrationService;
  published: { stream: string; event: unknown }[];
  drive(done: () => boolean, limitMs?: number): Promise<void>;
  /** Kills the console's migration side (handlers, engine, journal) and starts it again on the same data folder; the hosts carry on. */
  restartConsole(): void;
  dataDir: string;
  dispose(): void;
}

/** A paused lab stepped by hand, the estate store fed by it, and the migration handlers on top. */
export async function createMigrationRig(options: { vmCount?: number; seed?: number; pollMs?: number; journalIo?: AppendIo } = {}): Promise<MigrationRig> {
  const sim = new LabSimulation({ seed: options.seed ?? 7, vmCount: options.vmCount ?? 240, startTime: LAB_EPOCH });
  const wall = manualClock(Date.UTC(2026, 0, 1));
  const lab = createLabBackend(sim, wall, 'pause');
  const estate = createEstateStore(await lab.load(), { clock: wall, batchMs: 100, publish: () => {} });
  lab.start((patches) => estate.apply(patches));
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-migration-'));
  const audit = createAuditLog(join(dataDir, 'audit', 'audit.jsonl'));
  const published: MigrationRig['published'] = [];
  const ports = memoryPorts({ clock: wall, dataDir });
  const create = () => createMigrationHandlers({
    backend: lab, estate, ports, audit, clock: lab.clock, publishMs: 0,
    ...(options.pollMs ? { pollMs: options.pollMs } : {}),
    ...(options.journalIo ? { journalIo: options.journalIo } : {}),
    publish: (stream, event) => { published.push({ stream, event }); },
  });
  let created = create();
  const rig: MigrationRig = {
    sim, lab, estate, audit, handlers: created.handlers, service: created.service, published, dataDir,
    drive: async (done, limitMs) => {
      await driveLab(sim, () => { estate.apply(sim.flushPatches()); return done(); }, limitMs);
    },
    restartConsole: () => {
      created.dispose();
      created = create();
      rig.handlers = created.handlers;
      rig.service = created.service;
    },
    dispose: () => { created.dispose(); audit.close(); void lab.dispose(); },
  };
  return rig;
}
