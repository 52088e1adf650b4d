import fs from 'node:fs';
import path from 'node:path';
import type { LoggerPort } from '../core/ports.ts';

export type StoreFileState = 'missing' | 'ok' | 'set-aside';

/**
 * electron-store either throws on a damaged file or, with clearInvalidConfig, overwrites it; and it
 * reads valid JSON that is not an object as `{}`, which the next write then replaces. These files
 * may be hand-edited by an administrator, so a file we cannot use is renamed to
 * `<name>.corrupt-<time>.json` before the store touches it, and a warning names the kept copy.
 */
export function keepUnusableStoreFileAside(dir: string, name: string, logger: LoggerPort, now: () => Date): StoreFileState {
  const file = path.join(dir, `${name}.json`);
  const problem = inspect(file);
  if (problem === 'missing' || problem === 'ok') return problem;
  const keptAs = path.join(dir, `${name}.corrupt-${now().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.renameSync(file, keptAs);
  logger.warn(`The ${name} file could not be read, so Standby continues from defaults. The damaged file was kept.`, {
    problem, file, keptAs,
  });
  return 'set-aside';
}

function inspect(file: string): 'missing' | 'ok' | string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error; // unreadable (permissions, a lock): not damaged, so not ours to move
  }
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? 'ok' : 'not a JSON object';
  } catch (error) {
    return `not valid JSON: ${(error as Error).message}`;
  }
}
