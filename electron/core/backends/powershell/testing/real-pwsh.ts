import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/**
 * A real PowerShell for tests that must prove PowerShell text parses and runs (issue 11): the
 * composed host scripts, the JEA endpoint. `pwsh` (PowerShell 7.6, a .NET global tool) is found on
 * PATH or in ~/.dotnet/tools; STANDBY_PWSH overrides. CI installs it; a machine without it skips
 * these tests with `PWSH_MISSING` as the reason, never passes them silently.
 */

/** Found on PATH without starting it: a PowerShell start costs seconds on a shared machine. */
function locate(): string | null {
  if (process.env.STANDBY_PWSH) return existsSync(process.env.STANDBY_PWSH) ? process.env.STANDBY_PWSH : null;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), join(homedir(), '.dotnet', 'tools')];
  for (const dir of dirs) {
    const candidate = join(dir, process.platform === 'win32' ? 'pwsh.exe' : 'pwsh');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** How long a test hook may wait for one pwsh run (start, load session.ps1, run): generous, CPUs are shared. */
export const PWSH_TIMEOUT_MS = 120_000;

export const PWSH: string | null = locate();
export const PWSH_MISSING = 'pwsh (PowerShell 7) is not installed: `dotnet tool install --global PowerShell --version 7.6.10` (CI installs it and runs these tests)';

export interface PwshRun { stdout: string; stderr: string; status: number | null }

/** Runs one script file in a fresh `pwsh -NoProfile -NonInteractive`. */
export function runPwsh(script: string, options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): PwshRun {
  if (!PWSH) throw new Error(PWSH_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'standby-pwsh-'));
  try {
    const file = join(dir, 'test.ps1');
    // A BOM so that any non-ASCII text in the test script reads as UTF-8.
    writeFileSync(file, `\uFEFF${script}`, 'utf8');
    const result = spawnSync(PWSH, ['-NoProfile', '-NonInteractive', '-File', file], { encoding: 'utf8', timeout: options.timeoutMs ?? PWSH_TIMEOUT_MS, env: { ...process.env, ...options.env } });
    return { stdout: result.stdout ?? '', stderr: result.stderr ?? '', status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A PowerShell single-quoted literal of any text (for test scripts only: production never splices text). */
export function psLiteral(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** The lines of a run that start with `marker`, each parsed as JSON. */
export function markedJson(run: PwshRun, marker: string): unknown[] {
  return run.stdout.split(/\r?\n/).filter((l) => l.startsWith(marker)).map((l) => JSON.parse(l.slice(marker.length)) as unknown);
}
