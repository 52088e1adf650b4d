import { ContractError } from '../../../shared/contract/errors.ts';
import type { PlanStep } from '../../../shared/model/recovery-plan.ts';
import type { HyperVBackend } from '../backends/backend-port.ts';
import type { RecoveryClock } from './backend-clock.ts';
import { readVm } from './vm-steps.ts';

/** Runs a plan's script step. The PowerShell backend supplies a real one; the lab simulates success. */
export type ScriptRunner = (script: string, timeoutMs: number) => Promise<{ exitCode: number; output: string }>;
/** Is something listening on host:port (TCP connect)? */
export type TcpProbe = (host: string, port: number) => Promise<boolean>;

interface PlanStepEnvironment {
  backend: HyperVBackend;
  clock: RecoveryClock;
  scripts: ScriptRunner;
  tcp: TcpProbe;
  pollMs: number;
  /** DR host of a plan VM by name, for wait-heartbeat on that VM. */
  hostOf(vmName: string): string | undefined;
  cancelled(): boolean;
}

/** The lab has no guests to run scripts in: a script "runs" for one simulated second and succeeds. */
export function simulatedScripts(clock: RecoveryClock): ScriptRunner {
  return async (script) => {
    await clock.sleep(1000);
    return { exitCode: 0, output: `(lab) ${script}: simulated, exit 0` };
  };
}

/** On the lab a port counts as open once the VM of that name runs healthy at the DR site. */
export function labTcpProbe(backend: HyperVBackend, hostOf: (vm: string) => string | undefined): TcpProbe {
  return async (host) => {
    const computer = hostOf(host);
    if (!computer) return false;
    const info = await readVm(backend, { vmName: host, computerName: computer });
    return info?.Heartbeat === 'OkApplicationsHealthy';
  };
}

/** Runs one automatic plan step (manual steps wait for the operator in the executor). */
export async function runPlanStep(step: Exclude<PlanStep, { kind: 'manual' }>, env: PlanStepEnvironment): Promise<void> {
  switch (step.kind) {
    case 'delay':
      await env.clock.sleep(step.seconds * 1000);
      return;
    case 'script': {
      const result = await withTimeout(env.scripts(step.script, step.timeoutSec * 1000), step.timeoutSec * 1000, env.clock, `The script "${step.name}"`);
      if (result.exitCode !== 0) throw new ContractError('backend', `The script "${step.name}" exited with ${result.exitCode}: ${result.output.slice(0, 500)}`, step.name);
      return;
    }
    case 'wait-heartbeat':
    case 'wait-tcp': {
      const deadline = env.clock.now() + step.timeoutSec * 1000;
      for (;;) {
        if (env.cancelled()) return;
        if (step.kind === 'wait-tcp') {
          if (await env.tcp(step.host, step.port)) return;
        } else {
          const host = env.hostOf(step.vm);
          if (!host) throw new ContractError('not-found', `'${step.vm}' is not a VM of this plan; there is no DR copy to wait for.`, step.vm);
          if ((await readVm(env.backend, { vmName: step.vm, computerName: host }))?.Heartbeat === 'OkApplicationsHealthy') return;
        }
        if (env.clock.now() >= deadline) {
          throw new ContractError('timeout', step.kind === 'wait-tcp'
            ? `${step.host}:${step.port} did not accept connections within ${step.timeoutSec} s.`
            : `'${step.vm}' did not report healthy within ${step.timeoutSec} s.`);
        }
        await env.clock.sleep(env.pollMs);
      }
    }
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, clock: RecoveryClock, what: string): Promise<T> {
  promise.catch(() => {}); // a late failure after the timeout is nobody's business
  return Promise.race([
    promise,
    clock.sleep(ms).then((): never => {
      throw new ContractError('timeout', `${what} did not finish within ${Math.round(ms / 1000)} s; it may still be running on the host.`);
    }),
  ]);
}
