import { closeSync, constants, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { ContractError } from '../../../shared/contract/errors.ts';

/**
 * What to do, on open, with a last line that has no newline (the process died mid-write):
 * - `cut`: truncate it. It was never acknowledged (nobody is told before the fsync), so nothing
 *   anyone heard of is lost, and readers never meet it again.
 * - `newline`: keep its bytes as evidence and end the line, so the next record starts on a line of
 *   its own and a reader that skips bad lines skips only the torn one.
 * Either way the first record written after a crash is never glued onto the torn one.
 */
export type TornTailPolicy = 'cut' | 'newline';

export interface DurableAppendOptions<T> {
  file: string;
  /** What the file is, for the sentence the operator reads: "the audit log", "the run journal". */
  what: string;
  tornTail: TornTailPolicy;
  /** Records queued with the same key replace each other (last one wins, moved to the end). */
  key?: (record: T) => string;
  /** The text of one batch; default one JSON line per record. Called again if a write is retried. */
  encode?: (records: T[]) => string;
  /** Told once the records are on disk (after fsync), in order: only now may anyone hear of them. */
  onDurable?: (records: T[]) => void;
  /**
   * A flush at the end of a burst failed and there is no caller to throw to. The records stay
   * queued (the file is cut back to its last durable byte) and the next flush tries again.
   * Without it, such a failure throws (an uncaught error, as any bug would be).
   */
  onError?: (error: SaveError) => void;
  /** An append after close: refused with an error (default), or dropped, as a crash would drop it. */
  afterClose?: 'throw' | 'ignore';
  /** The writes and fsyncs; tests inject a disk that fills up. */
  io?: AppendIo;
}

/** The two calls that put a batch on disk. */
export interface AppendIo {
  writeSync(fd: number, buffer: Buffer, offset: number, length: number, position: number): number;
  fsyncSync(fd: number): void;
}

const FS_IO: AppendIo = { writeSync, fsyncSync };

/** A journal that appends records durably: coalesced per microtask burst, one write and one fsync each. */
export interface DurableAppend<T> {
  readonly file: string;
  /** Queues the record; it is written with everything else queued in this burst of work. */
  append(record: T): void;
  /** Writes and fsyncs what is queued, now. Throws SaveError; queued records are kept. */
  flush(): void;
  /**
   * Takes queued records back before they are written: what they record did not happen after all
   * (their write failed and the operation was refused), so no later flush may bring them back.
   */
  unqueue(match: (record: T) => boolean): void;
  /** fsyncs so far (benches report them). */
  readonly syncs: number;
  /** Stops writing. Without flush, what was queued is lost, as in a crash. A failed last flush goes to onError when given. */
  close(options?: { flush: boolean }): void;
}

/** Saving failed (a write, an fsync): the message is a sentence for the operator, so it crosses the transports. */
export class SaveError extends ContractError {
  constructor(what: string, where: string, cause: unknown) {
    super('internal', `Could not save ${what}: ${describeIoError(cause)}.`, where);
    this.name = 'SaveError';
    this.cause = cause;
  }
}

/** Opens (creating folders) a JSON-lines journal for appending, after applying its torn-tail policy. */
export function openDurableAppend<T>(options: DurableAppendOptions<T>): DurableAppend<T> {
  const { file, what } = options;
  const encode = options.encode ?? ((records: T[]) => records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const io = options.io ?? FS_IO;
  let fd: number | null;
  /** Bytes known to be durable: a failed write is cut back to here so a retry does not tear the file. */
  let size: number;
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Read-write at offsets we keep, not O_APPEND: Windows does not let an append-only handle truncate.
    fd = openSync(file, constants.O_RDWR | constants.O_CREAT);
    size = repairTornTail(fd, options.tornTail);
  } catch (error) {
    throw new SaveError(what, file, error);
  }
  const keyed = new Map<string, T>();
  let queue: T[] = [];
  let scheduled = false;
  let syncs = 0;

  const queued = (): T[] => (options.key ? [...keyed.values()] : queue);
  /** A write with no caller waiting for it (end of a burst, close): onError hears of it when given. */
  const writeUnattended = () => {
    try {
      write();
    } catch (error) {
      if (!options.onError || !(error instanceof SaveError)) throw error;
      options.onError(error);
    }
  };

  function write(): void {
    scheduled = false;
    const records = queued();
    if (records.length === 0 || fd === null) return;
    const bytes = Buffer.from(encode(records), 'utf8');
    try {
      for (let at = 0; at < bytes.length;) at += io.writeSync(fd, bytes, at, bytes.length - at, size + at);
      io.fsyncSync(fd);
    } catch (error) {
      try { ftruncateSync(fd, size); } catch { /* the disk refuses even that: the reader copes with a torn tail */ }
      throw new SaveError(what, file, error);
    }
    size += bytes.length;
    syncs += 1;
    keyed.clear();
    queue = [];
    options.onDurable?.(records);
  }

  return {
    file,
    get syncs() { return syncs; },
    append(record) {
      if (fd === null) {
        if (options.afterClose === 'ignore') return;
        throw new SaveError(what, file, new Error('it is closed'));
      }
      if (options.key) {
        const key = options.key(record);
        keyed.delete(key); // re-insert: the file keeps the order things last changed in
        keyed.set(key, record);
      } else {
        queue.push(record);
      }
      if (scheduled) return;
      scheduled = true;
      queueMicrotask(() => { if (scheduled) writeUnattended(); });
    },
    flush: write,
    unqueue(match) {
      for (const [key, record] of keyed) if (match(record)) keyed.delete(key);
      queue = queue.filter((record) => !match(record));
    },
    close(closeOptions = { flush: true }) {
      if (fd === null) return;
      try {
        if (closeOptions.flush) writeUnattended();
      } finally {
        closeSync(fd);
        fd = null;
        keyed.clear();
        queue = [];
      }
    },
  };
}

/** Applies the policy to a last line without its newline; returns the file's length afterwards. */
function repairTornTail(fd: number, policy: TornTailPolicy): number {
  const size = fstatSync(fd).size;
  if (size === 0 || lastNewline(fd, size, size - 1) === size - 1) return size;
  if (policy === 'newline') {
    writeSync(fd, '\n', size, 'utf8');
    fsyncSync(fd);
    return size + 1;
  }
  const keep = lastNewline(fd, size, 0) + 1;
  ftruncateSync(fd, keep);
  fsyncSync(fd);
  return keep;
}

/** Offset of the last '\n' at or after `from`, reading backwards from the end; -1 when there is none. */
function lastNewline(fd: number, size: number, from: number): number {
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > from;) {
    const start = Math.max(from, end - chunk.length);
    const read = readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, read).lastIndexOf(0x0a);
    if (at >= 0) return start + at;
    end = start;
  }
  return -1;
}

const IO_ERRORS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the disk is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'the disk reported an input/output error',
  EMFILE: 'too many files are open',
};

export function describeIoError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code && IO_ERRORS[code]) return `${IO_ERRORS[code]} (${code})`;
  return error instanceof Error ? error.message : String(error);
}
