import { existsSync, readFileSync } from 'node:fs';

export interface ReadResult<T> {
  records: T[];
  /** Lines that were not valid records (a torn last write after a crash, a hand edit), with their line numbers. */
  skipped: { line: number; reason: string }[];
}

/**
 * How a reader treats a line that is not a record:
 * - `skip`: report it and go on (the alert and lab journals, the audit log: every intact line counts).
 * - `strict`: only a torn last line (not JSON, nothing after it) is skipped; anything else throws,
 *   naming the file, the line and `what` the line should have been (run and migration journals,
 *   whose records are state a resumed run must not silently lose).
 */
export type BadLinePolicy = { badLines: 'skip' } | { badLines: 'strict'; what: string };

/** Reads a JSON-lines journal; `parse` validates one record and throws, with a reason, when it is not one. */
export function readJsonLines<T>(file: string, parse: (value: unknown) => T, policy: BadLinePolicy = { badLines: 'skip' }): ReadResult<T> {
  if (!existsSync(file)) return { records: [], skipped: [] };
  const records: T[] = [];
  const skipped: { line: number; reason: string }[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      if (policy.badLines === 'strict' && lines.slice(i + 1).some((l) => l.trim() !== '')) throw new Error(`${file}: line ${i + 1} is not JSON, and records follow it.`, { cause: error });
      skipped.push({ line: i + 1, reason: firstLine(error) });
      continue;
    }
    try {
      records.push(parse(value));
    } catch (error) {
      if (policy.badLines === 'strict') throw new Error(`${file}: line ${i + 1} is not ${policy.what} (${firstLine(error)}).`, { cause: error });
      skipped.push({ line: i + 1, reason: firstLine(error) });
    }
  }
  return { records, skipped };
}

function firstLine(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0]! : String(error);
}
