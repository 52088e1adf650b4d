// Start-up of the console's lab after a simulated day at max lab speed: the lab journal is replayed
// (the world rebuilt from its seed and the commands given) before anything is served.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabSource, LAB_EPOCH } from '../electron/core/backends/lab/lab-source.ts';
import { manualClock, silentLogger } from '../electron/core/testing/memory-ports.ts';
import { round, type Emit } from './bench-result.ts';

const DAY = 24 * 3600_000;
const SEED = 20261125;
const VMS = 600;

/**
 * The journal a day at 'max' leaves: a checkpoint for each second of wall time (here one a minute of
 * simulated time, denser than at 'max', so the figure errs on the slow side), and a few faults.
 */
function dayJournal(dir: string, hostName: string): string {
  const lines: string[] = [];
  for (let t = 60_000; t <= DAY; t += 60_000) {
    lines.push(JSON.stringify({ at: LAB_EPOCH + t, cmd: 'tick' }));
    if (t === 6 * 3600_000) lines.push(JSON.stringify({ at: LAB_EPOCH + t, cmd: 'injectFault', args: [{ kind: 'wan-degradation', link: 'primary-dr', bandwidthFactor: 0.5, extraLatencyMs: 0 }] }));
    if (t === 12 * 3600_000) lines.push(JSON.stringify({ at: LAB_EPOCH + t, cmd: 'injectFault', args: [{ kind: 'host-crash', host: hostName }] }));
  }
  const file = join(dir, `lab-seed${SEED}-vms${VMS}.jsonl`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function startOnce(dir: string): Promise<number> {
  const source = createLabSource({ seed: SEED, vmCount: VMS, clock: manualClock(0), journal: { dir, logger: silentLogger() } });
  const started = performance.now();
  await source.load();
  const ms = performance.now() - started;
  await source.dispose();
  return ms;
}

export async function run(emit: Emit): Promise<void> {
  const probe = createLabSource({ seed: SEED, vmCount: VMS, clock: manualClock(0) });
  const hostName = (await probe.load()).hosts.find((h) => h.siteId === 'site-pri')!.name;
  await probe.dispose();
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-startup-'));
  const file = dayJournal(dir, hostName);
  const linesBefore = readFileSync(file, 'utf8').trim().split('\n').length;
  const first = await startOnce(dir);
  const linesAfter = readFileSync(file, 'utf8').trim().split('\n').length;
  const second = await startOnce(dir);
  const fresh = await startOnce(mkdtempSync(join(tmpdir(), 'standby-bench-startup-')));
  emit({
    name: 'lab start-up after a simulated day at max speed (600 VMs)',
    value: round(first, 0), unit: 'ms', bound: { op: '<=', value: 2000 },
    baseline: { name: 'lab start-up with no journal', value: round(fresh, 0) },
    journalLinesBefore: linesBefore, journalLinesAfterCompaction: linesAfter, secondStartMs: round(second, 0),
  });
}
