import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * The Windows installer (Squirrel) launches the app with --squirrel-* flags while installing,
 * updating and uninstalling; the app must create or remove its shortcuts and quit at once instead
 * of opening a console window. (What the electron-squirrel-startup package does, without the dependency.)
 * Returns true when this launch was such an event and the app must quit.
 */
export function handleSquirrelEvent(
  argv: readonly string[],
  options: { platform?: string; execPath?: string; runUpdate?: (args: string[]) => void } = {},
): boolean {
  if ((options.platform ?? process.platform) !== 'win32') return false;
  const execPath = options.execPath ?? process.execPath;
  const runUpdate = options.runUpdate ?? ((args: string[]) => {
    const updateExe = path.resolve(path.dirname(execPath), '..', 'Update.exe');
    spawn(updateExe, args, { detached: true, stdio: 'ignore' }).on('error', () => { /* nothing to tell: we are quitting */ });
  });
  const exeName = path.win32.basename(execPath);
  switch (argv[1]) {
    case '--squirrel-install':
    case '--squirrel-updated':
      runUpdate([`--createShortcut=${exeName}`]);
      return true;
    case '--squirrel-uninstall':
      runUpdate([`--removeShortcut=${exeName}`]);
      return true;
    case '--squirrel-obsolete':
      return true;
    default:
      return false;
  }
}
