import type { Cluster, EstateSnapshot, Host, Replication, Site, Vm } from '../../shared/model/estate.ts';

/** Small, schema-valid estates for tests. Never imported by product code. */

const GiB = 1024 ** 3;

export function site(id: string, role: Site['role'], clusterIds: string[]): Site {
  return { id, name: `Site ${id}`, role, location: 'Somewhere', clusterIds };
}

export function cluster(id: string, siteId: string, hostIds: string[]): Cluster {
  return { id, siteId, name: `cl-${id}`, hostIds, replicaBroker: null };
}

export function host(id: string, siteId: string, clusterId: string, extra: Partial<Host> = {}): Host {
  return {
    id, siteId, clusterId, name: `hv-${id}`, state: 'Up', logicalProcessors: 64, memoryBytes: 512 * GiB,
    hostReserveBytes: 16 * GiB, maxVmMigrations: 2, maxStorageMigrations: 2, migrationPerformance: 'SMB',
    memoryAssignedBytes: 0, vcpuAssigned: 0, cpuUsagePct: 10, vmCount: 0, runningVmCount: 0, ...extra,
  };
}

export function replication(mode: Replication['mode'], extra: Partial<Replication> = {}): Replication {
  return {
    mode, relationship: 'Simple', state: 'Replicating', health: 'Normal', frequencySec: 300,
    primaryServer: 'hv-a', replicaServer: 'hv-b', lastReplicationTime: 0, pendingBytes: 0,
    additionalRecoveryPoints: 4, appConsistentIntervalHours: 4, ...extra,
  };
}

export function vm(id: string, h: Host, extra: Partial<Vm> = {}): Vm {
  return {
    id, vmId: `vm-${id}`, name: `vm-${id}`, siteId: h.siteId, clusterId: h.clusterId, hostId: h.id,
    state: 'Running', heartbeat: 'OkApplicationsHealthy', cpuCount: 4, cpuUsagePct: 20, memoryBytes: 8 * GiB, diskBytes: 100 * GiB,
    tier: 1, workload: 'web', priority: 'Medium', tags: [], replication: replication('Primary'), extendedReplication: null,
    ...extra,
  };
}

export function estate(parts: { seq?: number; sites: Site[]; clusters: Cluster[]; hosts: Host[]; vms: Vm[] }): EstateSnapshot {
  const byId = <T extends { id: string }>(rows: T[]) => Object.fromEntries(rows.map((r) => [r.id, r]));
  return {
    seq: parts.seq ?? 0,
    backend: { kind: 'lab', description: 'test estate', seed: 1 },
    clock: { source: 'lab', now: Date.UTC(2026, 10, 25, 3, 0, 0), speed: 60 },
    sites: byId(parts.sites), clusters: byId(parts.clusters), hosts: byId(parts.hosts), vms: byId(parts.vms),
  };
}

/** Two sites; a primary copy of each VM in A and its replica in B (same vmId). */
export function twoSiteEstate(vmsPerHost = 3, seq = 0): EstateSnapshot {
  const hA = host('a1', 'A', 'ca');
  const hB = host('b1', 'B', 'cb');
  const vms: Vm[] = [];
  for (let i = 0; i < vmsPerHost; i++) {
    const name = `app-${String(i).padStart(3, '0')}`;
    vms.push(vm(`p${i}`, hA, { vmId: `g${i}`, name }));
    vms.push(vm(`r${i}`, hB, { vmId: `g${i}`, name, state: 'Off', heartbeat: 'Disabled', replication: replication('Replica') }));
  }
  return estate({
    seq,
    sites: [site('A', 'primary', ['ca']), site('B', 'dr', ['cb'])],
    clusters: [cluster('ca', 'A', ['a1']), cluster('cb', 'B', ['b1'])],
    hosts: [hA, hB],
    vms,
  });
}
