import type { Cluster, Replication, Site, Tier, Vm } from '../../../../shared/model/estate.ts';
import type { EstateInventory } from '../estate-source.ts';
import { DEFAULT_HOST_RESERVE_BYTES, usableMemoryBytes, type HostInventory } from '../../../../shared/model/host-usage.ts';
import { createRandom, type Random } from './random.ts';
import { WORKLOAD_CATALOG, type WorkloadFamily } from './workload-catalog.ts';

export interface LabEstateOptions {
  seed: number;
  /** VMs at the primary site, infrastructure included. */
  vmCount: number;
  /** Epoch ms the lab clock starts at. */
  startTime: number;
  /**
   * Hosts in every cluster of every site (default: 12 primary, 10 DR, 12 cloud). Tests that run a real
   * process per host (PowerShell remoting over SSH to the cmdlet emulation) keep it small; the VMs,
   * their names and settings stay those of the full estate (only their placement differs).
   */
  hostsPerCluster?: number;
}

/** Per-VM behaviour the simulation needs but Hyper-V does not report. Keyed by shared vmId. */
export interface LabVmProfile {
  vmId: string;
  name: string;
  writeBytesPerSec: number;
  /** Memory pages dirtied per second during live migration, as a fraction of memory. */
  memoryDirtyRatePerSec: number;
}

export interface LabEstate extends EstateInventory {
  profiles: Map<string, LabVmProfile>;
}

const GiB = 1024 ** 3;
const DOMAIN = 'corp.hospital.local';
const FREQUENCY_BY_TIER: Record<Tier, number> = { 0: 30, 1: 300, 2: 900 };
const EXTENDED_FREQUENCY_BY_TIER: Record<Tier, number> = { 0: 300, 1: 300, 2: 900 };
const RECOVERY_POINTS_BY_TIER: Record<Tier, number> = { 0: 24, 1: 12, 2: 4 };
const HOSTS_PER_PRIMARY_CLUSTER = 12;
const VMS_PER_PRIMARY_CLUSTER = 200;
const HOSTS_PER_DR_CLUSTER = 10;
const HOSTS_PER_CLOUD_CLUSTER = 12;
/**
 * Cluster groups with AntiAffinityClassNames, as such estates set them: SQL availability-group
 * replicas, the Exchange DAG, the web farms, the interface engines and Citrix controllers, and the
 * domain controllers (below): redundant roles that must not share a node.
 */
const ANTI_AFFINITY_BY_FAMILY: Readonly<Record<string, string>> = {
  EHRDB: 'SQL-AG-EHR', LISDB: 'SQL-AG-LIS', PACSDB: 'SQL-AG-PACS', SQLCLIN: 'SQL-AG-CLINICAL',
  EXMBX: 'EXCHANGE-DAG', EHRWEB: 'WEB-FARM-EHR', WEB: 'WEB-FARM-PORTAL', HL7IE: 'HL7-ENGINES', CTXDDC: 'CITRIX-DDC',
};
/**
 * SQL Server Enterprise is licensed per physical core on some nodes only: these VMs may run on a
 * licensing group of three nodes of their cluster (their own and the nodes 4 and 8 further on),
 * and prefer the one they run on.
 */
const LICENSING_PINNED = new Set(['SQLCLIN', 'PACSDB']);

interface SiteLayout { site: Site; clusters: Cluster[]; hosts: HostInventory[] }

/**
 * The default estate: a hospital group's primary data center, its DR site and an extended-replica
 * cloud site. Deterministic for a seed; scales its host count with vmCount so a 10,000-VM lab
 * still fits. Domain controllers are not replicated (AD replicates itself), as in real estates.
 */
export function generateLabEstate(options: LabEstateOptions): LabEstate {
  if (!Number.isInteger(options.vmCount) || options.vmCount < 10) {
    throw new RangeError(`Lab vmCount must be an integer of at least 10 (got ${options.vmCount}).`);
  }
  const random = createRandom(options.seed);
  const primaryClusters = Math.max(3, Math.ceil(options.vmCount / VMS_PER_PRIMARY_CLUSTER));
  const primary = layoutSite(random, {
    id: 'site-pri', name: 'Northgate (primary)', role: 'primary', location: 'Northgate campus data center',
    clusterNames: Array.from({ length: primaryClusters }, (_, i) => `CL-${clusterLetter(i)}`),
    hostName: (c, h) => `HV-${clusterLetter(c)}${pad(h + 1, 2)}`,
    hostsPerCluster: HOSTS_PER_PRIMARY_CLUSTER, keepHosts: options.hostsPerCluster, logicalProcessors: 80, memoryGiB: 768, broker: (i) => `HVR-${clusterLetter(i)}`,
  });
  const dr = layoutSite(random, {
    id: 'site-dr', name: 'Riverside (DR)', role: 'dr', location: 'Riverside data center, 38 km',
    clusterNames: Array.from({ length: Math.ceil((primaryClusters * 2) / 3) }, (_, i) => `CL-DR${i + 1}`),
    hostName: (c, h) => `DRHV-${c + 1}${pad(h + 1, 2)}`,
    hostsPerCluster: HOSTS_PER_DR_CLUSTER, keepHosts: options.hostsPerCluster, logicalProcessors: 96, memoryGiB: 1024, broker: (i) => `HVR-DR${i + 1}`,
  });
  const cloud = layoutSite(random, {
    id: 'site-cloud', name: 'Cloud region (extended replica)', role: 'cloud', location: 'Hosted Hyper-V, West Europe',
    clusterNames: Array.from({ length: Math.ceil(primaryClusters / 3) }, (_, i) => `CL-CLOUD${i + 1}`),
    hostName: (c, h) => `CLDHV-${c + 1}${pad(h + 1, 2)}`,
    hostsPerCluster: HOSTS_PER_CLOUD_CLUSTER, keepHosts: options.hostsPerCluster, logicalProcessors: 128, memoryGiB: 1536, broker: (i) => `HVR-CLD${i + 1}`,
  });

  const vms: Vm[] = [];
  const profiles = new Map<string, LabVmProfile>();
  const primaryPlacer = createPlacer(primary.hosts, () => true);
  const drPlacer = createPlacer(dr.hosts, () => true);
  const cloudPlacer = createPlacer(cloud.hosts, () => true);

  const infra = ['DC01', 'DC02', 'DC03', 'DC04'];
  infra.forEach((name, i) => {
    const cluster = primary.clusters[i % primary.clusters.length]!;
    const host = primaryPlacer.place(8 * GiB, cluster.id);
    primaryPlacer.commit(host, 8 * GiB);
    vms.push({ ...infraVm(random, `p:${name}`, name, host, 'Running'), antiAffinity: ['AD-DC'] });
  });
  for (const name of ['DRDC01', 'DRDC02']) {
    const host = drPlacer.place(8 * GiB, dr.clusters[0]!.id);
    drPlacer.commit(host, 8 * GiB);
    vms.push(infraVm(random, `p:${name}`, name, host, 'Running'));
  }

  const counts = familyCounts(options.vmCount - infra.length);
  WORKLOAD_CATALOG.forEach((family, familyIndex) => {
    const count = counts[familyIndex]!;
    const digits = Math.max(2, String(count).length);
    for (let n = 0; n < count; n++) {
      const name = `${family.code}${pad(n + 1, digits)}`;
      const vmId = random.guid();
      const cpuCount = random.pick(family.cpu);
      const memoryBytes = random.pick(family.memoryGiB) * GiB;
      const diskBytes = Math.round(random.between(...family.diskGiB)) * GiB;
      // Spread each family across clusters, as anti-affinity rules do for redundant roles.
      const primaryCluster = primary.clusters[(n + familyIndex) % primary.clusters.length]!;
      const host = primaryPlacer.place(memoryBytes, primaryCluster.id);
      primaryPlacer.commit(host, memoryBytes);
      const drCluster = dr.clusters[primary.clusters.indexOf(primaryCluster) % dr.clusters.length]!;
      const replicaHost = drPlacer.place(memoryBytes, drCluster.id);
      drPlacer.commit(replicaHost, memoryBytes);
      const cloudHost = cloudPlacer.place(memoryBytes, cloud.clusters[familyIndex % cloud.clusters.length]!.id);
      cloudPlacer.commit(cloudHost, memoryBytes);

      const writeBytesPerSec = Math.round(random.between(...family.writeKiBps) * 1024);
      const frequencySec = FREQUENCY_BY_TIER[family.tier];
      const sinceLastSec = random.int(0, frequencySec - 1);
      const lastReplicationTime = options.startTime - sinceLastSec * 1000;
      const base = {
        vmId, name, cpuCount, memoryBytes, diskBytes, tier: family.tier, workload: family.workload,
        priority: family.priority, tags: [`tier:${family.tier}`, ...family.tags],
      };
      const simple: Replication = {
        mode: 'Primary', relationship: 'Simple', state: 'Replicating', health: 'Normal', frequencySec,
        primaryServer: fqdn(host.name), replicaServer: fqdn(brokerOf(dr, replicaHost)), lastReplicationTime,
        pendingBytes: writeBytesPerSec * sinceLastSec, additionalRecoveryPoints: RECOVERY_POINTS_BY_TIER[family.tier],
        appConsistentIntervalHours: family.tags.includes('sql') && family.tier === 0 ? 4 : 0,
      };
      const extendedFrequency = EXTENDED_FREQUENCY_BY_TIER[family.tier];
      const extendedSince = random.int(0, extendedFrequency - 1);
      const extended: Replication = {
        ...simple, mode: 'Primary', relationship: 'Extended', frequencySec: extendedFrequency,
        primaryServer: fqdn(brokerOf(dr, replicaHost)), replicaServer: fqdn(brokerOf(cloud, cloudHost)),
        lastReplicationTime: options.startTime - extendedSince * 1000, pendingBytes: 0,
        additionalRecoveryPoints: Math.min(simple.additionalRecoveryPoints, 12), appConsistentIntervalHours: 0,
      };
      // Placement rules use no random draws: the seeded estate stays what it was.
      const antiAffinity = ANTI_AFFINITY_BY_FAMILY[family.code];
      const owners = LICENSING_PINNED.has(family.code) ? licensingGroup(primary, host) : null;
      vms.push({
        ...base, id: `p:${name}`, siteId: primary.site.id, clusterId: host.clusterId, hostId: host.id,
        state: 'Running', heartbeat: 'OkApplicationsHealthy',
        cpuUsagePct: Math.round(random.between(...family.cpuUsagePct)), replication: simple, extendedReplication: null,
        ...(antiAffinity ? { antiAffinity: [antiAffinity] } : {}),
        ...(owners ? { possibleOwners: owners, preferredOwners: [host.id] } : {}),
      });
      vms.push({
        ...base, id: `r:${name}`, siteId: dr.site.id, clusterId: replicaHost.clusterId, hostId: replicaHost.id,
        state: 'Off', heartbeat: 'Unknown', cpuUsagePct: 0,
        replication: { ...simple, mode: 'Replica' }, extendedReplication: extended,
      });
      vms.push({
        ...base, id: `x:${name}`, siteId: cloud.site.id, clusterId: cloudHost.clusterId, hostId: cloudHost.id,
        state: 'Off', heartbeat: 'Unknown', cpuUsagePct: 0,
        replication: { ...extended, mode: 'ExtendedReplica' }, extendedReplication: null,
      });
      profiles.set(vmId, {
        vmId, name, writeBytesPerSec,
        memoryDirtyRatePerSec: random.between(0.002, family.tier === 0 ? 0.03 : 0.015),
      });
    }
  });

  return {
    backend: { kind: 'lab', description: `Lab estate, ${options.vmCount} VMs, seed ${options.seed}`, seed: options.seed, placementRules: true },
    clock: { source: 'lab', now: options.startTime, speed: 1 },
    sites: [primary.site, dr.site, cloud.site],
    clusters: [...primary.clusters, ...dr.clusters, ...cloud.clusters],
    hosts: [...primary.hosts, ...dr.hosts, ...cloud.hosts],
    vms,
    profiles,
  };
}

function layoutSite(random: Random, spec: {
  id: string; name: string; role: Site['role']; location: string; clusterNames: string[];
  hostName: (cluster: number, host: number) => string; hostsPerCluster: number;
  logicalProcessors: number; memoryGiB: number; broker: (cluster: number) => string;
  /** Build only this many hosts per cluster; the random draws stay those of hostsPerCluster. */
  keepHosts?: number;
}): SiteLayout {
  const clusters: Cluster[] = [];
  const hosts: HostInventory[] = [];
  spec.clusterNames.forEach((clusterName, c) => {
    const clusterId = `${spec.id}/${clusterName}`;
    const hostIds: string[] = [];
    for (let h = 0; h < spec.hostsPerCluster; h++) {
      // Fewer hosts must not change the rest of the estate: the host's draw is taken either way.
      const tcpip = random.next() < 0.08;
      if (spec.keepHosts !== undefined && h >= spec.keepHosts) continue;
      const name = spec.hostName(c, h);
      const id = `${clusterId}/${name}`;
      hostIds.push(id);
      hosts.push({
        id, siteId: spec.id, clusterId, name, state: 'Up',
        logicalProcessors: spec.logicalProcessors, memoryBytes: spec.memoryGiB * GiB, hostReserveBytes: DEFAULT_HOST_RESERVE_BYTES,
        maxVmMigrations: 2, maxStorageMigrations: 2,
        // Hyper-V's default is Compression; a few hosts left on TCP/IP is what audits usually find.
        migrationPerformance: tcpip ? 'TCPIP' : 'Compression',
      });
    }
    clusters.push({ id: clusterId, siteId: spec.id, name: clusterName, hostIds, replicaBroker: spec.broker(c) });
  });
  return { site: { id: spec.id, name: spec.name, role: spec.role, location: spec.location, clusterIds: clusters.map((c) => c.id) }, clusters, hosts };
}

/** Picks the host in a cluster with the most free memory, as the Replica Broker and VMM do. */
function createPlacer(hosts: HostInventory[], eligible: (host: HostInventory) => boolean) {
  const used = new Map(hosts.map((h) => [h.id, 0]));
  const byCluster = new Map<string, HostInventory[]>();
  for (const host of hosts) {
    if (!eligible(host)) continue;
    const list = byCluster.get(host.clusterId) ?? [];
    list.push(host);
    byCluster.set(host.clusterId, list);
  }
  const free = (h: HostInventory) => usableMemoryBytes(h) - used.get(h.id)!;
  return {
    place(memoryBytes: number, clusterId: string): HostInventory {
      const candidates = byCluster.get(clusterId) ?? [];
      let best: HostInventory | undefined;
      for (const host of candidates) if (!best || free(host) > free(best)) best = host;
      if (!best || free(best) < memoryBytes) {
        // Over-subscribed clusters happen on real estates too; place anyway on the emptiest host.
        best = best ?? hosts[0]!;
      }
      return best;
    },
    commit(host: HostInventory, memoryBytes: number) {
      used.set(host.id, used.get(host.id)! + memoryBytes);
    },
  };
}

function infraVm(random: Random, id: string, name: string, host: HostInventory, state: Vm['state']): Vm {
  return {
    id, vmId: random.guid(), name, siteId: host.siteId, clusterId: host.clusterId, hostId: host.id, state,
    heartbeat: 'OkApplicationsHealthy', cpuCount: 4, cpuUsagePct: Math.round(random.between(5, 20)),
    memoryBytes: 8 * GiB, diskBytes: 120 * GiB, tier: 0, workload: 'Domain controller (AD replicates itself)',
    priority: 'High', tags: ['tier:0', 'infra', 'not-replicated'], replication: null, extendedReplication: null,
  };
}

/** Whole VMs per family, summing exactly to total (largest remainders get the leftovers). */
function familyCounts(total: number): number[] {
  const weightSum = WORKLOAD_CATALOG.reduce((sum, f: WorkloadFamily) => sum + f.weight, 0);
  const exact = WORKLOAD_CATALOG.map((f) => (f.weight / weightSum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    counts[i]! += 1;
    left -= 1;
  }
  return counts;
}

/** A node and the nodes 4 and 8 further on in its cluster (wrapping): a licensing group. */
function licensingGroup(layout: SiteLayout, host: HostInventory): string[] {
  const ids = layout.clusters.find((c) => c.id === host.clusterId)!.hostIds;
  const at = ids.indexOf(host.id);
  return [...new Set([0, 4, 8].map((k) => ids[(at + k) % ids.length]!))];
}

function brokerOf(layout: SiteLayout, host: HostInventory): string {
  const cluster = layout.clusters.find((c) => c.id === host.clusterId);
  return cluster?.replicaBroker ?? host.name;
}
function fqdn(name: string): string { return `${name.toLowerCase()}.${DOMAIN}`; }
function pad(n: number, width: number): string { return String(n).padStart(width, '0'); }
function clusterLetter(i: number): string {
  return i < 26 ? String.fromCharCode(65 + i) : `${String.fromCharCode(65 + Math.floor(i / 26) - 1)}${String.fromCharCode(65 + (i % 26))}`;
}
