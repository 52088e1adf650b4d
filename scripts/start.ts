// `npm start`: the Electron console when its runtime is (or can quickly be) installed, otherwise the
// same console as a browser server. electron@45 fetches its binary on first use rather than at
// npm install, so a machine without access to its release server has no runtime at all.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const ELECTRON_DIR = join(ROOT, 'node_modules', 'electron');
const DOWNLOAD_TIMEOUT_MS = 20_000;
const args = process.argv.slice(2);

/** The check electron/install.js makes before downloading (dist/version, path.txt, the binary). */
function electronRuntimeInstalled(electronDir: string = ELECTRON_DIR): boolean {
  try {
    const { version } = JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string };
    const installed = readFileSync(join(electronDir, 'dist', 'version'), 'utf8').trim().replace(/^v/, '');
    const binary = readFileSync(join(electronDir, 'path.txt'), 'utf8').trim();
    const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(electronDir, 'dist');
    return installed === version && existsSync(join(dist, binary));
  } catch {
    return false;
  }
}

function tryDownloadElectron(): Promise<boolean> {
  return new Promise((resolve) => {
    process.stderr.write('Fetching the Electron runtime (first start only)…\n');
    // Output is kept back: on failure install.js prints a stack trace that says less than our sentence.
    const child = spawn(process.execPath, [join(ELECTRON_DIR, 'install.js')], { cwd: ROOT, stdio: 'ignore' });
    const timer = setTimeout(() => child.kill(), DOWNLOAD_TIMEOUT_MS);
    child.on('error', () => { clearTimeout(timer); resolve(false); });
    child.on('exit', (code) => { clearTimeout(timer); resolve(code === 0 && electronRuntimeInstalled()); });
  });
}

function run(script: string, scriptArgs: string[]): ChildProcess {
  const child = spawn(process.execPath, [script, ...scriptArgs], { cwd: ROOT, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => { if (child.exitCode === null) child.kill(signal); });
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return child;
}

async function main(): Promise<void> {
  const forceBrowser = process.env.STANDBY_SHELL === 'browser';
  if (!forceBrowser && (electronRuntimeInstalled() || await tryDownloadElectron())) {
    const forge = join(ROOT, 'node_modules', '@electron-forge', 'cli', 'dist', 'electron-forge.js');
    run(forge, args.length > 0 ? ['start', '--', ...args] : ['start']);
    return;
  }
  if (!forceBrowser) {
    process.stderr.write('The Electron runtime could not be downloaded (no network access to its release server), so Standby is starting as a browser server instead: open the URL below.\n');
  }
  run(join(ROOT, 'scripts', 'serve.mjs'), args);
}

await main();
