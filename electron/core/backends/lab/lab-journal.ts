import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { openDurableAppend, type DurableAppend } from '../../journal/durable-append.ts';
import { readJsonLines } from '../../journal/read-json-lines.ts';
import type { ClockPort, LoggerPort, TimerHandle } from '../../ports.ts';
import type { LabBackend } from './lab-backend.ts';
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

interface JournalRecord { at: number; cmd: string; args?: unknown[] }

export interface LabJournalOptions {
  dir: string;
  seed: number;
  vmCount: number;
  clock: ClockPort;
  logger: LoggerPort;
}

/** The lab with its commands journaled (fsync, before they act) and replayed on load. */
export function journaledLab(backend: LabBackend, sim: LabSimulation, options: LabJournalOptions): LabBackend {
  mkdirSync(options.dir, { recursive: true });
  const file = join(options.dir, `lab-seed${options.seed}-vms${options.vmCount}.jsonl`);
  let journal: DurableAppend<JournalRecord> | null = null;
  let checkpoint: TimerHandle | null = null;
  let lastWritten = sim.now;

  // On disk before the command acts: a command that was never written never happened.
  const write = (record: JournalRecord) => {
    journal?.append(record);
    journal?.flush();
    lastWritten = record.at;
  };

  async function replay(): Promise<void> {
    const { records, skipped } = readJsonLines(file, (value) => value as JournalRecord);
    for (const bad of skipped) options.logger.warn(`${file}, line ${bad.line}: not a lab journal record, skipped (${bad.reason})`);
    if (records.length === 0) return;
    const started = Date.now();
    let commands = 0;
    for (const record of records) {
      if (typeof record.at !== 'number' || typeof record.cmd !== 'string') continue;
      await advanceTo(sim, record.at);
      if (!COMMANDS.has(record.cmd)) continue;
      commands += 1;
      const method = (backend as unknown as Record<string, (...args: unknown[]) => unknown>)[record.cmd]!;
      try {
        const result = method.apply(backend, record.args ?? []);
        // Refusals were refusals the first time too; replay only needs the same effects.
        if (result instanceof Promise) result.catch(() => {});
      } catch { /* as above */ }
    }
    await advanceTo(sim, Math.max(...records.map((r) => (typeof r.at === 'number' ? r.at : 0))));
    sim.flushPatches();
    sim.drainEvents();
    options.logger.info(`Lab restored from ${file}: ${commands} commands replayed up to ${new Date(sim.now).toISOString()} in ${Date.now() - started} ms`);
  }

  return new Proxy(backend, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'load') {
        return async () => {
          await replay();
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
            if (sim.now > lastWritten) write({ at: sim.now, cmd: 'tick' });
            checkpoint = options.clock.setTimeout(tick, CHECKPOINT_MS);
          };
          checkpoint = options.clock.setTimeout(tick, CHECKPOINT_MS);
        };
      }
      if (property === 'dispose') {
        return async () => {
          checkpoint?.cancel();
          if (sim.now > lastWritten) write({ at: sim.now, cmd: 'tick' });
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

/** One event time at a time, letting reactions settle in between, as the live driver does at 'max'. */
async function advanceTo(sim: LabSimulation, time: number): Promise<void> {
  while (sim.now < time) {
    const next = sim.nextEventAt();
    sim.runUntil(next === null || next > time ? time : next);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
