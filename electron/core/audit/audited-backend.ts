import { MUTATING_CALLS, type HyperVBackend, type VmTarget } from '../backends/backend-port.ts';
import type { AuditEntry, AuditLog } from './audit-log.ts';

interface AuditContext {
  actor: string;
  /** Wall clock for `at`; the backend's clock, when given, is recorded beside it. */
  now(): number;
  backendNow?: () => number;
  context?: AuditEntry['context'];
}

/**
 * The backend as seen by one actor: every mutating call is appended to the audit log with its
 * outcome once it settles. Reads pass through untouched.
 */
export function auditedBackend(backend: HyperVBackend, audit: AuditLog, who: AuditContext): HyperVBackend {
  return new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof property !== 'string' || !Object.hasOwn(MUTATING_CALLS, property) || typeof value !== 'function') return value;
      const action = MUTATING_CALLS[property as keyof typeof MUTATING_CALLS];
      return (...args: unknown[]) => {
        const record = (result: 'started' | 'ok' | 'error', detail?: string) => {
          const options = args[1] && typeof args[1] === 'object' ? ` ${JSON.stringify(args[1])}` : '';
          audit.append({
            at: who.now(), actor: who.actor, action: `${action}${options === ' {}' ? '' : options}`, target: describeTarget(args[0]), result,
            ...(detail ? { detail } : {}),
            context: { ...who.context, ...(who.backendNow ? { backendTime: who.backendNow() } : {}) },
          });
        };
        // On disk before the call leaves: if the console dies while the host acts, the record
        // still shows the call was made, and the resumed run proves it was not made twice. Not on
        // disk (a full disk): the call does not go out.
        record('started');
        return durable(audit).then(() => {
          const promise = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          promise.then(() => record('ok'), (error: unknown) => record('error', error instanceof Error ? error.message : String(error)));
          return promise;
        });
      };
    },
  });
}

const pending = new WeakMap<AuditLog, Promise<void>>();

/**
 * One fsync for every call that starts in the same turn of the event loop. A run starting hundreds
 * of VMs (a repoint of 596: ~1,200 calls) flushed once per call, synchronously, and held the event
 * loop for tens of seconds, so its own request timed out in the browser while it worked.
 */
function durable(audit: AuditLog): Promise<void> {
  let flush = pending.get(audit);
  if (!flush) {
    flush = new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        pending.delete(audit);
        try { audit.flush(); resolve(); } catch (error) { reject(error as Error); }
      });
    });
    pending.set(audit, flush);
  }
  return flush;
}

function describeTarget(arg: unknown): string {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object') {
    const t = arg as Partial<VmTarget> & { node?: string };
    if (t.vmName && t.computerName) return `${t.vmName} on ${t.computerName}`;
    if (t.vmName) return `${t.vmName}${t.node ? ` to ${t.node}` : ''}`;
  }
  return JSON.stringify(arg);
}
