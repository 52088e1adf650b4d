import {
  VM_NESTED_FIELDS,
  type Clock, type Cluster, type EstateSnapshot, type Host, type Patch, type PatchBatch, type Site, type Vm,
} from '../../../shared/model/estate.ts';
import type { ClockPort, TimerHandle } from '../ports.ts';
import type { EstateInventory, SourcePatch } from '../backends/estate-source.ts';
import { hostUsage, type HostInventory, type HostUsage } from '../../../shared/model/host-usage.ts';
import { isProtectedCopy, rpoStatus, sameRpo } from './rpo-status.ts';
import { BreachQueue } from './breach-queue.ts';

/** VM fields that change what a host holds; other merges (replication figures) leave hosts alone. */
const PLACEMENT_FIELDS = ['state', 'hostId', 'memoryBytes', 'cpuCount', 'cpuUsagePct'] as const;

export interface EstateStore {
  /** The current estate; pending changes are published first so seq matches what clients saw. */
  snapshot(): EstateSnapshot;
  apply(patches: readonly SourcePatch[]): void;
  getVm(id: string): Vm | undefined;
  /** The estate clock without building a snapshot. */
  snapshotClock(): Clock;
  getHost(id: string): Host | undefined;
  vms(): IterableIterator<Vm>;
  hosts(): IterableIterator<Host>;
  sites(): IterableIterator<Site>;
  clusters(): IterableIterator<Cluster>;
  flush(): void;
  dispose(): void;
}

export interface EstateStoreOptions {
  clock: ClockPort;
  /** Patches are batched for this long so a busy estate costs one message per interval. */
  batchMs: number;
  publish(batch: PatchBatch): void;
}

/**
 * The normalized estate the core keeps current. Internally mutable maps (the simulation may apply
 * thousands of changes per second); outwardly, coalesced patch batches and on-demand snapshots.
 */
export function createEstateStore(inventory: EstateInventory, options: EstateStoreOptions): EstateStore {
  const sites = new Map(inventory.sites.map((s) => [s.id, s]));
  const clusters = new Map(inventory.clusters.map((c) => [c.id, c]));
  const hostInventory = new Map(inventory.hosts.map((h) => [h.id, h]));
  const hosts = new Map<string, Host>();
  const vms = new Map(inventory.vms.map((v) => [v.id, v]));
  const vmsByHost = new Map<string, Set<string>>();
  let clock = inventory.clock;
  const backend = inventory.backend;
  let seq = 0;
  let pending = new Map<string, Patch>();
  let timer: TimerHandle | null = null;
  let disposed = false;

  const place = (vm: Vm) => {
    let set = vmsByHost.get(vm.hostId);
    if (!set) vmsByHost.set(vm.hostId, (set = new Set()));
    set.add(vm.id);
  };
  const unplace = (vm: Vm) => { vmsByHost.get(vm.hostId)?.delete(vm.id); };
  const usageOf = (host: HostInventory): HostUsage => {
    const ids = vmsByHost.get(host.id) ?? new Set<string>();
    return hostUsage(host, [...ids].map((id) => vms.get(id)!));
  };

  // When each protected copy's RPO runs out, so a clock tick looks only at those now due.
  const breaches = new BreachQueue();
  for (const vm of vms.values()) {
    place(vm);
    if (isProtectedCopy(vm) || vm.rpo) {
      const rpo = rpoStatus(vm, clock.now);
      vms.set(vm.id, { ...vm, rpo });
      if (rpo?.met && rpo.breachAt !== null) breaches.push(rpo.breachAt, vm.id);
    }
  }
  for (const host of hostInventory.values()) hosts.set(host.id, { ...host, ...usageOf(host) });
  /** Each VM as clients hold it after the last published batch, to send them only what differs. */
  const published = new Map(vms);

  const enqueue = (patch: Patch) => {
    const key = patch.op === 'clock' ? 'clock' : `${patch.kind}:${patch.op === 'put' ? patch.value.id : patch.id}`;
    const earlier = pending.get(key);
    pending.set(key, earlier ? coalesce(earlier, patch) : patch);
    if (!timer && !disposed) timer = options.clock.setTimeout(flush, options.batchMs);
  };

  function flush(): void {
    timer?.cancel();
    timer = null;
    if (pending.size === 0) return;
    const patches: Patch[] = [];
    for (const patch of pending.values()) {
      if (patch.op === 'clock' || patch.kind !== 'vm') { patches.push(patch); continue; }
      const id = patch.op === 'put' ? patch.value.id : patch.id;
      const narrowed = patch.op === 'merge' ? narrowVmMerge(published.get(id), vms.get(id), patch) : patch;
      if (patch.op === 'remove') published.delete(id);
      else published.set(id, vms.get(id)!);
      if (narrowed) patches.push(narrowed);
    }
    pending = new Map();
    if (patches.length === 0) return;
    seq += 1;
    options.publish({ seq, patches });
  }

  function apply(patches: readonly SourcePatch[]): void {
    const touchedHosts = new Set<string>();
    const touchedVms = new Set<string>();
    let clockMoved = false;
    for (const patch of patches) {
      switch (patch.op) {
        case 'clock':
          clock = patch.value;
          clockMoved = true;
          enqueue(patch);
          break;
        case 'put':
          if (patch.kind === 'host') {
            hostInventory.set(patch.value.id, patch.value);
            touchedHosts.add(patch.value.id);
          } else if (patch.kind === 'vm') {
            const before = vms.get(patch.value.id);
            if (before) { unplace(before); touchedHosts.add(before.hostId); }
            vms.set(patch.value.id, patch.value);
            place(patch.value);
            touchedHosts.add(patch.value.hostId);
            touchedVms.add(patch.value.id);
            enqueue(patch);
          } else {
            (patch.kind === 'site' ? sites : clusters).set(patch.value.id, patch.value as Site & Cluster);
            enqueue(patch);
          }
          break;
        case 'merge':
          if (patch.kind === 'vm') {
            const before = vms.get(patch.id);
            if (!before) throw new Error(`Estate patch merges into unknown VM ${patch.id}`);
            const after = { ...before, ...patch.value } as Vm;
            if (after.hostId !== before.hostId) { unplace(before); touchedHosts.add(before.hostId); }
            vms.set(after.id, after);
            place(after);
            if ('replication' in patch.value || 'tier' in patch.value) touchedVms.add(after.id);
            if (after.hostId !== before.hostId || PLACEMENT_FIELDS.some((field) => field in patch.value)) touchedHosts.add(after.hostId);
            enqueue(patch);
          } else if (patch.kind === 'host') {
            const before = hostInventory.get(patch.id);
            if (!before) throw new Error(`Estate patch merges into unknown host ${patch.id}`);
            hostInventory.set(patch.id, { ...before, ...patch.value });
            touchedHosts.add(patch.id);
          } else {
            const table = patch.kind === 'site' ? sites : clusters;
            const before = table.get(patch.id);
            if (!before) throw new Error(`Estate patch merges into unknown ${patch.kind} ${patch.id}`);
            table.set(patch.id, { ...before, ...patch.value } as Site & Cluster);
            enqueue(patch);
          }
          break;
        case 'remove':
          if (patch.kind === 'vm') {
            const before = vms.get(patch.id);
            if (before) { unplace(before); touchedHosts.add(before.hostId); vms.delete(patch.id); }
          } else if (patch.kind === 'host') {
            hostInventory.delete(patch.id);
            hosts.delete(patch.id);
          } else {
            (patch.kind === 'site' ? sites : clusters).delete(patch.id);
          }
          enqueue(patch);
          break;
      }
    }
    if (clockMoved) for (const id of breaches.popDue(clock.now)) touchedVms.add(id);
    deriveRpo(touchedVms);
    for (const id of touchedHosts) {
      const inventoryRow = hostInventory.get(id);
      if (!inventoryRow) continue;
      const next: Host = { ...inventoryRow, ...usageOf(inventoryRow) };
      const before = hosts.get(id);
      hosts.set(id, next);
      if (!before) { enqueue({ op: 'put', kind: 'host', value: next }); continue; }
      const changed = changedFields(before, next);
      if (changed) enqueue({ op: 'merge', kind: 'host', id, value: changed });
    }
  }

  /** RPO compliance is domain truth: decided here, against the estate clock, and patched on change. */
  function deriveRpo(ids: Iterable<string>): void {
    for (const id of ids) {
      const vm = vms.get(id);
      if (!vm) continue;
      const next = rpoStatus(vm, clock.now);
      // Queued again whenever the breach time moves; an older entry for the same VM just re-checks.
      if (next?.met && next.breachAt !== null && next.breachAt !== vm.rpo?.breachAt) breaches.push(next.breachAt, id);
      if (sameRpo(vm.rpo, next)) continue;
      vms.set(id, { ...vm, rpo: next });
      enqueue({ op: 'merge', kind: 'vm', id, value: { rpo: next } });
    }
  }

  return {
    snapshot() {
      flush();
      return {
        seq, backend, clock,
        sites: Object.fromEntries(sites),
        clusters: Object.fromEntries(clusters),
        hosts: Object.fromEntries(hosts),
        vms: Object.fromEntries(vms),
      };
    },
    apply,
    getVm: (id) => vms.get(id),
    snapshotClock: () => clock,
    getHost: (id) => hosts.get(id),
    vms: () => vms.values(),
    hosts: () => hosts.values(),
    sites: () => sites.values(),
    clusters: () => clusters.values(),
    flush,
    dispose() {
      disposed = true;
      timer?.cancel();
      timer = null;
    },
  };
}

type VmMerge = Extract<Patch, { op: 'merge'; kind: 'vm' }>;

/**
 * The merge clients need to turn `base` (what they hold) into `current`: only fields that differ,
 * and for replication objects held on both sides, only the fields inside them that differ. Null
 * when nothing differs (a change undone within one batch).
 */
function narrowVmMerge(base: Vm | undefined, current: Vm | undefined, patch: VmMerge): VmMerge | null {
  if (!base || !current) return patch;
  const value: Partial<Vm> = {};
  const nested: Record<string, object> = {};
  let any = false;
  for (const key of Object.keys(patch.value) as (keyof Vm)[]) {
    const before = base[key];
    const after = current[key];
    if (before === after) continue;
    if ((VM_NESTED_FIELDS as readonly string[]).includes(key) && isObject(before) && isObject(after)) {
      const inner = changedFields(before, after);
      if (inner) { nested[key] = inner; any = true; }
      continue;
    }
    (value as Record<string, unknown>)[key] = after;
    any = true;
  }
  if (!any) return null;
  return Object.keys(nested).length > 0 ? { op: 'merge', kind: 'vm', id: patch.id, value, nested } : { op: 'merge', kind: 'vm', id: patch.id, value };
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null && !Array.isArray(v);

function changedFields<T extends object>(before: T, after: T): Partial<T> | null {
  const out: Partial<T> = {};
  let changed = false;
  for (const key of Object.keys(after) as (keyof T)[]) {
    if (before[key] !== after[key]) { out[key] = after[key]; changed = true; }
  }
  return changed ? out : null;
}

/** Folds a later patch for the same entity into the one still waiting to be sent. */
function coalesce(earlier: Patch, later: Patch): Patch {
  if (later.op !== 'merge' || earlier.op === 'remove' || earlier.op === 'clock') return later;
  if (earlier.op === 'put') return { ...earlier, value: { ...earlier.value, ...later.value } } as Patch;
  return { ...earlier, value: { ...earlier.value, ...later.value } } as Patch;
}
