import { describe, expect, it } from 'vitest';
import { formatBytes, formatBytesPair } from './bytes.ts';
import { formatAgo, formatDuration } from './duration.ts';

const GiB = 1024 ** 3;

describe('formatBytes', () => {
  it('uses binary units with at most three significant digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(8 * GiB)).toBe('8 GiB');
    expect(formatBytes(12.25 * GiB)).toBe('12.3 GiB');
    expect(formatBytes(1.5 * 1024 * GiB)).toBe('1.5 TiB');
    expect(formatBytes(512 * 1024 ** 2)).toBe('512 MiB');
  });
  it('shows used and total in the total’s unit', () => {
    expect(formatBytesPair(312 * GiB, 496 * GiB)).toBe('312 / 496 GiB');
    expect(formatBytesPair(512 * GiB, 2 * 1024 * GiB)).toBe('0.5 / 2 TiB');
  });
});

describe('formatDuration', () => {
  it('names the replication frequencies the way Hyper-V does', () => {
    expect(formatDuration(30)).toBe('30 s');
    expect(formatDuration(300)).toBe('5 min');
    expect(formatDuration(900)).toBe('15 min');
  });
  it('keeps two units at most', () => {
    expect(formatDuration(5_400)).toBe('1 h 30 min');
    expect(formatDuration(2 * 86_400 + 4 * 3_600 + 59)).toBe('2 d 4 h');
    expect(formatDuration(3_601)).toBe('1 h');
  });
  it('says ago', () => {
    expect(formatAgo(0, 240_000)).toBe('4 min ago');
    expect(formatAgo(1_000, 2_000)).toBe('just now');
  });
});
