import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { RunChangeSchema, type RunChange } from '../../../shared/model/recovery-run.ts';

export interface JournalRecord {
  seq: number;
  /** Wall-clock epoch ms the record was written. */
  wrote: number;
  change: RunChange;
}

/**
 * One run's journal: JSONL, fsync'd. Changes recorded in one burst of work are coalesced per
 * entity and written with one fsync at the end of the burst; only then are listeners told, so
 * nobody ever hears of a transition a crash could take back.
 */
export class RunJournal {
  readonly file: string;
  private fd: number | null;
  private seq: number;
  private pending = new Map<string, RunChange>();
  private scheduled = false;
  private readonly onDurable: (changes: RunChange[], seq: number) => void;
  private readonly now: () => number;
  /** fsyncs so far: the bench reports it. */
  syncs = 0;

  constructor(file: string, lastSeq: number, now: () => number, onDurable: (changes: RunChange[], seq: number) => void) {
    this.file = file;
    mkdirSync(dirname(file), { recursive: true });
    this.fd = openSync(file, 'a');
    this.seq = lastSeq;
    this.now = now;
    this.onDurable = onDurable;
  }

  get lastSeq(): number { return this.seq; }

  record(change: RunChange): void {
    const key = change.type === 'run' ? 'run' : change.type === 'group' ? `g${change.value.index}` : `v${change.value.name}`;
    this.pending.delete(key); // re-insert so the file keeps the order things last changed in
    this.pending.set(key, change);
    if (!this.scheduled && this.fd !== null) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  flush(): void {
    this.scheduled = false;
    if (this.pending.size === 0 || this.fd === null) return;
    const changes = [...this.pending.values()];
    this.pending.clear();
    const wrote = this.now();
    let text = '';
    for (const change of changes) {
      this.seq += 1;
      text += `${JSON.stringify({ seq: this.seq, wrote, change } satisfies JournalRecord)}\n`;
    }
    writeSync(this.fd, text);
    fsyncSync(this.fd);
    this.syncs += 1;
    this.onDurable(changes, this.seq);
  }

  /** Stops writing; whatever was not flushed is lost, as it would be in a crash. */
  close(options: { flush: boolean } = { flush: true }): void {
    if (options.flush) this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    this.pending.clear();
  }
}

export function runsDir(dataDir: string): string {
  return join(dataDir, 'runs');
}

export function journalFile(dataDir: string, runId: string): string {
  return join(runsDir(dataDir), `${runId}.jsonl`);
}

export function listJournals(dataDir: string): string[] {
  const dir = runsDir(dataDir);
  mkdirSync(dir, { recursive: true });
  return readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort().map((f) => join(dir, f));
}

/** Every intact record; a torn last line (the crash happened mid-write) is dropped. */
export function readJournal(file: string): JournalRecord[] {
  if (!existsSync(file)) return [];
  const out: JournalRecord[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
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
    const record = parsed as JournalRecord;
    const change = RunChangeSchema.safeParse(record.change);
    if (!change.success || typeof record.seq !== 'number') throw new Error(`${file}: line ${i + 1} is not a run journal record.`);
    out.push({ seq: record.seq, wrote: record.wrote, change: change.data });
  }
  return out;
}
