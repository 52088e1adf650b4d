import { ContractError } from '../../../shared/contract/errors.ts';
import type { labChannels } from '../../../shared/contract/lab-channels.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import type { LabControl } from '../backends/lab/lab-backend.ts';
import type { Handlers } from '../dispatcher.ts';
import type { CorePorts } from '../ports.ts';

type LabHandlers = Pick<Handlers, keyof typeof labChannels>;

interface LabHandlerOptions {
  /** The lab's controls when the lab is the active backend, otherwise null. */
  lab: LabControl | null;
  /** The active backend, named in the refusal when it is not the lab. */
  backend: HyperVBackend;
  /** The backend's current time, recorded with each audited lab change. */
  backendNow(): number;
  ports: CorePorts;
  audit: AuditLog;
}

/** The lab.* channels: its status, and its speed and faults (audited: they are part of a drill's record). */
export function createLabHandlers(options: LabHandlerOptions): LabHandlers {
  const { lab, backend: source, ports, audit } = options;
  const requireLab = (): LabControl => {
    if (!lab) throw new ContractError('invalid-state', `The lab is not the active backend (${source.info.description}).`);
    return lab;
  };

  const auditedLab = <T>(actor: string, action: string, target: string, run: () => T): T => {
    const entry = { at: ports.clock.now(), actor, action, target, context: { labTime: options.backendNow() } };
    try {
      const result = run();
      audit.append({ ...entry, result: 'ok' });
      return result;
    } catch (error) {
      audit.append({ ...entry, result: 'error', detail: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };

  return {
    'lab.status': () => requireLab().status(),
    // Who slowed the lab or broke a link is part of a drill's record, so these are audited too.
    'lab.setSpeed': ({ speed }, ctx) => auditedLab(ctx.actor, `Set lab speed ${speed}`, 'lab', () => requireLab().setSpeed(speed)),
    'lab.injectFault': (spec, ctx) => auditedLab(ctx.actor, `Inject lab fault ${spec.kind}`, JSON.stringify(spec), () => requireLab().injectFault(spec)),
    'lab.clearFault': ({ faultId }, ctx) => auditedLab(ctx.actor, 'Clear lab fault', faultId, () => requireLab().clearFault(faultId)),
  };
}
