import type { ConnectionProfile } from '../../../../shared/model/connections.ts';
import type { ClockPort, LoggerPort } from '../../ports.ts';
import type { HyperVBackend } from '../backend-port.ts';
import type { RemoteSiteSession, RemotingFactory } from '../remoting-port.ts';
import { createPowerShellBackend } from './powershell-backend.ts';
import { createNodePowerShell, type PsShell } from './ps-shell.ts';
import { DEFAULT_SCRIPT_DIRECTORY } from './script-catalog.ts';
import { SiteSession } from './site-session.ts';
import { adviseRemotingFailure } from './winrm-advice.ts';

interface PowerShellRemotingOptions {
  clock: ClockPort;
  logger: LoggerPort;
  /** The local PowerShell: STANDBY_POWERSHELL, else "powershell" on Windows and "pwsh" elsewhere. */
  executable?: string;
  /** Environment of the shells (tests pass the double's hub). */
  shellEnv?: NodeJS.ProcessEnv;
  scriptDirectory?: string;
  /** Replaces node-powershell entirely (unit tests). */
  shellFactory?: () => PsShell;
  backoff?: { initialMs: number; maxMs: number };
}

function defaultExecutable(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const configured = env.STANDBY_POWERSHELL?.trim();
  if (configured) return configured;
  return platform === 'win32' ? 'powershell' : 'pwsh';
}

/** Site sessions over local PowerShell processes, and the PowerShell backend over them. */
export function createPowerShellRemoting(options: PowerShellRemotingOptions): RemotingFactory {
  // Read when used, not when built: the environment may name another PowerShell later.
  const executable = () => options.executable ?? defaultExecutable();
  const shellFactory = (): (() => PsShell) => {
    if (options.shellFactory) return options.shellFactory;
    const exe = executable();
    const env = options.shellEnv;
    return () => createNodePowerShell(env ? { executable: exe, env } : { executable: exe });
  };
  return {
    get executable() { return executable(); },
    session(profile: ConnectionProfile, password: () => Promise<string | null>, { autoReconnect }: { autoReconnect: boolean }): SiteSession {
      return new SiteSession({
        profile, password, autoReconnect,
        shellFactory: shellFactory(),
        scriptDirectory: options.scriptDirectory ?? DEFAULT_SCRIPT_DIRECTORY,
        clock: options.clock,
        logger: options.logger,
        ...(options.backoff ? { backoff: options.backoff } : {}),
      });
    },
    backend(sessions: readonly RemoteSiteSession[]): HyperVBackend {
      const own = sessions.map((s) => {
        if (!(s instanceof SiteSession)) throw new Error('The PowerShell backend runs only on sessions its remoting factory made.');
        return s;
      });
      return createPowerShellBackend({ sessions: own, clock: options.clock, logger: options.logger });
    },
    adviseFailure: adviseRemotingFailure,
  };
}
