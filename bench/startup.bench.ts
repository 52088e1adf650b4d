// Start-up of the console's lab after a simulated day at max lab speed: the lab's world comes back
// from its newest snapshot and the journal's commands after it (or, with no usable snapshot, the
// journal replayed from the seed) before anything is served.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLabSource, LAB_EPOCH } from '../electron/core/backends/lab/lab-source.ts';
import { manualClock, silentLogger } from '../electron/core/testing/memory-ports.ts';
import { round, type Emit } from './bench-result.ts';

const DAY = 24 * 3600_000;
const MINUTE = 60_000;
const SEED = 20261125;
const VMS = 600;

/**
 * The data dir a day at 'max' leaves: the lab run through the day with a checkpoint for each second
 * of wall time (here one a minute of simulated time, denser than at 'max', so it snapshots at least
 * as often as a live lab would and no more), two faults, and then killed (no dispose, no last
 * snapshot: a SIGKILL gives none).
 */
async function dayOfLab(dir: string): Promise<{ runMs: number }> {
  const clock = manualClock(0);
  const source = createLabSource({ seed: SEED, vmCount: VMS, clock, speed: 'pause', journal: { dir, logger: silentLogger() } });
  const estate = await source.load();
  source.start(() => {});
  const hostName = estate.hosts.find((h) => h.siteId === 'site-pri')!.name;
  const started = performance.now();
  for (let t = MINUTE; t <= DAY; t += MINUTE) {
    source.simulation.runUntil(LAB_EPOCH + t);
    clock.advance(1000);
    if (t === 6 * 3600_000) source.injectFault({ kind: 'wan-degradation', link: 'primary-dr', bandwidthFactor: 0.5, extraLatencyMs: 0 });
    if (t === 12 * 3600_000) source.injectFault({ kind: 'host-crash', host: hostName });
  }
  return { runMs: performance.now() - started };
}

async function startOnce(dir: string): Promise<{ ms: number; now: number; log: string[] }> {
  const logger = silentLogger();
  const source = createLabSource({ seed: SEED, vmCount: VMS, clock: manualClock(0), journal: { dir, logger } });
  const started = performance.now();
  await source.load();
  const ms = performance.now() - started;
  const now = source.simulation.now;
  await source.dispose();
  return { ms, now, log: logger.lines };
}

function copyOf(dir: string, withoutSnapshot: boolean): string {
  const copy = mkdtempSync(join(tmpdir(), 'standby-bench-startup-'));
  cpSync(dir, copy, { recursive: true });
  if (withoutSnapshot) for (const f of readdirSync(copy)) if (f.endsWith('.snapshot.json')) rmSync(join(copy, f));
  return copy;
}

export async function run(emit: Emit): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'standby-bench-startup-'));
  const { runMs } = await dayOfLab(dir);
  const files = readdirSync(dir);
  const journal = join(dir, files.find((f) => f.endsWith('.jsonl'))!);
  const snapshot = files.find((f) => f.endsWith('.snapshot.json'));
  const journalLinesBefore = readFileSync(journal, 'utf8').trim().split('\n').length;
  // Measured on copies: a start-up writes its own snapshot and compacts the journal.
  const dirs = [copyOf(dir, true), copyOf(dir, false), mkdtempSync(join(tmpdir(), 'standby-bench-startup-'))];
  const replayed = await startOnce(dirs[0]!);
  const first = await startOnce(dirs[1]!);
  const fresh = await startOnce(dirs[2]!);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (first.now !== replayed.now) throw new Error(`the lab came back at ${first.now} from its snapshot and at ${replayed.now} from the seed`);
  emit({
    name: 'lab start-up after one simulated day at max speed (600 VMs)',
    value: round(first.ms, 0), unit: 'ms', bound: { op: '<=', value: 2000 },
    baseline: { name: 'the same data dir replayed from the seed (no snapshot)', value: round(replayed.ms, 0) },
    freshStartMs: round(fresh.ms, 0), snapshotBytes: snapshot ? statSync(join(dir, snapshot)).size : 0,
    journalLinesBefore, dayAtMaxRunMs: round(runMs, 0),
    restoredFrom: first.log.find((l) => l.includes('Lab restored'))?.replace(/ \/\S+/g, ' …') ?? null,
  });
  rmSync(dir, { recursive: true, force: true });
}
