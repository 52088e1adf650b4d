import { appendFileSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../shared/contract/errors.ts';
import { openDurableAppend, SaveError } from './durable-append.ts';
import { readJsonLines } from './read-json-lines.ts';

const fileIn = (name = 'j.jsonl') => join(mkdtempSync(join(tmpdir(), 'standby-durable-')), name);

describe('durable append', () => {
  it('writes one burst with one fsync, and tells onDurable only after it', async () => {
    const file = fileIn();
    const told: number[][] = [];
    const journal = openDurableAppend<{ n: number }>({ file, what: 'the test journal', tornTail: 'cut', onDurable: (records) => told.push(records.map((r) => r.n)) });
    journal.append({ n: 1 });
    journal.append({ n: 2 });
    expect(told).toEqual([]);
    expect(readFileSync(file, 'utf8')).toBe('');
    await Promise.resolve();
    expect(told).toEqual([[1, 2]]);
    expect(journal.syncs).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    journal.close();
  });

  it('coalesces records with one key to the last one, in the order things last changed', () => {
    const file = fileIn();
    const journal = openDurableAppend<{ id: string; v: number }>({ file, what: 'the test journal', tornTail: 'cut', key: (r) => r.id });
    journal.append({ id: 'a', v: 1 });
    journal.append({ id: 'b', v: 1 });
    journal.append({ id: 'a', v: 2 });
    journal.flush();
    expect(readJsonLines(file, (v) => v).records).toEqual([{ id: 'b', v: 1 }, { id: 'a', v: 2 }]);
    journal.close();
  });

  it('cuts a torn tail, or ends it with a newline, as the journal chose', () => {
    for (const [tornTail, expected] of [['cut', '{"n":1}\n{"n":3}\n'], ['newline', '{"n":1}\n{"n":\n{"n":3}\n']] as const) {
      const file = fileIn();
      writeFileSync(file, '{"n":1}\n{"n":');
      const journal = openDurableAppend<{ n: number }>({ file, what: 'the test journal', tornTail });
      journal.append({ n: 3 });
      journal.close();
      expect(readFileSync(file, 'utf8'), tornTail).toBe(expected);
    }
    const whole = fileIn();
    writeFileSync(whole, '{"n"');
    openDurableAppend({ file: whole, what: 'the test journal', tornTail: 'cut' }).close();
    expect(readFileSync(whole, 'utf8')).toBe('');
  });

  it('a failed write throws a sentence the transports pass on, keeps the records and tells nobody', () => {
    const file = fileIn();
    symlinkSync('/dev/full', file);
    const told: unknown[] = [];
    const journal = openDurableAppend<{ n: number }>({ file, what: 'the test journal', tornTail: 'cut', onDurable: (r) => told.push(...r) });
    journal.append({ n: 1 });
    const error = (() => { try { journal.flush(); } catch (e) { return e; } })();
    expect(error).toBeInstanceOf(SaveError);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as Error).message).toBe('Could not save the test journal: the disk is full (ENOSPC).');
    expect(told).toEqual([]);
    expect(() => journal.flush()).toThrow(SaveError); // still queued: tried again
  });

  it('reports a failed write at the end of a burst to onError', async () => {
    const file = fileIn();
    symlinkSync('/dev/full', file);
    const errors: Error[] = [];
    const journal = openDurableAppend<{ n: number }>({ file, what: 'the test journal', tornTail: 'cut', onError: (e) => errors.push(e) });
    journal.append({ n: 1 });
    await Promise.resolve();
    expect(errors.map((e) => e.message)).toEqual(['Could not save the test journal: the disk is full (ENOSPC).']);
  });

  it('refuses an append after close, or drops it as a crash would, as the journal chose', () => {
    const file = fileIn();
    const strict = openDurableAppend({ file, what: 'the test journal', tornTail: 'cut' });
    strict.close();
    expect(() => strict.append({})).toThrow(/^Could not save the test journal: it is closed/);
    const lenient = openDurableAppend({ file, what: 'the test journal', tornTail: 'cut', afterClose: 'ignore' });
    lenient.close();
    expect(() => lenient.append({})).not.toThrow();
  });
});

describe('readJsonLines', () => {
  it('skips and reports bad lines, or in strict mode only a torn last line', () => {
    const file = fileIn();
    writeFileSync(file, '{"n":1}\nnot json\n{"n":2}\n');
    expect(readJsonLines(file, (v) => v)).toMatchObject({ records: [{ n: 1 }, { n: 2 }], skipped: [{ line: 2 }] });
    expect(() => readJsonLines(file, (v) => v, { badLines: 'strict', what: 'a test record' })).toThrow(/line 2 is not JSON, and records follow it/);
    appendFileSync(file, '{"n":');
    expect(readJsonLines(fileIn(), (v) => v, { badLines: 'strict', what: 'a test record' }).records).toEqual([]);
    writeFileSync(file, '{"n":1}\n{"n":');
    expect(readJsonLines(file, (v) => v, { badLines: 'strict', what: 'a test record' }).records).toEqual([{ n: 1 }]);
    writeFileSync(file, '{"m":1}\n');
    const parse = (v: unknown) => { if (!(v as { n?: number }).n) throw new Error('n: required'); return v; };
    expect(() => readJsonLines(file, parse, { badLines: 'strict', what: 'a test record' })).toThrow(/line 1 is not a test record \(n: required\)/);
  });
});
