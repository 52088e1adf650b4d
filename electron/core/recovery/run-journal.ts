import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describeZodError } from '../../../shared/contract/errors.ts';
import { RunChangeSchema, type RunChange } from '../../../shared/model/recovery-run.ts';
import { openDurableAppend, type AppendIo, type DurableAppend } from '../journal/durable-append.ts';
import { readKeepingAside, type KeptAsideRead } from '../journal/quarantine.ts';
import type { LoggerPort } from '../ports.ts';

export interface JournalRecord {
  seq: number;
  /** Wall-clock epoch ms the record was written. */
  wrote: number;
  change: RunChange;
}

/**
 * One run's journal: JSONL, fsync'd. Changes recorded in one burst of work are coalesced per
 * entity and written with one fsync at the end of the burst; only then are listeners told, so
 * nobody ever hears of a transition a crash could take back. A torn last line (killed mid-write,
 * so never told) is cut when the run is opened again.
 */
export class RunJournal {
  private readonly journal: DurableAppend<RunChange>;
  private seq: number;

  constructor(file: string, lastSeq: number, now: () => number, onDurable: (changes: RunChange[], seq: number) => void, onError?: (error: Error) => void, io?: AppendIo) {
    this.seq = lastSeq;
    let wrote = 0;
    this.journal = openDurableAppend<RunChange>({
      file, what: 'the run journal', tornTail: 'cut', afterClose: 'ignore',
      key: changeKey,
      encode: (changes) => {
        wrote = now();
        return changes.map((change, i) => `${JSON.stringify({ seq: this.seq + i + 1, wrote, change } satisfies JournalRecord)}\n`).join('');
      },
      onDurable: (changes) => {
        this.seq += changes.length;
        onDurable(changes, this.seq);
      },
      // Not on disk (disk full): kept queued and tried again; listeners hear nothing until it is.
      ...(onError ? { onError } : {}),
      ...(io ? { io } : {}),
    });
  }

  get file(): string { return this.journal.file; }
  get lastSeq(): number { return this.seq; }
  /** fsyncs so far: the bench reports it. */
  get syncs(): number { return this.journal.syncs; }

  record(change: RunChange): void {
    this.journal.append(change);
  }

  flush(): void {
    this.journal.flush();
  }

  /** Stops writing; whatever was not flushed is lost, as it would be in a crash. */
  close(options: { flush: boolean } = { flush: true }): void {
    this.journal.close(options);
  }
}

/** Changes to one entity coalesce within a burst; each sign-off is its own entity, so none replaces another. */
function changeKey(change: RunChange): string {
  switch (change.type) {
    case 'run': return 'run';
    case 'group': return `g${change.value.index}`;
    case 'vm': return `v${change.value.name}`;
    case 'checklist': return 'checklist';
    case 'signoff': return `s${change.value.id}`;
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

/**
 * Every intact record; a torn last line (the crash happened mid-write, never told) is dropped, and
 * damaged lines are kept aside and returned in `damaged`: the run is then shown as needing attention.
 */
export function readJournal(file: string, logger: LoggerPort): KeptAsideRead<JournalRecord> {
  return readKeepingAside(file, (value) => {
    const record = value as JournalRecord;
    const change = RunChangeSchema.safeParse(record?.change);
    if (!change.success) throw new Error(describeZodError(change.error).message);
    if (typeof record.seq !== 'number') throw new Error('seq: not a number');
    return { seq: record.seq, wrote: record.wrote, change: change.data };
  }, { what: 'a run journal record', tornTail: 'cut', logger });
}
