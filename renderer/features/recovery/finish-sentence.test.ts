import { describe, expect, it } from 'vitest';
import type { RunSnapshot, RunSummary } from '../../../shared/model/recovery-run.ts';
import { reversedSentence } from './run-monitor.tsx';

const run = { type: 'planned-failover', vms: Array.from({ length: 4 }, (_, i) => ({ name: `VM${i}` })) } as unknown as RunSnapshot;
const summary = (counts: Partial<RunSummary>) => ({ vmsReversed: 0, vmsPrepared: 0, vmsFailedOver: 0, vmsCancelled: 0, ...counts }) as RunSummary;

describe('what the finish panel says of a planned failover that stopped', () => {
  it('says VMs wait prepared, primaries off, until the failover is cancelled — not that they replicate as before', () => {
    const text = reversedSentence(run, summary({ vmsPrepared: 3 }));
    expect(text).toBe('Replication was not reversed for any VM. 3 of 4 VMs are prepared for failover and wait, their primaries off: cancel the failover to start them again where they were.');
    expect(text).not.toMatch(/replicate as they did/);
  });

  it('after the cancel: none failed over, how many were cancelled and how many of them after Prepare, replication as before', () => {
    expect(reversedSentence(run, summary({ vmsPrepared: 1, vmsCancelled: 3 })))
      .toBe('Failover cancelled: none of the 4 VMs failed over. 3 were cancelled before their failover (1 of them after Prepare, taken back on the primary with Stop-VMFailover); replication goes on as before the run.');
  });

  it('never claims a reverse that did not happen for the VMs that failed over', () => {
    expect(reversedSentence(run, summary({ vmsPrepared: 3, vmsFailedOver: 2, vmsReversed: 2, vmsCancelled: 1 })))
      .toBe('Replication was reversed for 2 of 4 VMs; the other 2 still replicate as they did before the run.');
  });
});
