// `npm run bench`: one JSON object per line. Each figure carries the bound or the baseline it is
// judged against, measured in the same run (the machines are noisy; ratios travel, absolutes don't).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResult } from './bench-result.ts';

const only = process.argv[2];
const suites = ['server', 'server-load', 'lab', 'startup', 'recovery', 'drills', 'migration', 'powershell', 'powershell-failover', 'renderer', 'wall', 'incidents'];
const emit = (result: BenchResult) => {
  const met = result.bound ? (result.bound.op === '<=' ? result.value <= result.bound.value : result.value >= result.bound.value) : undefined;
  console.log(JSON.stringify(met === undefined ? result : { ...result, met }));
};
for (const suite of suites) {
  if (only && only !== suite) continue;
  const file = join(import.meta.dirname, `${suite}.bench.ts`);
  if (!existsSync(file)) continue;
  const module = (await import(file)) as { run(emit: (r: BenchResult) => void): Promise<void> };
  await module.run(emit);
}
