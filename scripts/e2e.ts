// `npm run test:e2e`: Playwright in Chromium against `npm run serve` on the lab.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { findChromium } from '../e2e/find-chromium.ts';

const ROOT = join(import.meta.dirname, '..');
try {
  findChromium();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
// The tests run what `npm run serve` runs: the built renderer and the built server.
for (const config of ['renderer/vite.config.ts', 'electron/server/vite.config.ts']) {
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', config, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/@playwright/test/cli.js'), 'test', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(run.status ?? 1);
