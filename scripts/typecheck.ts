// Type-checks every layer with its own lib/types, so a Node API in the renderer or a DOM API in
// the core is a type error, not a runtime surprise.
import { spawnSync } from 'node:child_process';

const projects = [
  'tsconfig.json',
  'shared/tsconfig.json',
  'electron/core/tsconfig.json',
  'electron/server/tsconfig.json',
  'electron/main/tsconfig.json',
  'electron/preload/tsconfig.json',
  'renderer/tsconfig.json',
  'tsconfig.tests.json',
];
let failed = 0;
for (const project of projects) {
  const result = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', project], { stdio: 'inherit' });
  if (result.status !== 0) {
    failed += 1;
    console.error(`typecheck: ${project} has type errors (above).`);
  }
}
console.log(`typecheck: ${projects.length - failed} of ${projects.length} projects clean`);
process.exit(failed === 0 ? 0 : 1);
