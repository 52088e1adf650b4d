import { describe, expect, it } from 'vitest';
import type { RunSnapshot } from '../../../shared/model/recovery-run.ts';
import { elapsedSec } from './run-time.ts';

describe('the run clock the operator watches', () => {
  const base = { startedAt: 20 * 60_000, mainEndedAt: null } as unknown as RunSnapshot;

  it('counts from the primary loss the core recorded, not from the run start', () => {
    const run = { ...base, clockStart: { at: 0, basis: 'site-lost', detail: 'DC-A lost' } } as RunSnapshot;
    expect(elapsedSec(run, 30 * 60_000)).toBe(30 * 60);
  });

  it('counts from the run start when the core recorded no earlier moment', () => {
    expect(elapsedSec(base, 30 * 60_000)).toBe(10 * 60);
  });
});
