import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDurableAppend, type DurableAppend } from '../../journal/durable-append.ts';
import { keepAside, readKeepingAside } from '../../journal/quarantine.ts';
import { rewriteFile } from '../../journal/rewrite-file.ts';
import type { ClockPort, LoggerPort, TimerHandle } from '../../ports.ts';
import type { LabBackend } from './lab-backend.ts';
import { captureSnapshot, restoreSnapshot, type LabSnapshot } from './lab-snapshot.ts';
import { CommandDigest, originOf, readSnapshotFile, removeStaleTemporaries, snapshotFileOf, writeSnapshotFile, type SnapshotOrigin } from './lab-snapshot-file.ts';
import type { LabSimulation } from './simulation.ts';

/**
 * What changes the lab's world. The lab is deterministic for a seed and a sequence of commands, so
 * these, with the simulated time each was given at, are all it takes to rebuild the world after the
 * console was killed — a drill or a failover then resumes against the estate it left, not a new one.
 */
const COMMANDS = new Set([
  'suspendVMReplication', 'resumeVMReplication', 'setVMReplication', 'startVMFailover', 'stopVMFailover', 'completeVMFailover',
  'reverseVMReplication', 'startVM', 'stopVM', 'moveClusterVirtualMachineRole', 'suspendClusterNode',
  'resumeClusterNode', 'setVMHost', 'injectFault', 'clearFault',
]);

/** How often the simulated clock is written down, so a restart resumes close to where it stopped. */
const CHECKPOINT_MS = 1000;

/**
 * Events the lab runs between snapshots of the world (one is taken at the first quiet checkpoint
 * after this many): start-up replays about this many at most, however long the lab ran. Replay runs
 * some 400,000 events a second on a busy two-core machine, so this is about a quarter of a second
 * (a 600-VM lab runs 1.6 million a simulated day); a snapshot of that lab (3.3 MB) costs some 100 ms.
 * A snapshot's cost grows with the estate, so a bigger lab snapshots after proportionally more
 * events (per replication relationship), keeping its share of the lab's time about the same.
 */
export const SNAPSHOT_EVERY_EVENTS = 100_000;
const SNAPSHOT_EVENTS_PER_RELATIONSHIP = 100;

interface JournalRecord { at: number; cmd: string; args?: unknown[] }
/** A record as read back, with the line it was on (to report it). */
type ReadRecord = JournalRecord & { line: number };

/**
 * The largest step of simulated time between two records that replay accepts. Records are written
 * at least every CHECKPOINT_MS of wall time while the lab runs; even at 'max' a lab does not run a
 * week of simulated time in one second, so a bigger step is a damaged record, and replaying it
 * would spin through simulated years before the console could start.
 */
export const MAX_RECORD_STEP_MS = 7 * 24 * 3600_000;

function parseRecord(value: unknown, line: number): ReadRecord {
  const r = value as Partial<JournalRecord> | null;
  if (typeof r !== 'object' || r === null) throw new Error('not an object');
  if (typeof r.at !== 'number' || !Number.isFinite(r.at)) throw new Error(`at: ${JSON.stringify(r.at)} is not a time`);
  if (typeof r.cmd !== 'string' || (r.cmd !== 'tick' && !COMMANDS.has(r.cmd))) throw new Error(`cmd: ${JSON.stringify(r.cmd)} is not a lab command`);
  if (r.args !== undefined && !Array.isArray(r.args)) throw new Error('args: not a list');
  return { at: r.at, cmd: r.cmd, ...(r.args ? { args: r.args } : {}), line };
}

export interface LabJournalOptions {
  dir: string;
  seed: number;
  vmCount: number;
  clock: ClockPort;
  logger: LoggerPort;
  /** Tests take snapshots more often. */
  snapshotEveryEvents?: number;
}

/** The lab with its commands journaled (fsync, before they act) and replayed on load. */
export function journaledLab(backend: LabBackend, sim: LabSimulation, options: LabJournalOptions): LabBackend {
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, `lab-seed${options.seed}-vms${options.vmCount}.jsonl`);
  const snapshotFile = snapshotFileOf(file);
  let journal: DurableAppend<JournalRecord> | null = null;
  let checkpoint: TimerHandle | null = null;
  let lastWritten = sim.now;
  /** The journal's commands so far: a snapshot names the ones the world it holds was made by. */
  const commandsDigest = new CommandDigest();
  const snapshotEvery = options.snapshotEveryEvents
    ?? Math.max(SNAPSHOT_EVERY_EVENTS, SNAPSHOT_EVENTS_PER_RELATIONSHIP * sim.replication.relationships.length);
  let lastSnapshotAt = sim.now;
  let lastSnapshotEvents = sim.eventCount;
  let lastSnapshotError: string | null = null;
  /** The world as the seed built it (taken at load, before replay) and its fingerprint. */
  let initial: LabSnapshot | null = null;
  let origin: SnapshotOrigin | null = null;

  // A snapshot is only a faster start: one the disk refuses is logged (once per distinct error) and
  // tried again later; the journal alone still rebuilds the world.
  const snapshot = (force: boolean) => {
    if (!force && sim.eventCount - lastSnapshotEvents < snapshotEvery) return;
    if (sim.now === lastSnapshotAt || !origin) return;
    const taken = captureSnapshot(sim);
    if (typeof taken === 'string') return;
    try {
      writeSnapshotFile(snapshotFile, origin, commandsDigest, taken);
      lastSnapshotAt = taken.now;
      lastSnapshotEvents = taken.processed;
      lastSnapshotError = null;
    } catch (error) {
      // Keyed by the error's code: its message names a fresh temporary file each time.
      const key = (error as NodeJS.ErrnoException).code ?? String(error);
      if (key !== lastSnapshotError) {
        options.logger.warn(`The lab's snapshot ${snapshotFile} could not be written (${error instanceof Error ? error.message : String(error)}); the lab goes on, and a restart replays its journal.`);
      }
      lastSnapshotError = key;
    }
  };

  // On disk before the command acts: a command that was never written never happened.
  const write = (record: JournalRecord) => {
    journal?.append(record);
    try {
      journal?.flush();
    } catch (error) {
      // Refused (the disk is full): the command does not act, so it must never be written later either.
      journal?.unqueue((queued) => queued === record);
      throw error;
    }
    lastWritten = record.at;
    if (record.cmd !== 'tick') commandsDigest.add(record);
  };

  async function replay(): Promise<void> {
    try {
      const stale = removeStaleTemporaries(snapshotFile);
      if (stale.length > 0) options.logger.info(`Removed ${stale.length} half-written snapshot file${stale.length === 1 ? '' : 's'} a stopped console left: ${stale.join(', ')}.`);
    } catch (error) {
      options.logger.warn(`Half-written snapshot files beside ${snapshotFile} could not be removed (${error instanceof Error ? error.message : String(error)}).`);
    }
    const atRest = captureSnapshot(sim);
    if (typeof atRest !== 'string') {
      initial = atRest;
      origin = { seed: options.seed, vmCount: options.vmCount, origin: originOf(atRest) };
    }
    const read = readKeepingAside(file, parseRecord, { what: 'a lab journal record', tornTail: 'cut', logger: options.logger });
    const start = sim.now;
    const { records, keptAside } = refuseImpossibleTimes(file, read.records, start, options.logger);
    const commandRecords = records.filter((r) => r.cmd !== 'tick');
    for (const record of commandRecords) commandsDigest.add(record);
    if (records.length === 0) return;
    const started = Date.now();
    const resumed = resumeFromSnapshot(commandRecords);
    let skip = resumed?.commands ?? 0;
    let commands = 0;
    // Commands still settling (a migration awaiting simulated time): while any is, time advances
    // one event at a time so each reacts at the instant it did live; while none is, the world
    // runs only its own synchronous events, and one jump to the next record does the same work.
    let settling = 0;
    const stepwise = () => settling > 0;
    for (const record of records) {
      if (record.cmd !== 'tick' && skip > 0) { skip -= 1; continue; }
      await advanceTo(sim, record.at, stepwise);
      if (!COMMANDS.has(record.cmd)) continue;
      commands += 1;
      const method = (backend as unknown as Record<string, (...args: unknown[]) => unknown>)[record.cmd]!;
      try {
        const result = method.apply(backend, record.args ?? []);
        // Refusals were refusals the first time too; replay only needs the same effects.
        if (result instanceof Promise) {
          settling += 1;
          result.then(() => { settling -= 1; }, () => { settling -= 1; });
        }
      } catch { /* as above */ }
    }
    await advanceTo(sim, records.at(-1)!.at, stepwise);
    if (read.keptAside && keptAside) compact(file, records, start, options.logger);
    sim.flushPatches();
    sim.drainEvents();
    const from = resumed ? `a snapshot at ${new Date(resumed.at).toISOString()} and ` : '';
    options.logger.info(`Lab restored from ${from}${file}: ${commands} commands replayed up to ${new Date(sim.now).toISOString()} in ${Date.now() - started} ms`);
    // The next start need not replay this stretch again.
    snapshot(false);
  }

  /** Puts the newest usable snapshot's world in place; null (with a warning) to replay from the seed. */
  function resumeFromSnapshot(commandRecords: readonly ReadRecord[]): { commands: number; at: number } | null {
    if (!origin || !initial) return null;
    const read = readSnapshotFile(snapshotFile, origin, commandRecords);
    if (!read.snapshot) {
      if (read.reason) options.logger.warn(`The lab's snapshot ${snapshotFile} is not used: ${read.reason}. The journal is replayed from the start.`);
      return null;
    }
    // A snapshot that fails half-way through restoring must not leave half a world: the world as
    // constructed is put back, and the journal replayed from the start.
    try {
      restoreSnapshot(sim, read.snapshot);
    } catch (error) {
      restoreSnapshot(sim, initial);
      options.logger.warn(`The lab's snapshot ${snapshotFile} could not be restored (${error instanceof Error ? error.message : String(error)}). The journal is replayed from the start.`);
      return null;
    }
    lastSnapshotAt = read.snapshot.now;
    lastSnapshotEvents = read.snapshot.processed;
    return { commands: read.commands, at: read.snapshot.now };
  }

  return new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'load') {
        return async () => {
          await replay();
          initial = null; // only needed to put a half-restored world back
          // A torn last line (killed mid-write, before its command acted) is cut: replay warned of it.
          journal = openDurableAppend<JournalRecord>({ file, what: 'the lab journal', tornTail: 'cut' });
          lastWritten = sim.now;
          return target.load();
        };
      }
      if (property === 'start') {
        return (onPatches: Parameters<LabBackend['start']>[0]) => {
          target.start(onPatches);
          const tick = () => {
            // A checkpoint the disk refuses is only a later resume point: logged, tried next time.
            try {
              if (sim.now > lastWritten) write({ at: sim.now, cmd: 'tick' });
            } catch (error) {
              options.logger.error(error instanceof Error ? error.message : String(error));
            }
            snapshot(false);
            checkpoint = options.clock.setTimeout(tick, CHECKPOINT_MS);
          };
          checkpoint = options.clock.setTimeout(tick, CHECKPOINT_MS);
        };
      }
      if (property === 'dispose') {
        return async () => {
          checkpoint?.cancel();
          try {
            if (sim.now > lastWritten) write({ at: sim.now, cmd: 'tick' });
          } catch (error) {
            options.logger.error(error instanceof Error ? error.message : String(error));
          }
          snapshot(true);
          journal?.close();
          journal = null;
          await target.dispose();
        };
      }
      if (typeof property === 'string' && COMMANDS.has(property) && typeof value === 'function') {
        return (...args: unknown[]) => {
          write({ at: sim.now, cmd: property, args });
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return value;
    },
  });
}

/**
 * Records whose time cannot be (before the one before it, or more than MAX_RECORD_STEP_MS after it)
 * are kept aside like unreadable lines and not replayed: the rest of the lab still comes back.
 */
function refuseImpossibleTimes(file: string, records: ReadRecord[], start: number, logger: LoggerPort): { records: ReadRecord[]; keptAside: boolean } {
  const kept: ReadRecord[] = [];
  const refused: { line: number; reason: string; text: string }[] = [];
  let last = start;
  for (const record of records) {
    if (record.at < last || record.at - last > MAX_RECORD_STEP_MS) {
      const { line, ...stored } = record;
      refused.push({ line, reason: `a lab journal record at an impossible time (${record.at}, the one before was at ${last}): not replayed`, text: JSON.stringify(stored) });
      continue;
    }
    kept.push(record);
    last = record.at;
  }
  if (refused.length > 0) {
    logger.error(`${file}: ${refused.length} record${refused.length === 1 ? '' : 's'} at an impossible time kept aside and not replayed.`);
    try {
      keepAside(file, refused);
    } catch (error) {
      logger.error(`${file}: could not keep them aside (${String(error)}).`);
      return { records: kept, keptAside: false };
    }
  }
  return { records: kept, keptAside: true };
}

/**
 * Rewrites the journal as replay needs it: every command at its time, and the last checkpoint.
 * The checkpoints in between only marked time (one a second of wall time while the lab ran), so a
 * journal grows with the commands given, not with the hours the lab ran. A checkpoint is kept where
 * dropping it would leave a step longer than MAX_RECORD_STEP_MS (a week at 'max' with no command):
 * the next start would refuse that step as impossible and lose the week.
 */
function compact(file: string, records: ReadRecord[], start: number, logger: LoggerPort): void {
  const last = records.at(-1)!;
  const kept: ReadRecord[] = [];
  let keptAt = start;
  records.forEach((record, i) => {
    const next = records[i + 1];
    if (record.cmd === 'tick' && record !== last && next && next.at - keptAt <= MAX_RECORD_STEP_MS) return;
    kept.push(record);
    keptAt = record.at;
  });
  if (kept.length === records.length) return;
  try {
    rewriteFile(file, kept.map(({ line: _line, ...r }) => `${JSON.stringify(r)}\n`).join(''));
  } catch (error) {
    logger.warn(`${file} could not be compacted (${error instanceof Error ? error.message : String(error)}); it is replayed as it is.`);
  }
}

/** One event time at a time, letting reactions settle in between, as the live driver does at 'max'. */
async function advanceTo(sim: LabSimulation, time: number, stepwise: () => boolean): Promise<void> {
  while (sim.now < time) {
    if (!stepwise()) {
      sim.runUntil(time);
      await new Promise<void>((resolve) => setImmediate(resolve));
      continue;
    }
    const next = sim.nextEventAt();
    sim.runUntil(next === null || next > time ? time : next);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
