import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JournalChain } from '../../../../shared/model/evidence-pack.ts';

export const CHAIN_RULE = 'h0 = sha256(""); h(i) = sha256(hex(h(i-1)) + line i without its newline), lines of the journal file in order';

/** The hash chain over a journal file's lines: editing, removing or reordering any line changes every link after it. */
export function chainOf(file: string, relativeName: string): JournalChain {
  const links = linksOf(readFileSync(file));
  return { file: relativeName, algorithm: 'sha256', rule: CHAIN_RULE, records: links.length, head: links.at(-1) ?? sha256(''), links };
}

export function linksOf(bytes: Buffer): string[] {
  const links: string[] = [];
  let previous = sha256('');
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    previous = createHash('sha256').update(previous).update(bytes.subarray(start, end)).digest('hex');
    links.push(previous);
    start = end + 1;
  }
  return links;
}

/** Where a journal and a recorded chain part ways: null when they agree. */
export function chainMismatch(recorded: JournalChain, bytes: Buffer): string | null {
  const now = linksOf(bytes);
  const first = recorded.links.findIndex((link, i) => now[i] !== link);
  if (first !== -1) return `line ${first + 1} of ${recorded.file} differs from the one the report was made from`;
  if (now.length < recorded.records) return `${recorded.file} has ${now.length} lines; the report was made from ${recorded.records}`;
  if (recorded.links.at(-1) !== recorded.head && recorded.records > 0) return 'the chain head does not match its own links';
  // Lines added after the report (the run went on: a cleanup) do not change what was reported.
  return null;
}

export function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
