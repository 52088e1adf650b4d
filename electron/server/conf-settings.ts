import { renameSync } from 'node:fs';
import { join } from 'node:path';
import Conf from 'conf';
import type { LoggerPort, SettingsPort } from '../core/ports.ts';

/**
 * Settings for the browser server in conf's format, the same file format electron-store writes.
 * A file that is not valid JSON is moved aside (never deleted) so a hand edit gone wrong loses nothing.
 */
export function createConfSettings(dir: string, logger: LoggerPort): SettingsPort {
  const open = () => new Conf<Record<string, unknown>>({ cwd: dir, configName: 'settings', clearInvalidConfig: false, configFileMode: 0o600 });
  let conf: Conf<Record<string, unknown>>;
  try {
    conf = open();
    void conf.store;
  } catch (error) {
    const file = join(dir, 'settings.json');
    const kept = join(dir, `settings.corrupt-${new Date().toISOString().replaceAll(':', '-')}.json`);
    renameSync(file, kept);
    logger.warn(`${file} could not be read (${(error as Error).message}); it was kept as ${kept} and defaults are used.`);
    conf = open();
  }
  return {
    read: () => conf.store,
    write: (value) => { conf.store = value as Record<string, unknown>; },
  };
}
