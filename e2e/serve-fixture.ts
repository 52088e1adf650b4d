import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ServedConsole {
  operatorUrl: string;
  viewerUrl: string;
  /** The NOC wall's link, printed when started with --wall. */
  wallUrl: string | null;
  origin: string;
  dataDir: string;
  process: ChildProcess;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const ROOT = join(import.meta.dirname, '..');

/** Starts `npm run serve` the way a user does (minus npm), on a free port with its own data dir. */
export async function serveConsole(options: { dataDir?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<ServedConsole> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'standby-e2e-'));
  const child = spawn(process.execPath, ['scripts/serve.mjs', '--no-build', '--port', '0', '--viewer', '--data-dir', dataDir, ...(options.args ?? [])], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  const urls = await new Promise<{ operator: string; viewer: string; wall: string | null }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run serve printed no URL within 30 s. stderr:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const operator = /operator: (\S+)/.exec(stdout)?.[1];
      const viewer = /viewer \(read-only\): (\S+)/.exec(stdout)?.[1];
      // The links come in one write (console-links.ts), so the wall's is there with the others or not at all.
      const wall = /NOC wall \(read-only\): (\S+)/.exec(stdout)?.[1] ?? null;
      if (operator && viewer) { clearTimeout(timer); resolve({ operator, viewer, wall }); }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`npm run serve exited with ${code}. stderr:\n${stderr}`)); });
  });
  return {
    operatorUrl: urls.operator,
    viewerUrl: urls.viewer,
    wallUrl: urls.wall,
    origin: new URL(urls.operator).origin,
    dataDir,
    process: child,
    stop: (signal = 'SIGTERM') => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill(signal);
    }),
  };
}
