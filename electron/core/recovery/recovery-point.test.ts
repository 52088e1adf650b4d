import { describe, expect, it } from 'vitest';
import type { HyperVBackend, VMRecoverySnapshot, VMReplicationInfo } from '../backends/backend-port.ts';
import type { VmRun } from '../../../shared/model/recovery-run.ts';
import { chooseRecoveryPoint } from './vm-steps.ts';

const HOUR = 3600_000;
const vm = { name: 'EHRDB01', targetHost: 'DRHV-101', sourceHost: 'HV-A01' } as VmRun;
const snapshots: VMRecoverySnapshot[] = [
  { Name: 'EHRDB01 - Standard Replica - (11/25/2026 - 01:00:00)', VMName: 'EHRDB01', SnapshotType: 'Replica', CreationTime: 1 * HOUR },
  { Name: 'EHRDB01 - Application-consistent Replica - (11/25/2026 - 02:00:00)', VMName: 'EHRDB01', SnapshotType: 'AppConsistentReplica', CreationTime: 2 * HOUR },
];

function backend(lastReceived: number | null, reads: string[] = []): HyperVBackend {
  return {
    getVMSnapshot: async (_target: unknown, type?: string) => { reads.push(type ?? 'all'); return snapshots.filter((p) => !type || p.SnapshotType === type); },
    getVMReplication: async () => [{ VMName: 'EHRDB01', ReplicationMode: 'Replica', LastReplicationTime: lastReceived } as VMReplicationInfo],
  } as unknown as HyperVBackend;
}

describe('recovery point policy', () => {
  it('latest is the last replication received, not the newest retained snapshot', async () => {
    expect(await chooseRecoveryPoint(backend(2 * HOUR + 25 * 60_000), vm, { kind: 'latest' })).toEqual({ name: null, at: 2 * HOUR + 25 * 60_000 });
  });

  it('latest reads no recovery snapshot at all (Get-VMSnapshot is slow and may throw ObjectNotFound)', async () => {
    const reads: string[] = [];
    expect(await chooseRecoveryPoint(backend(2 * HOUR, reads), vm, { kind: 'latest' })).toEqual({ name: null, at: 2 * HOUR });
    // Without a replication time the point's time is unknown; the failover still takes the latest.
    expect(await chooseRecoveryPoint(backend(null, reads), vm, { kind: 'latest' })).toBeNull();
    expect(reads).toEqual([]);
  });

  it('latest app-consistent asks only for app-consistent points, and says so when there are none', async () => {
    const reads: string[] = [];
    expect(await chooseRecoveryPoint(backend(null, reads), vm, { kind: 'latest-app-consistent' })).toEqual({ name: snapshots[1]!.Name, at: 2 * HOUR });
    expect(reads).toEqual(['AppConsistentReplica']);
    const none = { getVMSnapshot: async () => [], getVMReplication: async () => [] } as unknown as HyperVBackend;
    await expect(chooseRecoveryPoint(none, vm, { kind: 'latest-app-consistent' })).rejects.toThrow(/has no application-consistent recovery point/);
  });

  it('a point in time picks the newest snapshot at or before it, by name', async () => {
    expect(await chooseRecoveryPoint(backend(null), vm, { kind: 'point-in-time', at: 1.5 * HOUR })).toEqual({ name: snapshots[0]!.Name, at: HOUR });
    await expect(chooseRecoveryPoint(backend(null), vm, { kind: 'point-in-time', at: HOUR / 2 })).rejects.toThrow(/no recovery point at or before/);
  });
});
