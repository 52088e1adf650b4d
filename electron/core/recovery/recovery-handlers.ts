import { join } from 'node:path';
import type { z } from 'zod';
import type { recoveryChannels, recoveryStreams } from '../../../shared/contract/recovery-channels.ts';
import type { EstateSnapshot } from '../../../shared/model/estate.ts';
import type { RunEventBatch } from '../../../shared/model/recovery-run.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { BackendClock, HyperVBackend } from '../backends/backend-port.ts';
import type { CallContext } from '../dispatcher.ts';
import type { CorePorts } from '../ports.ts';
import type { DurationModel } from './duration-model.ts';
import type { ScriptRunner, TcpProbe } from './plan-step-runner.ts';
import { PlanStore } from './plan-store.ts';
import { RecoveryService } from './recovery-service.ts';
import { summarize } from './run-summary.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { RehearsalFactory } from '../backends/rehearsal-port.ts';
import { calibrationFrom } from './boot-calibration.ts';
import { PredictionLog } from './prediction-log.ts';
import { predictRun } from './run-prediction.ts';
import { drillSchedule, historyPoint } from './run-history.ts';
import type { RecoveryPlan } from '../../../shared/model/recovery-plan.ts';
import type { TimerHandle } from '../ports.ts';
import { readFileSync } from 'node:fs';
import { EVIDENCE_FILES } from './evidence/evidence-files.ts';
import { createEvidenceService, type EvidenceService } from './evidence/evidence-service.ts';
import { drillAttestations, type AttestationSource } from './evidence/run-attestations.ts';

type RecoveryChannels = typeof recoveryChannels;
type RecoveryHandlers = {
  [C in keyof RecoveryChannels]: (request: z.output<RecoveryChannels[C]['request']>, ctx: CallContext) => Promise<z.output<RecoveryChannels[C]['response']>>;
};
type StreamName = keyof typeof recoveryStreams;

interface RecoveryHandlerOptions {
  backend: HyperVBackend;
  estate: { snapshot(): EstateSnapshot };
  ports: CorePorts;
  audit: AuditLog;
  publish(stream: StreamName, event: RunEventBatch): void;
  /** Defaults: the backend's clock (simulated on the lab), lab script and TCP simulations. */
  clock?: BackendClock;
  scripts?: ScriptRunner;
  tcp?: TcpProbe;
  durationModel?: DurationModel;
  /** A copy of the estate to rehearse a plan on (the lab seeded with the live inventory); predictions need it. */
  rehearse?: RehearsalFactory;
  /** The live backend is the lab: its model is exact there, so unmeasured durations are no unknown. */
  backendIsLab?: boolean;
  /** Faults active on the live backend, in words. */
  liveFaults?: () => string[];
  /** Where overdue drills are raised as alerts (null: cleared); checked every minute and after plan and run changes. */
  drillAlerts?: (plan: { id: string; name: string }, alert: { severity: 'warning'; message: string } | null) => void;
  /** The drill session's checklist and sign-offs for a run (the evidence pack's attestations). */
  attestations?: AttestationSource;
}

/** How often plans' drill schedules are checked for an overdue drill (wall clock). */
const DRILL_CHECK_MS = 60_000;

/**
 * The plans.* and recovery.* channels. Finds interrupted runs in the data folder and resumes them
 * before answering anything.
 */
export async function createRecoveryHandlers(options: RecoveryHandlerOptions): Promise<{ handlers: RecoveryHandlers; service: RecoveryService; predictions: PredictionLog; evidence: EvidenceService; dispose(): Promise<void> }> {
  const { ports } = options;
  const plans = new PlanStore(ports.dataDir);
  await plans.init();
  const service = new RecoveryService({
    backend: options.backend, estate: options.estate, dataDir: ports.dataDir,
    clock: options.clock ?? options.backend.clock, wallClock: ports.clock,
    audit: options.audit, logger: ports.logger,
    publish: (batch) => options.publish('recovery.events', batch),
    ...(options.scripts ? { scripts: options.scripts } : {}),
    ...(options.tcp ? { tcp: options.tcp } : {}),
    ...(options.durationModel ? { durationModel: options.durationModel } : {}),
  });
  service.init();
  const predictions = new PredictionLog(ports.dataDir, ports.logger);
  const evidence = createEvidenceService({
    service, plans, predictions, audit: options.audit, backend: options.backend, dataDir: ports.dataDir,
    attestations: options.attestations ?? drillAttestations((runId) => service.attestations(runId)), ...(ports.printPdf ? { printPdf: ports.printPdf } : {}), now: () => ports.clock.now(),
  });

  const audited = async <T>(ctx: CallContext, action: string, target: string, work: () => Promise<T>): Promise<T> => {
    try {
      const result = await work();
      options.audit.append({ at: ports.clock.now(), actor: ctx.actor, action, target, result: 'ok' });
      return result;
    } catch (error) {
      options.audit.append({ at: ports.clock.now(), actor: ctx.actor, action, target, result: 'error', detail: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };

  const backendNow = () => (options.clock ?? options.backend.clock).now();
  const scheduleOf = (plan: RecoveryPlan) => {
    const cadence = plan.settings.drillCadenceDays;
    return cadence === undefined ? null : drillSchedule(cadence, service.list().filter((r) => r.planId === plan.id), backendNow());
  };
  let drillTimer: TimerHandle | null = null;
  let disposed = false;
  /** Raises an alert for each plan whose drill is overdue and clears it for the rest. */
  const checkDrills = async () => {
    if (!options.drillAlerts || disposed) return;
    try {
      for (const { plan } of (await plans.load()).plans) {
        const schedule = scheduleOf(plan);
        const overdue = schedule?.overdue ? schedule : null;
        options.drillAlerts({ id: `plan:${plan.id}`, name: plan.name }, overdue ? {
          severity: 'warning',
          message: overdue.lastDrillAt === null
            ? `${plan.name}: never drilled; a drill is due every ${overdue.cadenceDays} days.`
            : `${plan.name}: drill overdue since ${new Date(overdue.dueAt!).toISOString().slice(0, 10)} (every ${overdue.cadenceDays} days; last drill ${new Date(overdue.lastDrillAt).toISOString().slice(0, 10)}).`,
        } : null);
      }
    } catch (error) {
      ports.logger.warn('Drill schedules could not be checked', { error: String(error) });
    }
  };
  const watchDrills = () => {
    if (disposed || !options.drillAlerts) return;
    drillTimer = ports.clock.setTimeout(() => { void checkDrills().finally(watchDrills); }, DRILL_CHECK_MS);
  };
  await checkDrills();
  watchDrills();
  /** After a change that can move a schedule: checked once the answer has gone. */
  const recheck = <T>(result: T): T => { void Promise.resolve().then(checkDrills); return result; };

  const handlers: RecoveryHandlers = {
    'plans.list': async () => {
      const loaded = await plans.load();
      const summaries = plans.summaries(loaded).map((summary, i) => {
        const schedule = scheduleOf(loaded.plans[i]!.plan);
        return schedule ? { ...summary, drillSchedule: schedule } : summary;
      });
      return { plans: summaries, invalid: loaded.invalid, folder: join(ports.dataDir, 'plans') };
    },
    'plans.get': async ({ id }) => plans.get(id),
    'plans.resolve': async ({ id, type, target }) => {
      const { members: _m, ...resolution } = service.resolve((await plans.get(id)).plan, type, target);
      return resolution;
    },
    'plans.create': (request, ctx) => audited(ctx, 'plan created', request.plan.name, () => plans.create(request.plan)).then(recheck),
    'plans.update': (request, ctx) => audited(ctx, 'plan updated', request.id, () => plans.update(request.id, request.expectedRevision, request.plan)).then(recheck),
    'plans.duplicate': (request, ctx) => audited(ctx, 'plan duplicated', request.id, () => plans.duplicate(request.id, request.name)).then(recheck),
    'plans.import': (request, ctx) => audited(ctx, 'plan imported', request.fileName, () => plans.import(request.text, request.fileName, request.replace)).then(recheck),
    'plans.delete': (request, ctx) => audited(ctx, 'plan deleted', request.id, async () => { await plans.remove(request.id, request.expectedRevision); options.drillAlerts?.({ id: `plan:${request.id}`, name: request.id }, null); return {}; }),
    'plans.export': async ({ id }) => plans.export(id),
    'recovery.preflight': async ({ id, type, policy, target }) => service.preflight((await plans.get(id)).plan, type, policy, target),
    'recovery.start': async (request, ctx) => {
      const { plan } = await plans.get(request.id);
      return audited(ctx, `recovery run started: ${request.type}`, plan.name, () => service.start({
        plan, type: request.type, policy: request.policy, acceptedWarnings: request.acceptedWarnings, ...(request.target ? { target: request.target } : {}),
        ...(request.extendedReplication ? { extendedReplication: request.extendedReplication } : {}),
        ...(request.confirmText !== undefined ? { confirmText: request.confirmText } : {}), actor: ctx.actor,
        ...(request.checklist ? { checklist: request.checklist } : {}),
      })).then(recheck);
    },
    'recovery.history': async ({ planId }) => ({
      planId,
      // The prediction made before each run (recovery.predict keeps them) is what the run is judged against.
      runs: service.runsOf(planId).map((run, _, all) => historyPoint({ ...run, predictedRtoSec: run.predictedRtoSec ?? predictions.before(run, all)?.rtoSec ?? null }, backendNow())).sort((a, b) => a.startedAt - b.startedAt),
    }),
    'recovery.list': async () => ({ runs: service.list() }),
    'recovery.get': async ({ runId }) => service.get(runId),
    'recovery.confirm': async ({ runId, stepId }, ctx) => service.confirm(runId, stepId, ctx.actor),
    'recovery.decide': async ({ runId, vm, stepId, decision }, ctx) => service.decide(runId, { ...(vm ? { vm } : {}), ...(stepId ? { stepId } : {}) }, decision, ctx.actor),
    'recovery.abort': async ({ runId }, ctx) => service.abort(runId, ctx.actor),
    'recovery.decideAll': async ({ runId, reason, decision }, ctx) => service.decideAll(runId, reason, decision, ctx.actor),
    'recovery.finish': async ({ runId, action, whenReady, policy, vms }, ctx) => service.finish(runId, action, ctx.actor, {
      ...(whenReady ? { whenReady } : {}), ...(policy ? { policy } : {}), ...(vms ? { vms } : {}),
    }),
    'recovery.predict': async ({ id, type, target }) => {
      const { plan } = await plans.get(id);
      if (!options.rehearse) throw new ContractError('invalid-state', 'Predictions need a copy of the estate to rehearse on, and this console has none.');
      const estate = options.estate.snapshot();
      const sqlVms = new Set(Object.values(estate.vms).filter((vm) => vm.tags.includes('sql')).map((vm) => vm.name));
      const prediction = await predictRun({
        plan, type, ...(target ? { target } : {}), estate, rehearse: options.rehearse,
        calibration: calibrationFrom(service.history(), (name) => sqlVms.has(name), options.durationModel),
        loss: type === 'unplanned-failover' ? service.lossBefore(plan, type, target) : null,
        backendIsLab: options.backendIsLab ?? false, faults: options.liveFaults?.() ?? [], logger: ports.logger,
        ...(options.durationModel ? { durationModel: options.durationModel } : {}), now: () => ports.clock.now(),
      });
      predictions.add(prediction);
      return prediction;
    },
    'recovery.predictions': async ({ id }) => ({ predictions: predictions.all().filter((p) => p.planId === id) }),
    'recovery.signOff': async ({ runId, application, verdict, note }, ctx) => service.signOff(runId, { application, verdict, note }, ctx.actor, ctx.role),
    'recovery.evidence': async ({ runId }) => {
      const { pack, written } = await evidence.make(runId);
      const pdf = written.pdfBytes === null ? null : readFileSync(join(written.dir, EVIDENCE_FILES.pdf)).toString('base64');
      return {
        dir: written.dir, packHash: pack.integrity.packHash, html: written.html, json: written.json,
        pdf, pdfBytes: written.pdfBytes, pdfProblem: written.pdfProblem, verdict: evidence.verify(runId),
      };
    },
    'recovery.verifyEvidence': async ({ runId }) => {
      service.get(runId);
      return evidence.verify(runId);
    },
    'recovery.summary': async ({ runId }) => summarize(service.get(runId), (options.clock ?? options.backend.clock).now()),
  };

  return {
    handlers,
    service,
    predictions,
    evidence,
    async dispose() {
      disposed = true;
      drillTimer?.cancel();
      service.dispose();
      predictions.close();
    },
  };
}
