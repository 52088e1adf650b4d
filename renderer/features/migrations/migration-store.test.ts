import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DrainOperation, MigrationOperations } from '../../../shared/model/migration.ts';
import { createServices, type Services } from '../../platform/services.ts';
import { fakeTransport } from '../../testing/fake-transport.ts';
import { migrationStores } from './migration-store.ts';

function drain(status: DrainOperation['status'], completed: number): DrainOperation {
  return {
    id: 'drain-1', kind: 'drain', hostId: 'h1', hostName: 'HV-A01', clusterId: 'c1', parentId: null, status, actor: 'operator',
    startedAt: 1_000, finishedAt: status === 'completed' ? 61_000 : null, predictedDurationSec: 60, lowerBoundSec: 30,
    counts: { total: 4, queued: 4 - completed, running: 0, completed, failed: 0, cancelled: 0, skipped: 0 },
    itemIds: [], events: [],
  };
}

let services: Services | null = null;
afterEach(() => { services?.dispose(); services = null; });

describe('the migrations store across a reconnect', () => {
  it('after a reconnect shows the server’s current operations, not those from before the link dropped', async () => {
    const core = fakeTransport();
    let operations: MigrationOperations = { drains: [drain('running', 1)], rolling: [] };
    core.answer('migration.operations', () => operations);
    core.answer('migration.queue', () => ({ clusterId: 'c1', clusterName: 'CL-A', now: 0, items: [], lanes: [], throughput: [] }));
    core.answer('hosts.migrationSettings', () => ({ hosts: [] }));
    services = createServices(core.transport);
    core.connect();
    const migrations = services.stores.get(migrationStores);
    await migrations.selectCluster('c1');
    expect(migrations.store.getState().operations.drains.map((d) => d.status)).toEqual(['running']);

    // The drain finishes while the console is cut off: its last migration.operations event is lost.
    core.drop();
    operations = { drains: [drain('completed', 4)], rolling: [] };
    core.emit('migration.operations', operations);
    core.restore();

    await vi.waitFor(() => expect(migrations.store.getState().operations.drains.map((d) => d.status)).toEqual(['completed']));
  });
});
