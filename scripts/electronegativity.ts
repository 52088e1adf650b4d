// Electronegativity (Doyensec's Electron security scanner) over the main process and the preload, as
// issue 16 asks: no finding above low. It is not an npm dependency of the project (it brings eslint 7
// and TypeScript 4 with it); .ci/run installs it into its own prefix, and STANDBY_ELECTRONEGATIVITY
// may point at another install. Known false positives are marked where they are, with the reason, by
// its own `// eng-disable CHECK` comments (console-window.ts, wall-window.ts).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
export const DEFAULT_TOOL = '/opt/standby-tools/node_modules/.bin/electronegativity';

export interface Finding { rule: string; level: string; file: string; line: number | null }
export type ScanResult = { ok: true; findings: Finding[] } | { ok: false; problem: string };

/** Findings above low (medium, high) in electron/main and electron/preload. */
export function scan(tool = process.env.STANDBY_ELECTRONEGATIVITY ?? DEFAULT_TOOL): ScanResult {
  if (!existsSync(tool)) return { ok: false, problem: `electronegativity is not installed at ${tool} (.ci/run installs it; or: npm install --prefix /opt/standby-tools @doyensec/electronegativity@1.10.3)` };
  const dir = mkdtempSync(join(tmpdir(), 'standby-electronegativity-'));
  try {
    // Only what ships: the tests' mocked BrowserWindows are not the app's.
    for (const part of ['main', 'preload']) cpSync(join(ROOT, 'electron', part), join(dir, part), { recursive: true, filter: (f) => !f.endsWith('.test.ts') });
    // It reads the Electron version from package.json; offline it cannot fetch the release list and says so.
    writeFileSync(join(dir, 'package.json'), readFileSync(join(ROOT, 'package.json')));
    // CSV, not SARIF: its SARIF levels say whether a finding needs manual review, not its severity.
    const out = join(dir, 'result.csv');
    const run = spawnSync(tool, ['-i', dir, '-r', '-v', 'false', '-e', '45.0.0', '-o', out], { encoding: 'utf8', timeout: 300_000 });
    if (!existsSync(out)) return { ok: false, problem: `electronegativity wrote no report (exit ${run.status}): ${(run.stderr || run.stdout).slice(-500)}` };
    // A record starts "CHECK_ID,"SEVERITY","CONFIDENCE","file","line:column"; its sample may span lines.
    const records = readFileSync(out, 'utf8').matchAll(/^([A-Z0-9_]+),"(\w+)","\w+","([^"]*)","(\d+):\d+"/gm);
    const findings = [...records].filter((m) => m[2] === 'MEDIUM' || m[2] === 'HIGH')
      .map((m) => ({ rule: m[1]!, level: m[2]!.toLowerCase(), file: m[3]!, line: Number(m[4]) }));
    return { ok: true, findings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  const result = scan();
  if (!result.ok) {
    console.error(result.problem);
    process.exit(2);
  }
  for (const f of result.findings) console.error(`electron/${f.file}:${f.line ?? '?'} ${f.rule} (${f.level})`);
  console.log(`electronegativity: ${result.findings.length} findings above low`);
  process.exit(result.findings.length === 0 ? 0 : 1);
}
