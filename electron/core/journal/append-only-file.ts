import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';

export interface AppendOnlyFile<T> {
  /** Returns once the record is on disk (fsync): callers tell the UI only after this. */
  append(record: T): void;
  close(): void;
}

export interface ReadResult<T> {
  records: T[];
  /** Lines that were not valid records (a torn last write after a crash, a hand edit), with their line numbers. */
  skipped: { line: number; reason: string }[];
}

/** Reads a JSON-lines file; invalid lines are reported, never silently dropped and never fatal. */
export function readJsonLines<T>(file: string, parse: (value: unknown) => T): ReadResult<T> {
  if (!existsSync(file)) return { records: [], skipped: [] };
  const records: T[] = [];
  const skipped: { line: number; reason: string }[] = [];
  readFileSync(file, 'utf8').split('\n').forEach((text, index) => {
    if (text.trim() === '') return;
    try {
      records.push(parse(JSON.parse(text)));
    } catch (error) {
      skipped.push({ line: index + 1, reason: error instanceof Error ? error.message.split('\n')[0]! : String(error) });
    }
  });
  return { records, skipped };
}

/** Appends one JSON record per line and fsyncs each, so what was acknowledged survives a crash. */
export function openAppendOnlyFile<T>(file: string): AppendOnlyFile<T> {
  const fd = openSync(file, 'a');
  let open = true;
  return {
    append(record) {
      if (!open) throw new Error(`${file} is closed`);
      writeSync(fd, `${JSON.stringify(record)}\n`);
      fsyncSync(fd);
    },
    close() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
  };
}
