import { describe, expect, it } from 'vitest';
import { failureReason, type VmRun } from './recovery-run.ts';

const vm = (name: string, source: string, message: string, status: VmRun['status'] = 'waiting-operator') => ({
  name, sourceHost: source, targetHost: `DR${source}`, status,
  steps: [{ kind: 'reverse' as const, phase: 'reverse' as const, status: 'waiting-operator' as const, attempts: 3, startedAt: 1, endedAt: 2, error: { code: 'backend', message }, note: null }],
});

describe('failure reason', () => {
  it('is the same for VMs failing the same way on different hosts, with their names taken out', () => {
    const a = failureReason(vm('EHRDB01', 'HV-A03', "Cannot reverse replication for 'EHRDB01': the server HV-A03 could not be contacted."));
    const b = failureReason(vm('PACS02', 'HV-A11', "Cannot reverse replication for 'PACS02': the server HV-A11 could not be contacted."));
    expect(a).toEqual(b);
    expect(a!.text).toBe("Cannot reverse replication for '…': the server … could not be contacted.");
  });

  it('differs for a different failure, and is absent for a VM not waiting on the operator', () => {
    const a = failureReason(vm('A', 'HV-A01', "'A' failed to start. Not enough memory."));
    const b = failureReason(vm('B', 'HV-A01', "Cannot reverse replication for 'B': the server HV-A01 could not be contacted."));
    expect(a!.key).not.toBe(b!.key);
    expect(failureReason(vm('A', 'HV-A01', 'x', 'running'))).toBeNull();
  });
});
