import { ContractError } from '../../../../shared/contract/errors.ts';
import type { BackendInfo, Cluster, Site, Vm } from '../../../../shared/model/estate.ts';
import type { ClockPort, LoggerPort, TimerHandle } from '../../ports.ts';
import type { EstateInventory, SourcePatch } from '../estate-source.ts';
import type { HostInventory } from '../../../../shared/model/host-usage.ts';
import type { BackendEvent, HyperVBackend, StartVMFailoverOptions, VMInfo, VmTarget } from '../backend-port.ts';
import type { Route, RunResult, SiteSession } from './site-session.ts';
import type { JsonObject } from './argument-encoding.ts';
import { HostBatch } from './host-batch.ts';
import { applyReplicationAnswer, applyVmAnswer, mapSiteInventory, type ClusterAnswer, type SiteInventory } from './inventory-mapper.ts';
import { contractErrorOf, parseData as parseStrict } from './ps-output.ts';
import {
  ClusterGroupRowSchema, ClusterNodeRowSchema, InventoryAnswerSchema, MeasureRowSchema, MigrationJobRowSchema,
  ReplicationAnswerSchema, ReplicationRowSchema, NetworkAdapterRowSchema, SnapshotRowSchema, SwitchRowSchema, toVMInfo, VmHostRowSchema, VmItemSchema, VmRowSchema,
} from './ps-rows.ts';
import { psList, withValueWarnings } from './ps-values.ts';
import type { z } from 'zod';
import type { RemoteOperation } from './script-catalog.ts';

/**
 * The backend port over PowerShell remoting: one SiteSession (a pool of shells) per site. Inventory
 * reads are batched per cluster (get-inventory, get-replication fan out to every node in one line);
 * reads of single VMs made in the same turn are batched per host (get-vms). A change to a VM is
 * followed by a read of that VM (the row the change answered, or one batched read), and the estate
 * is updated from it; the full inventory is re-read on its own schedule (every `inventoryEvery`-th
 * refresh), not after each change. A change to a cluster (a move, a drain) re-reads the cluster.
 */

interface PowerShellBackendOptions {
  sessions: SiteSession[];
  clock: ClockPort;
  logger?: LoggerPort;
  /** Replication refresh period; Hyper-V's own cycle is 30 s at best. */
  refreshMs?: number;
  /** Every n-th refresh is a full inventory (new VMs, moved VMs, host settings). */
  inventoryEvery?: number;
}

export interface PowerShellBackend extends HyperVBackend {
  /** One replication refresh (or a full inventory), patches included. */
  refresh(full?: boolean): Promise<SourcePatch[]>;
  /** Lines sent to all shells since start: the bench's round-trip count. */
  roundTrips(): number;
  /** Lines sent since start, by site id. */
  linesBySite(): Record<string, number>;
}

/** See `minPollMs` below. */
const MIN_POLL_MS = 10_000;

type Located = { session: SiteSession; host: HostInventory; cluster: Cluster; vm?: Vm };

export function createPowerShellBackend(options: PowerShellBackendOptions): PowerShellBackend {
  const info: BackendInfo = { kind: 'powershell', description: `PowerShell remoting to ${options.sessions.map((s) => s.profile.name).join(', ')}`, seed: null, placementRules: true };
  const sites = new Map<string, SiteInventory>();
  const vms = new Map<string, Vm>();
  const hosts = new Map<string, HostInventory>();
  const listeners = new Set<(events: BackendEvent[]) => void>();
  let onPatches: ((patches: SourcePatch[]) => void) | null = null;
  let timer: TimerHandle | null = null;
  let refreshes = 0;
  let eventSeq = 0;
  let trips = 0;
  const bySite: Record<string, number> = {};
  let stopped = false;

  const run = async (session: SiteSession, operation: RemoteOperation, route: Route, args: JsonObject = {}, timeoutMs?: number): Promise<RunResult> => {
    trips += 1;
    bySite[session.profile.siteId] = (bySite[session.profile.siteId] ?? 0) + 1;
    return session.run(operation, route, args, timeoutMs === undefined ? {} : { timeoutMs });
  };

  /** The one answer of a single-host call, or its error as a ContractError. */
  const single = (result: RunResult, what: string): unknown => {
    const first = result.results[0];
    if (!first) throw result.failures[0] ? contractErrorOf(result.failures[0], what) : new ContractError('backend', `${what}: no host answered.`);
    if (!first.output.ok) throw contractErrorOf({ ...first.output.error, computerName: first.computerName }, what);
    return first.output.data;
  };

  const emit = (event: Omit<BackendEvent, 'seq' | 'at'>) => {
    const full = { ...event, seq: ++eventSeq, at: options.clock.now() };
    for (const listener of listeners) listener([full]);
  };

  /**
   * Parses a host's answer, keeping it when a value in it is one nobody knows (a new VMState): that
   * row reads as Other/Unknown and the operator is told once per distinct value, rather than the
   * host's whole answer being refused and a site going blank during a disaster.
   */
  const warned = new Set<string>();
  function parseData<T extends z.ZodType>(schema: T, data: unknown, what: string): z.output<T> {
    const warnings: string[] = [];
    const value = withValueWarnings(warnings, () => parseStrict(schema, data, what));
    for (const message of warnings) {
      const key = `${what.split(' ')[0]}: ${message}`;
      if (warned.has(key)) continue;
      warned.add(key);
      options.logger?.warn('PowerShell answer held a value Standby does not know', { what, message });
      emit({ kind: 'powershell.unknown-value', severity: 'warning', message: `${what}: ${message}` });
    }
    return value;
  }

  async function readCluster(session: SiteSession, cluster: string): Promise<ClusterAnswer> {
    const result = await run(session, 'get-inventory', { kind: 'cluster-nodes', cluster });
    // A node that refused the script itself (a JEA endpoint in NoLanguage mode, a parser error) is
    // an error to show, not a node with nothing on it: no answer from it is believed.
    const refused = result.failures.find((f) => /ScriptsNotAllowed|ParserError|ParseException/i.test(`${f.id} ${f.category}`));
    if (refused) {
      throw new ContractError('backend', `${refused.computerName || cluster} refused Standby's script (${refused.id || refused.category}): ${refused.message ?? ''} `
        + 'A JEA endpoint runs in NoLanguage mode and refuses the script blocks Standby sends; connect without -ConfigurationName, or to an endpoint in FullLanguage mode.', refused.computerName || cluster);
    }
    // No node answered at all: the cluster is unknown, not empty.
    if (result.results.length === 0 && result.failures[0]) throw contractErrorOf(result.failures[0], 'get-inventory');
    const answers = result.results.map((r) => {
      if (!r.output.ok) throw contractErrorOf({ ...r.output.error, computerName: r.computerName }, 'get-inventory');
      return { computerName: r.computerName, answer: parseData(InventoryAnswerSchema, r.output.data, `get-inventory ${r.computerName}`) };
    });
    return { cluster, hosts: answers };
  }

  /** Why a site's last read failed, shown as its reach problem until a read succeeds. */
  const readErrors = new Map<string, string>();
  async function readSite(session: SiteSession): Promise<SiteInventory> {
    try {
      const site = await readSiteOnce(session);
      readErrors.delete(session.profile.siteId);
      return site;
    } catch (error) {
      readErrors.set(session.profile.siteId, (error as Error).message);
      throw error;
    }
  }

  async function readSiteOnce(session: SiteSession): Promise<SiteInventory> {
    if (session.state().state !== 'connected' && session.state().state !== 'degraded') await session.connect();
    const previous = sites.get(session.profile.siteId);
    const vmsByHost = new Map<string, Vm[]>();
    for (const vm of previous?.vms ?? []) vmsByHost.set(vm.hostId, [...(vmsByHost.get(vm.hostId) ?? []), vm]);
    // Parse every cluster before touching the model: a bad answer leaves the estate as it was.
    const clusters: ClusterAnswer[] = [];
    for (const endpoint of session.profile.clusters) clusters.push(await readCluster(session, endpoint.cluster));
    return mapSiteInventory(session.profile, clusters, previous ? { hosts: new Map(previous.hosts.map((h) => [h.id, h])), vmsByHost } : undefined);
  }

  function adopt(site: SiteInventory): SourcePatch[] {
    const patches: SourcePatch[] = [];
    const before = sites.get(site.site.id);
    sites.set(site.site.id, site);
    const seen = new Set(site.vms.map((v) => v.id));
    for (const vm of before?.vms ?? []) if (!seen.has(vm.id)) { vms.delete(vm.id); patches.push({ op: 'remove', kind: 'vm', id: vm.id }); }
    for (const host of site.hosts) {
      const old = hosts.get(host.id);
      hosts.set(host.id, host);
      if (!old || JSON.stringify(old) !== JSON.stringify(host)) patches.push({ op: 'put', kind: 'host', value: host });
    }
    for (const vm of site.vms) patches.push(...diffVm(vm));
    patches.push({ op: 'put', kind: 'site', value: site.site });
    for (const cluster of site.clusters) patches.push({ op: 'put', kind: 'cluster', value: cluster });
    return patches;
  }

  function diffVm(vm: Vm): SourcePatch[] {
    const old = vms.get(vm.id);
    vms.set(vm.id, vm);
    if (!old) return [{ op: 'put', kind: 'vm', value: vm }];
    const value: Partial<Vm> = {};
    for (const key of Object.keys(vm) as (keyof Vm)[]) {
      if (JSON.stringify(vm[key]) !== JSON.stringify(old[key])) (value as Record<string, unknown>)[key] = vm[key];
    }
    return Object.keys(value).length === 0 ? [] : [{ op: 'merge', kind: 'vm', id: vm.id, value }];
  }

  function inventory(): EstateInventory {
    const all = [...sites.values()];
    const now = Math.max(options.clock.now(), ...all.map((s) => s.collectedAt));
    return {
      backend: info,
      clock: { source: 'real', now, speed: 1 },
      sites: all.map((s) => s.site) as Site[],
      clusters: all.flatMap((s) => s.clusters),
      hosts: all.flatMap((s) => s.hosts),
      vms: all.flatMap((s) => s.vms),
    };
  }

  async function refreshReplication(session: SiteSession): Promise<SourcePatch[]> {
    const site = sites.get(session.profile.siteId);
    if (!site) return adopt(await readSite(session));
    const updated: Vm[] = [];
    for (const cluster of site.clusters) {
      const result = await run(session, 'get-replication', { kind: 'cluster-nodes', cluster: cluster.name });
      for (const r of result.results) {
        if (!r.output.ok) continue;
        const answer = parseData(ReplicationAnswerSchema, r.output.data, `get-replication ${r.computerName}`);
        const hostId = cluster.hostIds.find((id) => hosts.get(id)?.name.toLowerCase() === r.computerName.toLowerCase());
        updated.push(...applyReplicationAnswer(site.vms.filter((v) => v.hostId === hostId), answer));
      }
    }
    const patches = updated.flatMap((vm) => diffVm(vm));
    site.vms = site.vms.map((v) => vms.get(v.id) ?? v);
    return patches;
  }

  async function refresh(full = false): Promise<SourcePatch[]> {
    refreshes += 1;
    const everyFull = options.inventoryEvery ?? 10;
    const patches: SourcePatch[] = [];
    const results = await Promise.allSettled(options.sessions.map(async (session) =>
      full || refreshes % everyFull === 0 ? adopt(await readSite(session)) : refreshReplication(session)));
    for (const r of results) {
      if (r.status === 'fulfilled') patches.push(...r.value);
      else options.logger?.warn('PowerShell refresh failed', { error: String(r.reason) });
    }
    patches.push({ op: 'clock', value: { source: 'real', now: options.clock.now(), speed: 1 } });
    return patches;
  }

  function locateHost(computerName: string): Located {
    const wanted = computerName.toLowerCase().split('.')[0]!;
    for (const session of options.sessions) {
      const site = sites.get(session.profile.siteId);
      for (const host of site?.hosts ?? []) {
        if (host.name.toLowerCase() === wanted) return { session, host, cluster: site!.clusters.find((c) => c.id === host.clusterId)! };
      }
    }
    throw new ContractError('not-found', `No connected site has a host named ${computerName}.`, computerName);
  }

  /** A host name, or a Replica Broker / cluster name resolved to the node that holds the VM now. */
  function locate(target: VmTarget): Located {
    const wanted = target.computerName.toLowerCase().split('.')[0]!;
    for (const session of options.sessions) {
      const site = sites.get(session.profile.siteId);
      const cluster = site?.clusters.find((c) => c.name.toLowerCase() === wanted || c.replicaBroker?.toLowerCase() === wanted);
      if (!cluster) continue;
      const vm = site!.vms.find((v) => v.clusterId === cluster.id && v.name === target.vmName);
      if (!vm) throw new ContractError('not-found', `Hyper-V was unable to find a virtual machine with name "${target.vmName}" on ${target.computerName}.`, target.vmName);
      return { session, host: hosts.get(vm.hostId)!, cluster, vm };
    }
    const at = locateHost(target.computerName);
    const vm = sites.get(at.session.profile.siteId)?.vms.find((v) => v.hostId === at.host.id && v.name === target.vmName);
    return vm ? { ...at, vm } : at;
  }

  /** A VM's row, as a read or a change answered it, into the estate (the copy on that host's site). */
  function learn(at: Located, info: VMInfo): void {
    const site = sites.get(at.session.profile.siteId);
    const index = site?.vms.findIndex((v) => v.vmId === info.VMId && v.name === info.Name) ?? -1;
    if (!site || index < 0) return; // a VM the inventory has not seen yet (a drill's test VM) joins at the next one
    const patches = diffVm(applyVmAnswer(site.vms[index]!, info));
    site.vms[index] = vms.get(site.vms[index]!.id)!;
    if (patches.length > 0) onPatches?.(patches);
  }

  /** Get-VM of single VMs, one line per host per turn; each answer also updates the estate. */
  const vmReads = new HostBatch<{ vmName: string }, VMInfo>(async (hostName, items) => {
    const at = locateHost(hostName);
    const data = single(await run(at.session, 'get-vms', { kind: 'node', computerName: at.host.name }, { vms: items.map((i) => ({ vmName: i.vmName })) }), 'get-vms');
    const rows = parseData(psList(VmItemSchema), data, `get-vms ${at.host.name}`);
    if (rows.length !== items.length) throw new ContractError('backend', `get-vms: ${at.host.name} answered ${rows.length} of ${items.length} VMs; nothing was applied.`, at.host.name);
    return rows.map((row) => {
      if (!row.ok) return contractErrorOf({ ...row.error, computerName: at.host.name }, 'get-vm');
      const info = toVMInfo(row.vm);
      learn(at, info);
      return info;
    });
  }, (item) => item.vmName);

  /**
   * Guest shutdowns on one host started in the same turn leave as one stop-vms line: the host runs
   * them at once (Stop-VM -AsJob) and answers each VM's row or error, so a planned failover does not
   * shut a host's VMs down one after another, nor hold a session per shutdown.
   */
  const vmStops = (turnOff: boolean) => new HostBatch<{ vmName: string; vmId: string | null }, VMInfo>(async (hostName, items) => {
    const at = locateHost(hostName);
    const line = await run(at.session, 'stop-vms', { kind: 'node', computerName: at.host.name }, { turnOff, vms: items.map((i) => (i.vmId ? { vmName: i.vmName, vmId: i.vmId } : { vmName: i.vmName })) }, at.session.profile.timeouts.operationMs);
    const rows = parseData(psList(VmItemSchema), single(line, 'stop-vms'), `stop-vms ${at.host.name}`);
    if (rows.length !== items.length) throw new ContractError('backend', `stop-vms: ${at.host.name} answered ${rows.length} of ${items.length} VMs; Standby re-reads them to see what happened.`, at.host.name);
    return rows.map((row) => (row.ok ? toVMInfo(row.vm) : contractErrorOf({ ...row.error, computerName: at.host.name }, 'stop-vm')));
  }, (item) => item.vmName);
  const shutdowns = vmStops(false);
  const turnOffs = vmStops(true);

  /**
   * One call about one VM, on the node that holds it: addressed by its VMId once discovered (names
   * are wildcard patterns on the host and need not be unique), the name riding along for messages.
   * A drain or a node loss moves VMs between reads: on "not found" the owner is resolved again from a
   * fresh read of its cluster, once, before the answer is believed ("not found" applied nothing).
   */
  async function onVm(target: VmTarget, operation: RemoteOperation, args: JsonObject, timeout: 'command' | 'operation' = 'command'): Promise<unknown> {
    const attempt = async (at: Located) => {
      const timeoutMs = timeout === 'operation' ? at.session.profile.timeouts.operationMs : undefined;
      const vmArgs = { ...args, vmName: target.vmName, ...(at.vm ? { vmId: at.vm.vmId } : {}) };
      return single(await run(at.session, operation, { kind: 'node', computerName: at.host.name }, vmArgs, timeoutMs), operation);
    };
    const at = locate(target);
    try {
      return await attempt(at);
    } catch (error) {
      if (!(error instanceof ContractError && error.code === 'not-found') || !at.vm) throw error;
      await reread(at);
      const again = locate(target);
      if (again.host.id === at.host.id) throw error;
      return attempt(again);
    }
  }

  /**
   * Do, then read again what the change touched and put what the read shows into the estate,
   * whether the change succeeded or not: a VM (the row its change answered, else one batched read
   * of it), or for a cluster-wide change (a drain; a move, which changes the VM's host) the cluster.
   */
  async function change<T>(located: Located, what: string, vmName: string | undefined, action: () => Promise<T>, scope: 'vm' | 'cluster' = vmName === undefined ? 'cluster' : 'vm'): Promise<T> {
    let answered: VMInfo | null = null;
    try {
      const value = await action();
      if (vmName !== undefined && value && typeof value === 'object' && 'VMId' in value && 'State' in value) answered = value as unknown as VMInfo;
      emit({ kind: `powershell.${what}`, severity: 'info', message: `${what} ${vmName ?? ''} on ${located.host.name} done.`.replace('  ', ' '), vm: vmName, host: located.host.name });
      return value;
    } catch (error) {
      emit({ kind: `powershell.${what}`, severity: 'error', message: `${what} ${vmName ?? ''} on ${located.host.name} failed: ${(error as Error).message}`, vm: vmName, host: located.host.name });
      throw error;
    } finally {
      const after = scope === 'cluster' || vmName === undefined ? reread(located)
        : answered ? Promise.resolve(learn(located, answered))
          : vmReads.ask(located.host.name, { vmName }).then(() => undefined, (e: unknown) => {
            if (!(e instanceof ContractError && e.code === 'not-found')) throw e;
          });
      await after.catch((e: unknown) => options.logger?.warn('Re-read after a change failed', { error: String(e) }));
    }
  }

  async function reread(located: Located): Promise<void> {
    const site = sites.get(located.session.profile.siteId);
    if (!site) return;
    const answer = await readCluster(located.session, located.cluster.name);
    const vmsByHost = new Map<string, Vm[]>();
    for (const vm of site.vms) vmsByHost.set(vm.hostId, [...(vmsByHost.get(vm.hostId) ?? []), vm]);
    const fresh = mapSiteInventory(located.session.profile, [answer], { hosts, vmsByHost });
    const others = site.vms.filter((v) => v.clusterId !== located.cluster.id);
    const next: SiteInventory = {
      ...site,
      clusters: site.clusters.map((c) => (c.id === located.cluster.id ? fresh.clusters[0]! : c)),
      hosts: [...site.hosts.filter((h) => h.clusterId !== located.cluster.id), ...fresh.hosts],
      vms: [...others, ...fresh.vms],
      site: site.site,
    };
    const patches = adopt(next);
    if (patches.length > 0) onPatches?.(patches);
  }

  const vmChange = <T>(target: VmTarget, what: RemoteOperation, args: JsonObject, map: (data: unknown) => T, timeout: 'command' | 'operation' = 'operation') => {
    const located = locate(target);
    return change(located, what, target.vmName, async () => map(await onVm(target, what, args, timeout)));
  };
  const oneVm = (data: unknown, what: string) => {
    const rows = parseData(psList(VmRowSchema), data, what);
    if (!rows[0]) throw new ContractError('backend', `${what}: the VM was not listed after the change.`);
    return toVMInfo(rows[0]);
  };
  const clusterOf = (name: string): Located => {
    for (const session of options.sessions) {
      const site = sites.get(session.profile.siteId);
      const cluster = site?.clusters.find((c) => c.name.toLowerCase() === name.toLowerCase());
      if (cluster) return { session, cluster, host: hosts.get(cluster.hostIds[0]!)! };
    }
    return locateHost(name);
  };

  return {
    info,
    // A run's poll of a host is a line (one per host per tick, batched): every 10 s finds a VM up
    // within 5 s on average (seconds on a 20-minute boot storm) for a fifth of the lines 2 s polls cost.
    minPollMs: MIN_POLL_MS,
    // Real hosts keep real time: waits are the core's clock.
    clock: {
      now: () => options.clock.now(),
      sleep: (ms) => new Promise((resolve) => { options.clock.setTimeout(resolve, Math.max(0, ms)); }),
    },
    async load() {
      // A site that cannot be reached at start (the very case a DR console exists for) must not keep
      // the console from starting: it joins the estate at the first refresh that reaches it.
      const loaded = await Promise.allSettled(options.sessions.map((s) => readSite(s)));
      loaded.forEach((result, i) => {
        if (result.status === 'fulfilled') adopt(result.value);
        else options.logger?.warn('A site could not be loaded at start', { site: options.sessions[i]!.profile.siteId, error: String(result.reason) });
      });
      return inventory();
    },
    start(listener) {
      onPatches = listener;
      const tick = () => {
        if (stopped) return;
        void refresh().then((patches) => { if (!stopped) listener(patches); }).finally(() => {
          if (!stopped) timer = options.clock.setTimeout(tick, options.refreshMs ?? 30_000);
        });
      };
      timer = options.clock.setTimeout(tick, options.refreshMs ?? 30_000);
    },
    async dispose() {
      stopped = true;
      timer?.cancel();
      await Promise.all(options.sessions.map((s) => s.dispose()));
    },
    refresh,
    roundTrips: () => trips,
    linesBySite: () => ({ ...bySite }),
    onEvents(listener) { listeners.add(listener); return () => listeners.delete(listener); },
    siteReach() {
      return options.sessions.map((session) => {
        const { state, lastError } = session.state();
        const readError = readErrors.get(session.profile.siteId);
        return { siteId: session.profile.siteId, state, problem: lastError ? lastError.advice : readError ?? (state === 'connected' ? null : `The session to ${session.profile.name} is ${state}.`) };
      });
    },

    async getVM(query = {}) {
      if (query.computerName && query.vmName) {
        const at = locateHost(query.computerName);
        return [await vmReads.ask(at.host.name, { vmName: query.vmName })];
      }
      const targets: { session: SiteSession; route: Route }[] = query.computerName
        ? [locateHost(query.computerName)].map((at) => ({ session: at.session, route: { kind: 'node', computerName: at.host.name } }))
        : options.sessions.flatMap((session) => (sites.get(session.profile.siteId)?.clusters ?? []).map((cluster) => ({ session, route: { kind: 'cluster-nodes', cluster: cluster.name } })));
      const out = [];
      const unanswered: ContractError[] = [];
      for (const t of targets) {
        const route = t.route;
        const result = await run(t.session, 'get-vm', route, query.vmName ? { vmName: query.vmName } : {});
        for (const r of result.results) {
          if (r.output.ok) out.push(...parseData(psList(VmRowSchema), r.output.data, 'get-vm').map(toVMInfo));
          else if (contractErrorOf(r.output.error, 'get-vm').code !== 'not-found') unanswered.push(contractErrorOf({ ...r.output.error, computerName: r.computerName }, 'get-vm'));
        }
        for (const f of result.failures) unanswered.push(contractErrorOf(f, 'get-vm'));
      }
      // Not found only when every node asked answered that it has no such VM: a node that did not
      // answer may hold it (a shutdown or cleanup must not read a silent node as done).
      if (query.vmName && out.length === 0 && unanswered[0]) throw unanswered[0];
      if (query.vmName && out.length === 0) throw new ContractError('not-found', `Hyper-V was unable to find a virtual machine with name "${query.vmName}".`, query.vmName);
      return out;
    },
    async getVMHost(computerName) {
      const at = locateHost(computerName);
      return parseData(VmHostRowSchema, single(await run(at.session, 'get-vmhost', { kind: 'node', computerName: at.host.name }), 'get-vmhost'), 'get-vmhost');
    },
    async getClusterNode(cluster) {
      const at = clusterOf(cluster);
      return parseData(psList(ClusterNodeRowSchema), single(await run(at.session, 'get-clusternode', { kind: 'cluster', cluster: at.cluster.name }), 'get-clusternode'), 'get-clusternode');
    },
    async getClusterGroup(cluster) {
      const at = clusterOf(cluster);
      const rows = parseData(psList(ClusterGroupRowSchema), single(await run(at.session, 'get-clustergroup', { kind: 'cluster', cluster: at.cluster.name }), 'get-clustergroup'), 'get-clustergroup');
      return rows.filter((r) => r !== null);
    },
    async getVMReplication(target) {
      return parseData(psList(ReplicationRowSchema), await onVm(target, 'get-vmreplication', {}), 'get-vmreplication').map((r) => r.info);
    },
    async measureVMReplication(target) {
      return parseData(psList(MeasureRowSchema), await onVm(target, 'measure-vmreplication', {}), 'measure-vmreplication');
    },
    async getVMSnapshot(target, snapshotType) {
      return parseData(psList(SnapshotRowSchema), await onVm(target, 'get-vmsnapshot', snapshotType ? { snapshotType } : {}), 'get-vmsnapshot');
    },
    async getVMSwitch(computerName) {
      const at = locateHost(computerName);
      return parseData(psList(SwitchRowSchema), single(await run(at.session, 'get-vmswitch', { kind: 'node', computerName: at.host.name }), 'get-vmswitch'), 'get-vmswitch');
    },
    async getVMNetworkAdapter(target) {
      return parseData(psList(NetworkAdapterRowSchema), await onVm(target, 'get-vmnetworkadapter', {}), 'get-vmnetworkadapter');
    },
    suspendVMReplication: (target) => vmChange(target, 'suspend-vmreplication', {}, () => undefined, 'command'),
    resumeVMReplication: (target, o = {}) => vmChange(target, 'resume-vmreplication', { resynchronize: o.resynchronize === true, continue: o.continue === true }, () => undefined, 'command'),
    setVMReplication: (target, settings) => vmChange(target, 'set-vmreplication', { replicationFrequencySec: settings.replicationFrequencySec }, (data) => {
      // The relationship this copy is primary of: extended on a replica host, simple on a primary.
      const rows = parseData(psList(ReplicationRowSchema), data, 'set-vmreplication').map((r) => r.info);
      const changed = rows.find((r) => r.RelationshipType === 'Extended') ?? rows.find((r) => r.RelationshipType === 'Simple');
      if (!changed) throw new ContractError('backend', 'set-vmreplication: the VM listed no replication after the change.', target.vmName);
      return changed;
    }, 'command'),
    startVMFailover: (target, o: StartVMFailoverOptions = {}) => vmChange(target, 'start-vmfailover', {
      prepare: o.prepare === true, asTest: o.asTest === true, recoverySnapshotName: o.recoverySnapshotName ?? null,
    }, (data) => oneVm(data, 'start-vmfailover')),
    stopVMFailover: (target) => vmChange(target, 'stop-vmfailover', {}, () => undefined),
    completeVMFailover: (target) => vmChange(target, 'complete-vmfailover', {}, () => undefined),
    reverseVMReplication: (target, o = {}) => vmChange(target, 'reverse-vmreplication', { removeExtended: o.removeExtended === true }, () => undefined),
    startVM: (target) => vmChange(target, 'start-vm', {}, (data) => oneVm(data, 'start-vm')),
    stopVM(target, o = {}) {
      const located = locate(target);
      return change(located, 'stop-vm', target.vmName, async () => {
        try {
          return await (o.turnOff === true ? turnOffs : shutdowns).ask(located.host.name, { vmName: target.vmName, vmId: located.vm?.vmId ?? null });
        } catch (error) {
          // Moved since the last read (a drain): the single call finds its new owner; nothing was applied.
          if (!(error instanceof ContractError && error.code === 'not-found') || !located.vm) throw error;
          return oneVm(await onVm(target, 'stop-vm', { turnOff: o.turnOff === true }, 'operation'), 'stop-vm');
        }
      });
    },
    async moveClusterVirtualMachineRole(request) {
      const vm = [...vms.values()].find((v) => v.name === request.vmName && hosts.get(v.hostId)?.name);
      if (!vm) throw new ContractError('not-found', `No clustered role named ${request.vmName}.`, request.vmName);
      const at = locateHost(hosts.get(vm.hostId)!.name);
      return change(at, 'move-vmrole', request.vmName, async () => {
        const data = single(await run(at.session, 'move-vmrole', { kind: 'cluster', cluster: at.cluster.name }, { vmName: request.vmName, vmId: vm.vmId, node: request.node, migrationType: request.migrationType, wait: request.wait !== false }, at.session.profile.timeouts.operationMs), 'move-vmrole');
        const row = parseData(ClusterGroupRowSchema, data, 'move-vmrole');
        if (!row) throw new ContractError('backend', 'move-vmrole: the role is not a virtual machine.');
        return row;
      }, 'cluster');
    },
    async suspendClusterNode(node, o) {
      const at = locateHost(node);
      return change(at, 'suspend-clusternode', undefined, async () => parseData(ClusterNodeRowSchema, single(await run(at.session, 'suspend-clusternode', { kind: 'cluster', cluster: at.cluster.name }, { node: at.host.name, drain: o.drain, wait: o.wait === true }, at.session.profile.timeouts.operationMs), 'suspend-clusternode'), 'suspend-clusternode'));
    },
    async resumeClusterNode(node) {
      const at = locateHost(node);
      return change(at, 'resume-clusternode', undefined, async () => parseData(ClusterNodeRowSchema, single(await run(at.session, 'resume-clusternode', { kind: 'cluster', cluster: at.cluster.name }, { node: at.host.name }), 'resume-clusternode'), 'resume-clusternode'));
    },
    async setVMHost(computerName, settings) {
      const at = locateHost(computerName);
      return change(at, 'set-vmhost', undefined, async () => parseData(VmHostRowSchema, single(await run(at.session, 'set-vmhost', { kind: 'node', computerName: at.host.name }, {
        maximumVirtualMachineMigrations: settings.maximumVirtualMachineMigrations ?? null,
        virtualMachineMigrationPerformanceOption: settings.virtualMachineMigrationPerformanceOption ?? null,
      }), 'set-vmhost'), 'set-vmhost'));
    },
    async getMigrationJobs() {
      const out = [];
      for (const session of options.sessions) {
        for (const cluster of sites.get(session.profile.siteId)?.clusters ?? []) {
          const result = await run(session, 'get-migrationjobs', { kind: 'cluster-nodes', cluster: cluster.name });
          for (const r of result.results) if (r.output.ok) out.push(...parseData(psList(MigrationJobRowSchema), r.output.data, 'get-migrationjobs'));
        }
      }
      return out;
    },
  };
}
