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
}

/**
 * The plans.* and recovery.* channels. Finds interrupted runs in the data folder and resumes them
 * before answering anything.
 */
export async function createRecoveryHandlers(options: RecoveryHandlerOptions): Promise<{ handlers: RecoveryHandlers; service: RecoveryService; dispose(): Promise<void> }> {
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

  const handlers: RecoveryHandlers = {
    'plans.list': async () => {
      const loaded = await plans.load();
      return { plans: plans.summaries(loaded), invalid: loaded.invalid, folder: join(ports.dataDir, 'plans') };
    },
    'plans.get': async ({ id }) => plans.get(id),
    'plans.resolve': async ({ id, type, target }) => {
      const { members: _m, ...resolution } = service.resolve((await plans.get(id)).plan, type, target);
      return resolution;
    },
    'plans.create': (request, ctx) => audited(ctx, 'plan created', request.plan.name, () => plans.create(request.plan)),
    'plans.update': (request, ctx) => audited(ctx, 'plan updated', request.id, () => plans.update(request.id, request.expectedRevision, request.plan)),
    'plans.duplicate': (request, ctx) => audited(ctx, 'plan duplicated', request.id, () => plans.duplicate(request.id, request.name)),
    'plans.delete': (request, ctx) => audited(ctx, 'plan deleted', request.id, async () => { await plans.remove(request.id, request.expectedRevision); return {}; }),
    'plans.import': (request, ctx) => audited(ctx, 'plan imported', request.fileName, () => plans.import(request.text, request.fileName, request.replace)),
    'plans.export': async ({ id }) => plans.export(id),
    'recovery.preflight': async ({ id, type, policy, target }) => service.preflight((await plans.get(id)).plan, type, policy, target),
    'recovery.start': async (request, ctx) => {
      const { plan } = await plans.get(request.id);
      return audited(ctx, `recovery run started: ${request.type}`, plan.name, () => service.start({
        plan, type: request.type, policy: request.policy, acceptedWarnings: request.acceptedWarnings, ...(request.target ? { target: request.target } : {}),
        ...(request.extendedReplication ? { extendedReplication: request.extendedReplication } : {}),
        ...(request.confirmText !== undefined ? { confirmText: request.confirmText } : {}), actor: ctx.actor,
      }));
    },
    'recovery.list': async () => ({ runs: service.list() }),
    'recovery.get': async ({ runId }) => service.get(runId),
    'recovery.confirm': async ({ runId, stepId }, ctx) => service.confirm(runId, stepId, ctx.actor),
    'recovery.decide': async ({ runId, vm, stepId, decision }, ctx) => service.decide(runId, { ...(vm ? { vm } : {}), ...(stepId ? { stepId } : {}) }, decision, ctx.actor),
    'recovery.abort': async ({ runId }, ctx) => service.abort(runId, ctx.actor),
    'recovery.decideAll': async ({ runId, reason, decision }, ctx) => service.decideAll(runId, reason, decision, ctx.actor),
    'recovery.finish': async ({ runId, action, whenReady }, ctx) => service.finish(runId, action, ctx.actor, whenReady ? { whenReady } : {}),
    'recovery.summary': async ({ runId }) => summarize(service.get(runId), (options.clock ?? options.backend.clock).now()),
  };

  return {
    handlers,
    service,
    async dispose() {
      service.dispose();
    },
  };
}
