import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataProblem } from '../../../shared/model/data-problems.ts';
import type { LoggerPort } from '../ports.ts';
import { readJsonLines, type BadLine, type ReadResult } from './read-json-lines.ts';
import type { TornTailPolicy } from './durable-append.ts';

/**
 * What the console could not read is kept aside, never dropped: each journal's unreadable lines go
 * to `<journal>.quarantined` (JSON lines: the file, the line number, why, the text) and a file that
 * could not be read at all is renamed beside itself and named there. The console starts with the
 * rest; session.info lists what is kept aside so the operator sees it (file and line) until the
 * quarantine file is dealt with.
 */
export const QUARANTINE_SUFFIX = '.quarantined';

interface KeptRecord {
  file: string;
  line: number | null;
  reason: string;
  text: string;
  /** Where the bytes are now, when not in this quarantine file (a whole file renamed aside). */
  keptIn?: string;
  at: number;
}

export function quarantineFileOf(file: string): string {
  return `${file}${QUARANTINE_SUFFIX}`;
}

/**
 * Appends the lines to the file's quarantine file, skipping ones already kept (a line that stays in
 * its journal is met again on every start). Throws when the disk refuses: the caller then must not
 * drop the lines from the journal either.
 */
export function keepAside(file: string, lines: readonly Omit<KeptRecord, 'file' | 'at'>[], now: number = Date.now()): void {
  if (lines.length === 0) return;
  const target = quarantineFileOf(file);
  const seen = new Set(readKept(target).map(keyOf));
  const fresh = lines.map((l): KeptRecord => ({ file, ...l, at: now })).filter((r) => !seen.has(keyOf(r)));
  if (fresh.length === 0) return;
  appendFileSync(target, fresh.map((r) => `${JSON.stringify(r)}\n`).join(''), { flush: true });
}

export interface KeptAsideRead<T> extends ReadResult<T> {
  /** Lines that were not records and are not a torn tail: damage, kept aside and reported. */
  damaged: BadLine[];
  /** False when keeping them aside failed (the disk refused): they are still in the journal, so do not rewrite it without them. */
  keptAside: boolean;
}

/**
 * Reads a journal and keeps its damaged lines aside. A torn tail (the write a crash cut short,
 * never acknowledged) is only logged: durable-append cuts it or ends it on open.
 */
export function readKeepingAside<T>(file: string, parse: (value: unknown, line: number) => T, options: { what: string; tornTail: TornTailPolicy; logger: LoggerPort }): KeptAsideRead<T> {
  const result = readJsonLines(file, parse, { tornTail: options.tornTail });
  const damaged = result.skipped.filter((bad) => !bad.torn).map((bad) => ({ ...bad, reason: `not ${options.what} (${bad.reason})` }));
  for (const bad of result.skipped.filter((b) => b.torn)) {
    options.logger.warn(`${file}, line ${bad.line}: a write cut short by a crash (never acknowledged); ${options.tornTail === 'cut' ? 'cut' : 'kept, with its newline restored'}.`);
  }
  let keptAside = true;
  if (damaged.length > 0) {
    try {
      keepAside(file, damaged.map(({ line, reason, text }) => ({ line, reason, text })));
      options.logger.error(`${file}: ${damaged.length} unreadable line${damaged.length === 1 ? '' : 's'} (${damaged.slice(0, 5).map((d) => d.line).join(', ')}${damaged.length > 5 ? ', …' : ''}) kept aside in ${quarantineFileOf(file)}; started with the rest.`);
    } catch (error) {
      keptAside = false;
      options.logger.error(`${file}: ${damaged.length} unreadable lines could not be kept aside (${String(error)}); they stay in the journal.`);
    }
  }
  return { ...result, damaged, keptAside };
}

/** Everything kept aside under the data folder, oldest first (at most `limit`), for the operator. */
export function listDataProblems(dataDir: string, limit = 200): { problems: DataProblem[]; total: number } {
  const out: DataProblem[] = [];
  for (const file of quarantineFiles(dataDir, 3)) {
    for (const r of readKept(file)) out.push({ file: r.file, line: r.line, problem: r.reason, keptIn: r.keptIn ?? file, at: r.at });
  }
  out.sort((a, b) => a.at - b.at);
  return { problems: out.slice(0, limit), total: out.length };
}

function quarantineFiles(dir: string, depth: number): string[] {
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return []; }
  const out: string[] = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory() && depth > 0) out.push(...quarantineFiles(path, depth - 1));
    else if (entry.isFile() && entry.name.endsWith(QUARANTINE_SUFFIX)) out.push(path);
  }
  return out;
}

function readKept(file: string): KeptRecord[] {
  if (!existsSync(file)) return [];
  const out: KeptRecord[] = [];
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (text.trim() === '') continue;
    try {
      const r = JSON.parse(text) as KeptRecord;
      if (typeof r.file === 'string' && typeof r.reason === 'string') out.push(r);
    } catch { /* a torn line of the quarantine file itself: what it named is still in its journal */ }
  }
  return out;
}

function keyOf(r: Pick<KeptRecord, 'line' | 'text' | 'reason'>): string {
  return `${r.line}\u0000${r.text}\u0000${r.reason}`;
}
