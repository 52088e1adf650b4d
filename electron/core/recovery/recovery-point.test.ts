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

function backend(lastReceived: number | null): HyperVBackend {
  return {
    getVMSnapshot: async () => snapshots,
    getVMReplication: async () => [{ VMName: 'EHRDB01', ReplicationMode: 'Replica', LastReplicationTime: lastReceived } as VMReplicationInfo],
  } as unknown as HyperVBackend;
}

describe('recovery point policy', () => {
  it('latest is the last replication received, not the newest retained snapshot', async () => {
    expect(await chooseRecoveryPoint(backend(2 * HOUR + 25 * 60_000), vm, { kind: 'latest' })).toEqual({ name: null, at: 2 * HOUR + 25 * 60_000 });
  });

  it('latest falls back to the newest snapshot when the replica reports no replication time', async () => {
    expect(await chooseRecoveryPoint(backend(null), vm, { kind: 'latest' })).toEqual({ name: null, at: 2 * HOUR });
  });

  it('a point in time picks the newest snapshot at or before it, by name', async () => {
    expect(await chooseRecoveryPoint(backend(null), vm, { kind: 'point-in-time', at: 1.5 * HOUR })).toEqual({ name: snapshots[0]!.Name, at: HOUR });
    await expect(chooseRecoveryPoint(backend(null), vm, { kind: 'point-in-time', at: HOUR / 2 })).rejects.toThrow(/no recovery point at or before/);
  });
});
