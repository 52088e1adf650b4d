import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { describeZodError } from '../../../shared/contract/errors.ts';
import { openDurableAppend, type DurableAppend } from '../journal/durable-append.ts';
import { readJsonLines } from '../journal/read-json-lines.ts';
import { DrainOperationSchema, DrainOptionsSchema, RollingOperationSchema } from '../../../shared/model/migration.ts';

/**
 * Drains and rolling maintenances, journaled so a console killed mid-drain picks them up again.
 * One JSONL file, append-only, fsync'd; each record is the whole state of one operation (small:
 * events are trimmed), so the last record of an id is its state. Changes within one burst of work
 * are coalesced per operation and written with one fsync.
 */
export const DrainEntrySchema = z.object({
  kind: z.literal('drain'),
  op: DrainOperationSchema,
  options: DrainOptionsSchema,
  /** VMs this drain moved off its node (record ids): a rolling maintenance fails them back. */
  moved: z.array(z.string()),
});
export const RollingEntrySchema = z.object({
  kind: z.literal('rolling'),
  op: RollingOperationSchema,
});
export const JournalEntrySchema = z.discriminatedUnion('kind', [DrainEntrySchema, RollingEntrySchema]);
export type DrainEntry = z.infer<typeof DrainEntrySchema>;
export type RollingEntry = z.infer<typeof RollingEntrySchema>;
export type JournalEntry = z.infer<typeof JournalEntrySchema>;

const RecordSchema = z.object({ seq: z.number().int(), wrote: z.number(), entry: JournalEntrySchema });

/** Journal records keep this many events per operation: enough to tell what happened. */
export const JOURNAL_EVENTS = 40;
/** Finished operations carried over when the file is compacted on start. */
const KEEP_FINISHED = 50;

export function operationsJournalFile(dataDir: string): string {
  return join(dataDir, 'migrations', 'operations.jsonl');
}

export class OperationJournal {
  private readonly journal: DurableAppend<JournalEntry>;
  private seq: number;

  /** Opens (and compacts) the journal; `entries` is what it held, the last state of each operation. */
  constructor(file: string, now: () => number) {
    mkdirSync(dirname(file), { recursive: true });
    const { entries, seq } = readOperationsJournal(file);
    this.entries = entries;
    this.seq = seq;
    compact(file, entries, now());
    this.journal = openDurableAppend<JournalEntry>({
      // Compaction already rewrote the file whole; a torn tail can only be one a failed write left.
      file, what: 'the migration journal', tornTail: 'cut', afterClose: 'ignore',
      key: (entry) => entry.op.id,
      encode: (entries) => {
        const wrote = now();
        return entries.map((entry, i) => `${JSON.stringify({ seq: this.seq + i + 1, wrote, entry })}\n`).join('');
      },
      onDurable: (entries) => { this.seq += entries.length; },
    });
  }

  readonly entries: JournalEntry[];

  get file(): string { return this.journal.file; }
  get syncs(): number { return this.journal.syncs; }

  record(entry: JournalEntry): void {
    this.journal.append({ ...entry, op: { ...entry.op, events: entry.op.events.slice(-JOURNAL_EVENTS) } } as JournalEntry);
  }

  flush(): void {
    this.journal.flush();
  }

  /** Stops writing. Without flush, what was not yet written is lost, as in a crash. */
  close(options: { flush: boolean } = { flush: true }): void {
    this.journal.close(options);
  }
}

/** The last state of every operation in the file; a torn last line (killed mid-write) is dropped. */
export function readOperationsJournal(file: string): { entries: JournalEntry[]; seq: number } {
  const { records } = readJsonLines(file, (value) => {
    const record = RecordSchema.safeParse(value);
    if (!record.success) throw new Error(describeZodError(record.error).message);
    return record.data;
  }, { badLines: 'strict', what: 'a migration journal record' });
  const last = new Map<string, JournalEntry>();
  let seq = 0;
  for (const record of records) {
    seq = Math.max(seq, record.seq);
    last.delete(record.entry.op.id);
    last.set(record.entry.op.id, record.entry);
  }
  return { entries: [...last.values()], seq };
}

function isFinalEntry(entry: JournalEntry): boolean {
  return entry.op.status === 'completed' || entry.op.status === 'failed' || entry.op.status === 'cancelled';
}

/** Rewrites the file with one record per operation (unfinished ones and the latest finished). */
function compact(file: string, entries: JournalEntry[], now: number): void {
  if (!existsSync(file)) return;
  const finished = entries.filter(isFinalEntry);
  // A drain of an unfinished rolling maintenance holds what that maintenance fails back.
  const openRollings = new Set(entries.filter((e) => e.kind === 'rolling' && !isFinalEntry(e)).map((e) => e.op.id));
  const ofOpenRolling = (e: JournalEntry) => e.kind === 'drain' && e.op.parentId !== null && openRollings.has(e.op.parentId);
  const keep = new Set([...entries.filter((e) => !isFinalEntry(e) || ofOpenRolling(e)), ...finished.slice(-KEEP_FINISHED)]);
  const kept = entries.filter((e) => keep.has(e));
  entries.splice(0, entries.length, ...kept);
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  let seq = 0;
  writeSync(fd, kept.map((entry) => `${JSON.stringify({ seq: ++seq, wrote: now, entry })}\n`).join(''));
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
}
