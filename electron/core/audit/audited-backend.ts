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
        // still shows the call was made, and the resumed run proves it was not made twice.
        record('started');
        try {
          audit.flush();
        } catch (error) {
          return Promise.reject(error as Error); // not on disk: the call does not go out
        }
        const promise = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        promise.then(() => record('ok'), (error: unknown) => record('error', error instanceof Error ? error.message : String(error)));
        return promise;
      };
    },
  });
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
