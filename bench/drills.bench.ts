// Issue 13: the prediction's speed and accuracy, and the evidence pack's cost, on the default lab.
// Accuracy: predict from the estate as it is, then run the same plan on the live lab (faults off)
// and compare achieved with predicted, per seed and run type.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../electron/core/audit/audit-log.ts';
import { createLabBackend, type LabBackend } from '../electron/core/backends/lab/lab-backend.ts';
import { createLabRehearsal } from '../electron/core/backends/lab/lab-rehearsal.ts';
import { LAB_EPOCH } from '../electron/core/backends/lab/lab-source.ts';
import { LabSimulation } from '../electron/core/backends/lab/simulation.ts';
import { createEstateStore, type EstateStore } from '../electron/core/estate/estate-store.ts';
import { calibrationFrom } from '../electron/core/recovery/boot-calibration.ts';
import { fullSitePlan } from '../electron/core/recovery/default-plan.ts';
import { createEvidenceService } from '../electron/core/recovery/evidence/evidence-service.ts';
import { PlanStore } from '../electron/core/recovery/plan-store.ts';
import { PredictionLog } from '../electron/core/recovery/prediction-log.ts';
import { RecoveryService } from '../electron/core/recovery/recovery-service.ts';
import { predictRun } from '../electron/core/recovery/run-prediction.ts';
import { summarize } from '../electron/core/recovery/run-summary.ts';
import { manualClock, silentLogger } from '../electron/core/testing/memory-ports.ts';
import { chromiumPdfPrinter } from '../electron/server/chromium-pdf.ts';
import { PLAN_SCHEMA_VERSION, type RecoveryPlan } from '../shared/model/recovery-plan.ts';
import type { RunType } from '../shared/model/recovery-run.ts';
import type { RunPrediction } from '../shared/model/run-prediction.ts';
import { round, type Emit } from './bench-result.ts';

/** Five seeds whose full-site plan fits the DR site; a seed whose preflight refuses it is reported and replaced. */
const SEEDS = [20261125, 1, 7, 42, 1234, 3, 11, 99];
const SEEDS_NEEDED = 5;
const VM_COUNT = 600;
const wall = manualClock(Date.now());
const plan: RecoveryPlan = { ...fullSitePlan(), schemaVersion: PLAN_SCHEMA_VERSION, id: 'full-site', revision: 1, updatedAt: new Date().toISOString() };

interface Live { sim: LabSimulation; lab: LabBackend; estate: EstateStore; service: RecoveryService; audit: AuditLog; dataDir: string; dispose(): void }

async function liveLab(seed: number): Promise<Live> {
  const sim = new LabSimulation({ seed, vmCount: VM_COUNT, startTime: LAB_EPOCH });
  const lab = createLabBackend(sim, wall, 'pause');
  const estate = createEstateStore(await lab.load(), { clock: wall, batchMs: 100, publish: () => {} });
  lab.start((patches) => estate.apply(patches));
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-bench-drills-'));
  const audit = createAuditLog(join(dataDir, 'audit.jsonl'));
  const service = new RecoveryService({ backend: lab, estate, dataDir, clock: lab.clock, wallClock: wall, audit, logger: silentLogger(), publish: () => {} });
  sim.runFor(10 * 60_000);
  return { sim, lab, estate, service, audit, dataDir, dispose: () => { service.dispose(); audit.close(); estate.dispose(); void lab.dispose(); rmSync(dataDir, { recursive: true, force: true }); } };
}

async function predict(live: Live, type: RunType): Promise<RunPrediction> {
  const estate = live.estate.snapshot();
  const sql = new Set(Object.values(estate.vms).filter((v) => v.tags.includes('sql')).map((v) => v.name));
  return predictRun({
    plan, type, estate, rehearse: (o) => createLabRehearsal(o, wall), calibration: calibrationFrom(live.service.history(), (n) => sql.has(n)),
    loss: type === 'unplanned-failover' ? live.service.lossBefore(plan, type) : null, backendIsLab: true, faults: [], logger: silentLogger(), now: () => wall.now(),
  });
}

async function runFor(live: Live, type: RunType) {
  const report = await live.service.preflight(plan, type, { kind: 'latest' });
  if (report.blockers.length > 0) throw new Error(`preflight: ${report.blockers.map((b) => b.message).join(' ')}`);
  const run = await live.service.start({ plan, type, policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), confirmText: plan.name, actor: 'bench' });
  const executor = live.service.executor(run.id);
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (executor.header.status === 'completed' || executor.header.status === 'aborted') break;
    const next = live.sim.nextEventAt();
    if (next === null) throw new Error('the lab ran dry before the run finished');
    live.sim.runUntil(next);
  }
  return live.service.get(run.id);
}

export async function run(emit: Emit): Promise<void> {
  // Speed: the full-site drill predicted from the default estate.
  {
    const live = await liveLab(SEEDS[0]!);
    const cpu = process.cpuUsage();
    const t = performance.now();
    const p = await predict(live, 'test-failover');
    const used = process.cpuUsage(cpu);
    emit({ name: 'prediction of the full-site drill (600 VMs): wall time', value: round((performance.now() - t) / 1000, 2), unit: 's', bound: { op: '<=', value: 5 },
      cpuSec: round((used.user + used.system) / 1e6, 2), predictedRtoMin: round((p.rtoSec ?? NaN) / 60, 1) });
    live.dispose();
  }
  // The evidence pack of the 600-VM drill, cleaned up: HTML + PDF + JSON.
  {
    const live = await liveLab(SEEDS[0]!);
    const drill = await runFor(live, 'test-failover');
    live.service.finish(drill.id, 'cleanup', 'bench');
    while (live.service.get(drill.id).status !== 'completed') {
      await new Promise<void>((resolve) => setImmediate(resolve));
      const next = live.sim.nextEventAt();
      if (next !== null) live.sim.runUntil(next);
    }
    const plans = new PlanStore(live.dataDir);
    await plans.init();
    const printPdf = await chromiumPdfPrinter();
    const evidence = createEvidenceService({
      service: live.service, plans, predictions: new PredictionLog(live.dataDir, silentLogger()), audit: live.audit,
      backend: live.lab, dataDir: live.dataDir, attestations: () => ({ checklist: null, signOffs: [] }), ...(printPdf ? { printPdf } : {}), now: () => wall.now(),
    });
    const { pack, written, buildMs } = await evidence.make(drill.id);
    emit({ name: 'evidence pack of the full-site drill (HTML + PDF + JSON): wall time', value: round(buildMs / 1000, 2), unit: 's', bound: { op: '<=', value: 10 },
      pdfBytes: written.pdfBytes, pdfProblem: written.pdfProblem, htmlBytes: Buffer.byteLength(written.html), jsonBytes: Buffer.byteLength(written.json),
      journalRecords: pack.integrity.journal.records, cleanup: pack.cleanup.status });
    const t = performance.now();
    const verdict = evidence.verify(drill.id);
    emit({ name: 'evidence pack verify (600-VM drill)', value: round((performance.now() - t) / 1000, 3), unit: 's', ok: verdict.ok });
    // The next drill, predicted with the boots the first one measured (calibration): as close as the first.
    const calibrated = await predict(live, 'test-failover');
    const again = summarize(await runFor(live, 'test-failover')).achievedRtoSec;
    if (again === null || calibrated.rtoSec === null) throw new Error('the second drill did not bring every VM back');
    emit({ name: 'prediction error, full-site test-failover after a drill (calibrated)', value: round((Math.abs(calibrated.rtoSec - again) / again) * 100, 2), unit: '%', bound: { op: '<=', value: 5 },
      predictedSec: round(calibrated.rtoSec, 1), achievedSec: round(again, 1), measuredVms: calibrated.calibration.measuredVms, medianFactor: round(calibrated.calibration.medianFactor, 3) });
    live.dispose();
  }
  // Accuracy, per seed and run type, faults off.
  for (const type of ['planned-failover', 'unplanned-failover', 'test-failover'] as const) {
    const errors: number[] = [];
    for (const seed of SEEDS) {
      if (errors.length === SEEDS_NEEDED) break;
      const live = await liveLab(seed);
      if (type === 'unplanned-failover') {
        live.lab.injectFault({ kind: 'primary-site-loss' });
        live.sim.runFor(60_000);
      }
      const blockers = (await live.service.preflight(plan, type, { kind: 'latest' })).blockers;
      if (blockers.length > 0) {
        emit({ name: `prediction error, full-site ${type}, seed ${seed}: not measured`, value: blockers.length, unit: 'preflight blockers', why: blockers[0]!.message });
        live.dispose();
        continue;
      }
      const p = await predict(live, type);
      const achieved = summarize(await runFor(live, type)).achievedRtoSec;
      if (achieved === null || p.rtoSec === null) throw new Error(`seed ${seed} ${type}: not every VM came back`);
      const error = Math.abs(p.rtoSec - achieved) / achieved;
      errors.push(error);
      emit({ name: `prediction error, full-site ${type}, seed ${seed}`, value: round(error * 100, 2), unit: '%', bound: { op: '<=', value: 5 },
        predictedSec: round(p.rtoSec, 1), achievedSec: round(achieved, 1), predictionWallSec: round(p.wallMs / 1000, 2) });
      live.dispose();
    }
    emit({ name: `prediction error, full-site ${type}, worst of ${errors.length} seeds`, value: round(Math.max(...errors) * 100, 2), unit: '%', bound: { op: '<=', value: 5 } });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await run((r) => console.log(JSON.stringify(r)));
}
