// `npm run serve`: builds the renderer when its sources are newer than the build, then starts
// the browser server with the given arguments.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../electron/server/cli.ts';

const ROOT = join(import.meta.dirname, '..');
const BUILT = join(ROOT, 'dist', 'renderer', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const stale = !existsSync(BUILT)
  || Math.max(newestMtime(join(ROOT, 'renderer')), newestMtime(join(ROOT, 'shared'))) > statSync(BUILT).mtimeMs;
if (stale && !process.argv.includes('--no-build')) {
  process.stderr.write('Building the console (renderer)…\n');
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) {
    process.stderr.write('The renderer build failed (errors above); the server was not started.\n');
    process.exit(1);
  }
}
await main(process.argv.slice(2).filter((arg) => arg !== '--no-build'));
