// `npm run serve`: builds the renderer and the server when their sources are newer than the builds,
// then starts the browser server with the given arguments. Plain JavaScript, like the server build it
// loads, so that Node starts it without its TypeScript stripper: that was half the cold start.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '..');
const VITE = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function stale(built, sources) {
  return !existsSync(built) || Math.max(...sources.map((dir) => newestMtime(join(ROOT, dir)))) > statSync(built).mtimeMs;
}

/** Exits with a one-line reason when a build fails; the errors are above it. */
export function build(what, config) {
  process.stderr.write(`Building the ${what}…\n`);
  const result = spawnSync(process.execPath, [VITE, 'build', '--config', config, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`The ${what} build failed (errors above); the server was not started.\n`);
    process.exit(1);
  }
}

export const RENDERER_BUILD = join(ROOT, 'dist', 'renderer', 'index.html');
export const SERVER_BUILD = join(ROOT, 'dist', 'server', 'cli.mjs');

export function serverStale() {
  return stale(SERVER_BUILD, ['electron', 'shared']);
}

export function buildIfStale() {
  if (stale(RENDERER_BUILD, ['renderer', 'shared'])) build('console (renderer)', 'renderer/vite.config.ts');
  if (serverStale()) build('server', 'electron/server/vite.config.ts');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  // Issuing tokens needs only the server build; a stale console need not be rebuilt for it.
  if (!args.includes('--no-build')) {
    if (args[0] !== 'token') buildIfStale();
    else if (stale(SERVER_BUILD, ['electron', 'shared'])) build('server', 'electron/server/vite.config.ts');
  }
  const { main } = await import(pathToFileURL(SERVER_BUILD).href);
  await main(args.filter((arg) => arg !== '--no-build'));
}
