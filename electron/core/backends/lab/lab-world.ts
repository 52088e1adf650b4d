import { clonePlain } from './clone-plain.ts';
import type { Cluster, Site, Vm } from '../../../../shared/model/estate.ts';
import type { LabEvent, LabLinkId } from '../../../../shared/model/lab.ts';
import type { SourcePatch } from '../estate-source.ts';
import { holdsMemory, usableMemoryBytes, type HostInventory } from '../../../../shared/model/host-usage.ts';
import type { EventQueue } from './event-queue.ts';
import type { EventLog } from './event-log.ts';
import type { LabEstate, LabVmProfile } from './estate-generator.ts';
import type { Random } from './random.ts';
import type { WanLink } from './wan-link.ts';

type VmField = keyof Vm;
type HostField = keyof HostInventory;

/** Changed fields are kept as bits: a busy lab marks thousands of VMs per simulated minute. */
const VM_FIELDS: readonly VmField[] = [
  'id', 'vmId', 'name', 'siteId', 'clusterId', 'hostId', 'state', 'heartbeat', 'cpuCount', 'cpuUsagePct',
  'memoryBytes', 'diskBytes', 'tier', 'workload', 'priority', 'tags', 'replication', 'extendedReplication',
];
const VM_FIELD_BIT = new Map(VM_FIELDS.map((field, i) => [field, 1 << i]));

/** The world's records and indexes as plain data, maps as entry lists in their iteration order. */
export interface WorldState {
  sites: Site[];
  clusters: Cluster[];
  hosts: HostInventory[];
  vms: Vm[];
  vmsByHost: [string, string[]][];
  copiesByVmId: [string, string[]][];
  reservations: [string, number][];
  brokerDown: string[];
  storageFull: string[];
  bootFailures: [string, 'start-error' | 'no-heartbeat'][];
  bootScale: [string, number][];
  migrating: string[];
  random: number;
}

/**
 * The lab's truth: its own copies of every site, cluster, host and VM, mutated in place by the
 * engines, plus what changed since the last flush so the estate store gets only changed fields.
 */
export class LabWorld {
  readonly queue: EventQueue;
  readonly random: Random;
  readonly log: EventLog;
  readonly sites = new Map<string, Site>();
  readonly clusters = new Map<string, Cluster>();
  readonly hosts = new Map<string, HostInventory>();
  readonly vms = new Map<string, Vm>();
  readonly profiles: Map<string, LabVmProfile>;
  readonly links = new Map<LabLinkId, WanLink>();
  readonly vmsByHost = new Map<string, Set<string>>();
  readonly copiesByVmId = new Map<string, string[]>();
  /** Memory held on a destination by migrations in flight (the VM is on both hosts meanwhile). */
  readonly reservations = new Map<string, number>();
  readonly brokerDown = new Set<string>();
  readonly storageFull = new Set<string>();
  readonly bootFailures = new Map<string, 'start-error' | 'no-heartbeat'>();
  /**
   * By lower-case VM name: a factor on the guest's boot and application start. Only a rehearsal sets
   * it, from durations measured in earlier runs (the lab's own estate boots as POWER_MODEL says).
   */
  readonly bootScale = new Map<string, number>();
  /** VM record ids being moved by a live or quick migration. */
  readonly migrating = new Set<string>();
  /** Called before a VM's power state changes, so its change log accrues at the old rate. */
  beforePowerChange: (vm: Vm) => void = () => {};

  private readonly names = new Map<string, string>();
  private readonly brokerNames = new Map<string, string>();
  private dirtyVms = new Map<string, number>();
  private dirtyHosts = new Map<string, Set<HostField>>();
  private readonly published = new Set<string>();
  /** Removed since the last flush: if the id is back (a new test VM), it goes out whole. */
  private replaced = new Set<string>();

  constructor(estate: LabEstate, queue: EventQueue, random: Random, log: EventLog) {
    this.queue = queue;
    this.random = random;
    this.log = log;
    this.profiles = estate.profiles;
    for (const site of estate.sites) this.sites.set(site.id, clonePlain(site));
    for (const cluster of estate.clusters) {
      this.clusters.set(cluster.id, clonePlain(cluster));
      if (cluster.replicaBroker) {
        this.brokerNames.set(cluster.replicaBroker.toLowerCase(), cluster.id);
        this.brokerNames.set(fqdnOf(cluster.replicaBroker), cluster.id);
      }
    }
    for (const host of estate.hosts) {
      this.hosts.set(host.id, { ...host });
      this.names.set(host.name.toLowerCase(), host.id);
      this.names.set(fqdnOf(host.name), host.id);
      this.vmsByHost.set(host.id, new Set());
    }
    for (const vm of estate.vms) {
      const copy = clonePlain(vm);
      this.vms.set(copy.id, copy);
      this.published.add(copy.id);
      this.vmsByHost.get(copy.hostId)?.add(copy.id);
      const list = this.copiesByVmId.get(copy.vmId) ?? [];
      list.push(copy.id);
      this.copiesByVmId.set(copy.vmId, list);
    }
  }

  get now(): number { return this.queue.now; }

  // Snapshots ---------------------------------------------------------------------------------------

  /** Everything the world holds, copied (the world goes on mutating its records in place). */
  saveState(): WorldState {
    return clonePlain({
      sites: [...this.sites.values()], clusters: [...this.clusters.values()], hosts: [...this.hosts.values()], vms: [...this.vms.values()],
      vmsByHost: [...this.vmsByHost].map(([id, set]) => [id, [...set]]), copiesByVmId: [...this.copiesByVmId],
      reservations: [...this.reservations], brokerDown: [...this.brokerDown], storageFull: [...this.storageFull],
      bootFailures: [...this.bootFailures], bootScale: [...this.bootScale], migrating: [...this.migrating],
      random: this.random.state(),
    });
  }

  /**
   * Replaces every record and index with a saved state's. Everything is published as it now is:
   * whoever loads a restored world reads its whole inventory, not patches.
   */
  restoreState(state: WorldState): void {
    const refill = <K, V>(map: Map<K, V>, entries: Iterable<readonly [K, V]>) => {
      map.clear();
      for (const [key, value] of entries) map.set(key, value);
    };
    const copy = clonePlain(state);
    refill(this.sites, copy.sites.map((s) => [s.id, s] as const));
    refill(this.clusters, copy.clusters.map((c) => [c.id, c] as const));
    refill(this.hosts, copy.hosts.map((h) => [h.id, h] as const));
    refill(this.vms, copy.vms.map((v) => [v.id, v] as const));
    refill(this.vmsByHost, copy.vmsByHost.map(([id, ids]) => [id, new Set(ids)] as const));
    refill(this.copiesByVmId, copy.copiesByVmId);
    refill(this.reservations, copy.reservations);
    refill(this.bootFailures, copy.bootFailures);
    refill(this.bootScale, copy.bootScale);
    for (const [set, items] of [[this.brokerDown, copy.brokerDown], [this.storageFull, copy.storageFull], [this.migrating, copy.migrating]] as const) {
      set.clear();
      for (const item of items) set.add(item);
    }
    this.random.restore(copy.random);
    this.published.clear();
    for (const id of this.vms.keys()) this.published.add(id);
    this.dirtyVms = new Map();
    this.dirtyHosts = new Map();
    this.replaced = new Set();
  }

  // Lookups -----------------------------------------------------------------------------------------

  /** A host by id, name or FQDN, case-insensitively as Windows resolves them. */
  findHost(nameOrId: string): HostInventory | undefined {
    return this.hosts.get(nameOrId) ?? this.hosts.get(this.names.get(nameOrId.toLowerCase()) ?? '');
  }

  /** The cluster whose Replica Broker answers to this name, if any. */
  findBrokerCluster(name: string): Cluster | undefined {
    return this.clusters.get(this.brokerNames.get(name.toLowerCase()) ?? '');
  }

  findCluster(nameOrId: string): Cluster | undefined {
    const direct = this.clusters.get(nameOrId);
    if (direct) return direct;
    const lower = nameOrId.toLowerCase();
    for (const cluster of this.clusters.values()) if (cluster.name.toLowerCase() === lower) return cluster;
    return undefined;
  }

  copies(vmId: string): Vm[] {
    return (this.copiesByVmId.get(vmId) ?? []).map((id) => this.vms.get(id)!).filter(Boolean);
  }

  /** A test failover's "<name> - Test" copy is a new VM (its own VMId) running the same guest. */
  bootScaleOf(vm: Vm): number {
    return this.bootScale.get(vm.name.toLowerCase().replace(/ - test$/, '')) ?? 1;
  }

  profile(vm: Vm): LabVmProfile | undefined {
    return this.profiles.get(vm.vmId);
  }

  siteRole(siteId: string): Site['role'] {
    return this.sites.get(siteId)!.role;
  }

  // Capacity ----------------------------------------------------------------------------------------

  /** Memory a VM could still be given on this host, counting migrations on their way in. */
  freeMemory(hostId: string): number {
    const host = this.hosts.get(hostId)!;
    let used = this.reservations.get(hostId) ?? 0;
    for (const id of this.vmsByHost.get(hostId) ?? []) {
      const vm = this.vms.get(id)!;
      if (holdsMemory(vm)) used += vm.memoryBytes;
    }
    return usableMemoryBytes(host) - used;
  }

  /** Another copy of the same VM (not a test VM) that is running, if any. */
  runningTwin(vm: Vm): Vm | undefined {
    for (const other of this.copies(vm.vmId)) {
      if (other.id !== vm.id && holdsMemory(other)) return other;
    }
    return undefined;
  }

  // Mutation ----------------------------------------------------------------------------------------

  /** Sets the listed fields, records the ones that changed, keeps the host index right. */
  setVm(vm: Vm, changes: Partial<Vm>): void {
    if (changes.state !== undefined && changes.state !== vm.state) this.beforePowerChange(vm);
    for (const key of Object.keys(changes) as VmField[]) {
      const value = changes[key];
      if (vm[key] === value) continue;
      if (key === 'hostId') {
        this.vmsByHost.get(vm.hostId)?.delete(vm.id);
        this.vmsByHost.get(value as string)?.add(vm.id);
      }
      (vm as Record<VmField, unknown>)[key] = value;
      this.touchVm(vm, key);
    }
  }

  /** For nested objects (replication) the engines change in place. */
  touchVm(vm: Vm, field: VmField): void {
    this.dirtyVms.set(vm.id, (this.dirtyVms.get(vm.id) ?? 0) | (VM_FIELD_BIT.get(field) ?? 0));
  }

  setHost(host: HostInventory, changes: Partial<HostInventory>): void {
    for (const key of Object.keys(changes) as HostField[]) {
      if (host[key] === changes[key]) continue;
      (host as Record<HostField, unknown>)[key] = changes[key];
      let set = this.dirtyHosts.get(host.id);
      if (!set) this.dirtyHosts.set(host.id, (set = new Set()));
      set.add(key);
    }
  }

  addVm(vm: Vm): void {
    this.vms.set(vm.id, vm);
    this.vmsByHost.get(vm.hostId)?.add(vm.id);
    this.touchVm(vm, 'id');
  }

  removeVm(id: string): void {
    const vm = this.vms.get(id);
    if (!vm) return;
    this.vms.delete(id);
    this.vmsByHost.get(vm.hostId)?.delete(id);
    this.replaced.add(id);
    this.touchVm(vm, 'id');
  }

  event(kind: string, severity: LabEvent['severity'], message: string, where: { vm?: string; host?: string } = {}): void {
    this.log.add({ at: this.now, kind, severity, message, ...where });
  }

  /** Everything that changed since the last call, as small merges (puts and removes for test VMs). */
  flushPatches(): SourcePatch[] {
    const patches: SourcePatch[] = [];
    for (const [id, fields] of this.dirtyHosts) {
      const host = this.hosts.get(id);
      if (!host) continue;
      const value: Partial<HostInventory> = {};
      for (const field of fields) (value as Record<string, unknown>)[field] = host[field];
      patches.push({ op: 'merge', kind: 'host', id, value });
    }
    for (const [id, fields] of this.dirtyVms) {
      const vm = this.vms.get(id);
      if (!vm) {
        if (this.published.delete(id)) patches.push({ op: 'remove', kind: 'vm', id });
        continue;
      }
      if (!this.published.has(id) || this.replaced.has(id)) {
        this.published.add(id);
        patches.push({ op: 'put', kind: 'vm', value: clonePlain(vm) });
        continue;
      }
      const value: Partial<Vm> = {};
      for (let i = 0; i < VM_FIELDS.length; i++) {
        if ((fields & (1 << i)) === 0) continue;
        const field = VM_FIELDS[i]!;
        const current = vm[field];
        (value as Record<string, unknown>)[field] = current !== null && typeof current === 'object' ? structuredCopy(current) : current;
      }
      patches.push({ op: 'merge', kind: 'vm', id, value });
    }
    this.dirtyVms = new Map();
    this.dirtyHosts = new Map();
    this.replaced = new Set();
    return patches;
  }
}

/** The store keeps what it is given; nested objects the lab keeps mutating must be copied. */
function structuredCopy<T>(value: T): T {
  return Array.isArray(value) ? (value.slice() as T) : ({ ...value } as T);
}

const DOMAIN_SUFFIX = '.corp.hospital.local';
export function fqdnOf(name: string): string {
  return `${name.toLowerCase()}${DOMAIN_SUFFIX}`;
}
