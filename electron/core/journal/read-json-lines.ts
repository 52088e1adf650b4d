import { existsSync, readFileSync, statSync } from 'node:fs';

/** A line that is not a record: where it was, why, and its text (kept aside, never lost). */
export interface BadLine {
  line: number;
  reason: string;
  text: string;
  /** The last line, without its newline: a write the process died in (never acknowledged). */
  torn: boolean;
}

export interface ReadResult<T> {
  records: T[];
  /** Lines that were not valid records (a torn last write after a crash, a hand edit, a bad disk sector). */
  skipped: BadLine[];
}

/**
 * Reads a JSON-lines journal; `parse` validates one record and throws, with a reason, when it is not
 * one. A bad line never stops the read: it is returned in `skipped` for the caller to keep aside
 * (journal/quarantine.ts) and report, and every intact line before and after it still counts.
 * `tornTail` is the journal's policy (durable-append): with `cut`, a last line without its newline
 * is skipped even if it parses, since opening the journal for append cuts it.
 */
export function readJsonLines<T>(file: string, parse: (value: unknown, line: number) => T, options: { tornTail?: 'cut' | 'newline' } = {}): ReadResult<T> {
  if (!existsSync(file)) return { records: [], skipped: [] };
  // A journal path that is not a regular file (a device such as /dev/full standing in for a full disk, a
  // FIFO) holds no records, and reading one to its end would never finish or exhaust memory.
  if (!statSync(file).isFile()) return { records: [], skipped: [] };
  const records: T[] = [];
  const skipped: BadLine[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  // A file that ends with '\n' splits into a last empty string; anything else there was torn.
  const last = lines.length - 1;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '') continue;
    if (i === last && options.tornTail === 'cut') {
      // Even when it parses, it is cut on open (durable-append): replaying it would hold in memory
      // what the file will not have after the next start.
      skipped.push({ line: i + 1, reason: 'the last line has no newline (the write was cut short)', text, torn: true });
      continue;
    }
    const bad = (error: unknown) => skipped.push({ line: i + 1, reason: firstLine(error), text, torn: i === last });
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      bad(`not JSON (${firstLine(error)})`);
      continue;
    }
    try {
      records.push(parse(value, i + 1));
    } catch (error) {
      bad(error);
    }
  }
  return { records, skipped };
}

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
