import { describe, expect, it } from 'vitest';
import { hostHealthHeadline } from './host-health-words.ts';

const allNormal = { normal: 12, warning: 0, critical: 0, other: 0, worst: 'Normal' as const };

describe('host replication headline', () => {
  it('a Down host never reads "All normal", whatever its VMs last reported', () => {
    expect(hostHealthHeadline('Down', allNormal)).toEqual({ tone: 'crit', text: 'Node down · 12 copies not reporting' });
    expect(hostHealthHeadline('Unknown', allNormal)?.text).not.toContain('normal');
  });

  it('an Up host with every copy Normal does', () => {
    expect(hostHealthHeadline('Up', allNormal)).toEqual({ tone: 'ok', text: 'All normal' });
    expect(hostHealthHeadline('Up', { ...allNormal, warning: 1, worst: 'Warning' })).toBeNull();
  });
});
