import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nodeVersionProblem } from './node-check.mjs';

const ROOT = join(import.meta.dirname, '..');
/** The system's own Node where there is one (Debian ships 20): the newcomer's case, for real. */
const OLD_NODE = '/usr/bin/node';
const oldNodeVersion = existsSync(OLD_NODE) ? spawnSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).stdout.trim() : '';

describe('the Node version check', () => {
  it('says in one sentence which Node is needed and how to get it, for versions without type stripping', () => {
    for (const version of ['20.20.2', 'v22.12.0', '22.17.9', '18.0.0']) {
      expect(nodeVersionProblem(version)).toMatch(/^Standby needs Node\.js 22\.18 or newer \(this is Node [\d.]+\): install .*https:\/\/nodejs\.org\/.*then run the command again\.$/);
    }
    for (const version of ['22.18.0', '22.20.5', '24.0.0', 'v25.1.0']) expect(nodeVersionProblem(version)).toBeNull();
  });

  it('runs before any .ts in npm start, npm test and npm run serve, and engines names the same minimum', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; scripts: Record<string, string> };
    for (const script of ['start', 'test', 'serve']) expect(pkg.scripts[script], script).toMatch(/^node scripts\/node-check\.mjs && /);
    expect(pkg.engines.node).toBe('>=22.18');
  });

  it.runIf(oldNodeVersion !== '' && nodeVersionProblem(oldNodeVersion) !== null)(`prints that sentence under ${OLD_NODE} (${oldNodeVersion}) and stops`, () => {
    const run = spawnSync(OLD_NODE, ['scripts/node-check.mjs'], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([nodeVersionProblem(oldNodeVersion)]);
    expect(spawnSync(process.execPath, ['scripts/node-check.mjs'], { cwd: ROOT }).status).toBe(0);
  });
});
