import type { ChildProcess } from 'node:child_process';
import { PowerShell } from 'node-powershell';
import { systemClock, type ClockPort, type TimerHandle } from '../../ports.ts';

/**
 * One local PowerShell process, through node-powershell. Knows nothing of Hyper-V: it sends one line
 * and returns what came back, telling apart the three ways an invocation ends without an answer,
 * because the caller must treat them differently (a timed-out command may still be running).
 */

type ShellFailureKind = 'timeout' | 'exited' | 'spawn-failed';

export class ShellFailure extends Error {
  readonly kind: ShellFailureKind;
  constructor(kind: ShellFailureKind, message: string) {
    super(message);
    this.name = 'ShellFailure';
    this.kind = kind;
  }
}

interface ShellOutput { stdout: string; stderr: string; elapsedMs: number }

export interface PsShell {
  invoke(line: string, timeoutMs: number): Promise<ShellOutput>;
  readonly alive: boolean;
  /** The local process's id, when there is one (tests match it to what the double sees). */
  readonly pid?: number;
  dispose(): Promise<void>;
}

interface PsShellOptions {
  /** 'powershell' (Windows PowerShell 5.1), 'pwsh', or a path (the double in tests). */
  executable: string;
  env?: NodeJS.ProcessEnv;
  /** What timeouts are measured on: the system clock, or a simulated one when the estate is simulated. */
  clock?: ClockPort;
}

export type PsShellFactory = () => PsShell;

export function createNodePowerShell(options: PsShellOptions): PsShell {
  let exited = false;
  let exitReason = '';
  const shell = new PowerShell({
    executable: options.executable,
    // Never node-powershell's debug output: it would log every line, passwords in connect-site included.
    debug: false,
    throwOnInvocationError: false,
    invocationTimeout: 0,
    executableOptions: { '-NoProfile': true, '-NonInteractive': true, '-ExecutionPolicy': 'Bypass' },
    // TERM=dumb: started from a terminal, pwsh's console writes keypad-mode escape sequences
    // (ESC[?1h ESC[?1l) around each command's output, which would break every answer's JSON.
    spawnOptions: { env: { ...(options.env ?? process.env), TERM: 'dumb' } },
  });
  const child = (shell as unknown as { process: ChildProcess }).process;
  child.once('exit', (code, signal) => { exited = true; exitReason = signal ? `signal ${signal}` : `exit code ${code}`; });
  child.once('error', (error) => { exited = true; exitReason = error.message; });
  // node-powershell rejects this promise on an abnormal exit; the exit is reported through invoke.
  (shell as unknown as { exitPromise?: Promise<unknown> }).exitPromise?.catch(() => {});

  return {
    get alive() { return !exited; },
    get pid() { return child.pid; },
    async invoke(line, timeoutMs) {
      if (line.includes('\n') || line.includes('\r')) throw new Error('One line per invocation: PowerShell reads stdin statement by statement.');
      if (exited) throw new ShellFailure(/ENOENT|spawn/.test(exitReason) ? 'spawn-failed' : 'exited', `The PowerShell process has ended (${exitReason}).`);
      const clock = options.clock ?? systemClock;
      const started = clock.now();
      let timer: TimerHandle | undefined;
      const timeout = new Promise<'timeout'>((resolve) => { timer = clock.setTimeout(() => resolve('timeout'), timeoutMs); });
      try {
        const outcome = await Promise.race([shell.invoke(line).then((r) => r, (e: unknown) => e as Error), timeout]);
        const elapsedMs = clock.now() - started;
        if (outcome === 'timeout') {
          // The command keeps running in this shell and would answer the next line's delimiters:
          // the shell is ended and the caller reconnects.
          void shell.dispose().catch(() => {});
          throw new ShellFailure('timeout', `No answer within ${Math.round(timeoutMs / 1000)} s.`);
        }
        if (outcome instanceof Error || exited) {
          // A spawn failure (ENOENT: no such executable) says more than node-powershell's "exited".
          const reason = /ENOENT|spawn/.test(exitReason) ? exitReason : outcome instanceof Error ? outcome.message.split('\n')[0] : exitReason;
          throw new ShellFailure(/ENOENT|spawn/.test(String(reason)) ? 'spawn-failed' : 'exited', `The PowerShell process ended during the command (${reason || exitReason}).`);
        }
        return { stdout: outcome.stdout?.toString('utf8') ?? '', stderr: outcome.stderr?.toString('utf8') ?? '', elapsedMs };
      } finally {
        timer?.cancel();
      }
    },
    async dispose() {
      if (!exited) await shell.dispose().catch(() => {});
    },
  };
}
