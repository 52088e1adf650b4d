import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
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
  readonly file: string;
  private fd: number | null;
  private seq: number;
  private readonly pending = new Map<string, JournalEntry>();
  private scheduled = false;
  private readonly now: () => number;
  syncs = 0;

  /** Opens (and compacts) the journal; `entries` is what it held, the last state of each operation. */
  constructor(file: string, now: () => number) {
    this.file = file;
    this.now = now;
    mkdirSync(dirname(file), { recursive: true });
    const { entries, seq } = readOperationsJournal(file);
    this.entries = entries;
    this.seq = seq;
    compact(file, entries, now());
    this.fd = openSync(file, 'a');
  }

  readonly entries: JournalEntry[];

  record(entry: JournalEntry): void {
    if (this.fd === null) return;
    const trimmed = { ...entry, op: { ...entry.op, events: entry.op.events.slice(-JOURNAL_EVENTS) } } as JournalEntry;
    this.pending.delete(entry.op.id);
    this.pending.set(entry.op.id, trimmed);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0 || this.fd === null) return;
    const wrote = this.now();
    let text = '';
    for (const entry of this.pending.values()) text += `${JSON.stringify({ seq: ++this.seq, wrote, entry })}\n`;
    this.pending.clear();
    writeSync(this.fd, text);
    fsyncSync(this.fd);
    this.syncs += 1;
  }

  /** Stops writing. Without flush, what was not yet written is lost, as in a crash. */
  close(options: { flush: boolean } = { flush: true }): void {
    if (options.flush) this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.pending.clear();
  }
}

/** The last state of every operation in the file; a torn last line (killed mid-write) is dropped. */
export function readOperationsJournal(file: string): { entries: JournalEntry[]; seq: number } {
  if (!existsSync(file)) return { entries: [], seq: 0 };
  const lines = readFileSync(file, 'utf8').split('\n');
  const last = new Map<string, JournalEntry>();
  let seq = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      if (lines.slice(i + 1).some((l) => l.length > 0)) throw new Error(`${file}: line ${i + 1} is not JSON, and records follow it.`);
      break;
    }
    const record = RecordSchema.safeParse(parsed);
    if (!record.success) throw new Error(`${file}: line ${i + 1} is not a migration journal record (${record.error.issues[0]?.path.join('.') ?? ''}: ${record.error.issues[0]?.message ?? 'invalid'}).`);
    seq = Math.max(seq, record.data.seq);
    last.delete(record.data.entry.op.id);
    last.set(record.data.entry.op.id, record.data.entry);
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
