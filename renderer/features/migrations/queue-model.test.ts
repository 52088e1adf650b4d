import { describe, expect, it } from 'vitest';
import type { MigrationItem, MigrationQueue } from '../../../shared/model/migration.ts';
import { fmtBytes, fmtDuration, fmtRate, sections, throughputSeries } from './queue-model.ts';
import { hostsFromLanes } from './migration-store.ts';

function item(id: string, state: MigrationItem['state'], over: Partial<MigrationItem> = {}): MigrationItem {
  return {
    id, vmId: id, vmName: id, clusterId: 'c', sourceHostId: 'a', destHostId: 'b', type: 'live', state, operationId: 'op', purpose: 'drain',
    order: 0, attempt: 1, bytesTotal: 10, bytesDone: 5, percent: 50, bytesPerSec: 1, etaSec: 5, predictedSec: 10, queuedAt: 0, startedAt: null, finishedAt: null, message: null, ...over,
  };
}
const queue: MigrationQueue = {
  clusterId: 'c', clusterName: 'CL-A', now: 600_000,
  items: [item('r', 'running'), item('q2', 'queued', { order: 2 }), item('q1', 'queued', { order: 1 }), item('f', 'failed'), item('c', 'completed'), item('x', 'cancelled')],
  lanes: [{ hostId: 'a', name: 'HV-A01', state: 'Paused', limit: 4, performance: 'SMB', occupiedBy: ['r'], vmCount: 3 }],
  throughput: [{ at: 540_000, bytesPerSec: 1.125e9, running: 2 }],
};

describe('queue model', () => {
  it('splits the queue by state, queued in planned order', () => {
    const s = sections(queue);
    expect(s.running.map((i) => i.id)).toEqual(['r']);
    expect(s.queued.map((i) => i.id)).toEqual(['q1', 'q2']);
    expect(s.failed.map((i) => i.id)).toEqual(['f']);
    expect(s.finished.map((i) => i.id)).toEqual(['c', 'x']);
  });
  it('formats bytes, rates and durations for people', () => {
    expect(fmtBytes(32 * 1024 ** 3)).toBe('32.0 GiB');
    expect(fmtRate(1.125e9)).toBe('9.0 Gbit/s');
    expect(fmtRate(null)).toBe('—');
    expect(fmtDuration(45)).toBe('45 s');
    expect(fmtDuration(400)).toBe('6 min 40 s');
    expect(fmtDuration(5400)).toBe('1 h 30 min');
  });
  it('throughput in Gbit/s, minutes before now', () => {
    expect(throughputSeries(queue)).toEqual([{ t: -1, gbit: 9, running: 2 }]);
  });
  it('host settings follow the lanes', () => {
    const hosts = hostsFromLanes([{ hostId: 'a', name: 'HV-A01', clusterId: 'c', state: 'Up', maxVmMigrations: 2, maxStorageMigrations: 2, performance: 'Compression', vmCount: 9, memoryAssignedBytes: 0, memoryCapacityBytes: 1 }], queue);
    expect(hosts[0]).toMatchObject({ state: 'Paused', maxVmMigrations: 4, performance: 'SMB', vmCount: 3 });
  });
});
