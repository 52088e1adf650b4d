import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunChange } from '../../../shared/model/recovery-run.ts';
import { readJournal, RunJournal } from './run-journal.ts';

const group = (index: number, status: 'pending' | 'running'): RunChange => ({
  type: 'group', value: { index, name: `Group ${index}`, status, startedAt: null, endedAt: null, before: [], after: [] },
});

describe('run journal', () => {
  it('a run resumed after a crash tore the last line keeps every record it writes from then on', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'standby-runj-')), 'run.jsonl');
    const told: number[] = [];
    const first = new RunJournal(file, 0, () => 1, (_changes, seq) => told.push(seq));
    first.record(group(0, 'pending'));
    first.close();
    appendFileSync(file, '{"seq":2,"wrote":1,"change":{"ty'); // killed mid-write: never acknowledged
    const records = readJournal(file);
    expect(records.map((r) => r.seq)).toEqual([1]);
    const second = new RunJournal(file, 1, () => 2, (_changes, seq) => told.push(seq));
    second.record(group(0, 'running'));
    second.close();
    expect(readJournal(file).map((r) => r.seq)).toEqual([1, 2]);
    expect(told).toEqual([1, 2]);
  });
});
