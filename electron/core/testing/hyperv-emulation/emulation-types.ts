import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** The emulated modules, found by PowerShell's module autoloading when this folder is on PSModulePath. */
export const EMULATION_MODULES = fileURLToPath(new URL('./modules/', import.meta.url));
/** The remote session's configuration: loads the emulation's plumbing (and the world's clock) first. */
export const EMULATION_SESSION_CONFIGURATION = join(EMULATION_MODULES, 'standby-emulation.pssc');
/** The types (HyperVTypes.cs) and the converters from the world's rows to them (WorldRows.cs). */
const TYPES_SOURCES = ['HyperVTypes.cs', 'WorldRows.cs'].map((file) => join(EMULATION_MODULES, 'StandbyEmulation', file));

let compiling: Promise<string> | null = null;

/**
 * The Hyper-V / FailoverClusters types compiled once into a DLL (cached in the temp folder by the
 * source's hash): compiling C# costs seconds of CPU, and every remote session would pay it again.
 */
export function emulationTypesAssembly(pwsh = 'pwsh'): Promise<string> {
  compiling ??= (async () => {
    const hashing = createHash('sha256');
    for (const file of TYPES_SOURCES) hashing.update(readFileSync(file, 'utf8'));
    const hash = hashing.digest('hex').slice(0, 16);
    const target = join(tmpdir(), `standby-hyperv-types-${hash}.dll`);
    if (existsSync(target)) return target;
    const partial = `${target}.${process.pid}.tmp.dll`;
    const command = `Add-Type -Path ($env:STANDBY_TYPES_SOURCES -split [IO.Path]::PathSeparator) -OutputAssembly $env:STANDBY_TYPES_TARGET -OutputType Library`;
    await promisify(execFile)(pwsh, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', command], { env: { ...process.env, STANDBY_TYPES_SOURCES: TYPES_SOURCES.join(delimiter), STANDBY_TYPES_TARGET: partial } });
    renameSync(partial, target);
    return target;
  })();
  return compiling;
}
