import { ContractError } from '../../../../shared/contract/errors.ts';
import type { LabFault, LabFaultSpec } from '../../../../shared/model/lab.ts';
import type { HostInventory } from '../../../../shared/model/host-usage.ts';
import type { ClusterRecovery } from './cluster-recovery.ts';
import type { LabWorld } from './lab-world.ts';

interface ActiveFault extends LabFault {
  undo: () => void;
  /** backend-timeout only: calls still to swallow. */
  remaining?: number;
  /** primary-site-loss only: the hosts it took down (and only those come back with the site). */
  hostIds?: string[];
}

/** An active fault as a snapshot keeps it: its undo is re-created from the spec. */
export type SavedFault = Omit<ActiveFault, 'undo'>;


/** Faults an instructor or a test injects; each one knows how to undo itself. */
export class Faults {
  private readonly world: LabWorld;
  private readonly cluster: ClusterRecovery;
  private readonly active = new Map<string, ActiveFault>();
  private nextId = 1;

  constructor(world: LabWorld, cluster: ClusterRecovery) {
    this.world = world;
    this.cluster = cluster;
  }

  list(): LabFault[] {
    return [...this.active.values()].map(({ id, spec, injectedAt, description }) => ({ id, spec, injectedAt, description }));
  }

  saveState(): { active: SavedFault[]; nextId: number } {
    return { active: [...this.active.values()].map(({ undo: _undo, ...fault }) => structuredClone(fault)), nextId: this.nextId };
  }

  restoreState(state: { active: SavedFault[]; nextId: number }): void {
    this.active.clear();
    for (const saved of state.active) {
      const fault = structuredClone(saved);
      this.active.set(fault.id, { ...fault, undo: this.undoOf(fault.spec, fault.hostIds ?? []) });
    }
    this.nextId = state.nextId;
  }

  inject(spec: LabFaultSpec): LabFault {
    const { description, undo, hostIds } = this.apply(spec);
    const fault: ActiveFault = { id: `fault-${this.nextId++}`, spec, injectedAt: this.world.now, description, undo, ...(hostIds ? { hostIds } : {}) };
    if (spec.kind === 'backend-timeout') fault.remaining = spec.calls;
    this.active.set(fault.id, fault);
    this.world.event('lab.fault-injected', 'warning', `Fault injected: ${description}.`);
    return { id: fault.id, spec, injectedAt: fault.injectedAt, description };
  }

  clear(id: string): void {
    const fault = this.active.get(id);
    if (!fault) throw new ContractError('not-found', `There is no active fault ${id}.`, id);
    this.active.delete(id);
    fault.undo();
    this.world.event('lab.fault-cleared', 'info', `Fault cleared: ${fault.description}.`);
  }

  /** True when this call must time out (a backend-timeout fault for this VM, or any VM, is armed). */
  takeTimeout(vmName: string | undefined): boolean {
    for (const fault of this.active.values()) {
      if (fault.spec.kind !== 'backend-timeout') continue;
      if (fault.spec.vm && fault.spec.vm.toLowerCase() !== vmName?.toLowerCase()) continue;
      fault.remaining = (fault.remaining ?? 1) - 1;
      if (fault.remaining <= 0) this.active.delete(fault.id);
      return true;
    }
    return false;
  }

  private apply(spec: LabFaultSpec): { description: string; undo: () => void; hostIds?: string[] } {
    const world = this.world;
    switch (spec.kind) {
      case 'host-crash': {
        const host = this.host(spec.host);
        if (host.state === 'Down') throw new ContractError('invalid-state', `Node ${host.name} is already down.`, host.name);
        this.cluster.crash(host, 'power lost');
        return { description: `${host.name} crashed`, undo: this.undoOf(spec, []) };
      }
      case 'wan-degradation': {
        const link = world.links.get(spec.link)!;
        link.degrade(spec.bandwidthFactor, spec.extraLatencyMs);
        return {
          description: `${link.name} degraded to ${Math.round(spec.bandwidthFactor * 100)}% bandwidth${spec.extraLatencyMs ? `, +${spec.extraLatencyMs} ms` : ''}`,
          undo: this.undoOf(spec, []),
        };
      }
      case 'wan-cut': {
        const link = world.links.get(spec.link)!;
        link.cut();
        world.event('wan.down', 'error', `${link.name} is down.`);
        return { description: `${link.name} cut`, undo: this.undoOf(spec, []) };
      }
      case 'primary-site-loss': {
        const site = [...world.sites.values()].find((s) => s.role === 'primary')!;
        const hosts = [...world.hosts.values()].filter((h) => h.siteId === site.id && h.state !== 'Down');
        const link = world.links.get('primary-dr')!;
        link.cut();
        for (const host of hosts) this.cluster.crash(host, 'site lost');
        world.event('site.lost', 'error', `${site.name} is lost: every host and the link to the DR site are down.`);
        const hostIds = hosts.map((h) => h.id);
        return { description: `${site.name} lost`, undo: this.undoOf(spec, hostIds), hostIds };
      }
      case 'replica-storage-full': {
        const site = [...world.sites.values()].find((s) => s.role === spec.site)!;
        world.storageFull.add(site.id);
        return { description: `replica storage full at ${site.name}`, undo: this.undoOf(spec, []) };
      }
      case 'replica-broker-down': {
        const cluster = world.findCluster(spec.cluster) ?? world.findBrokerCluster(spec.cluster);
        if (!cluster || !cluster.replicaBroker) throw new ContractError('not-found', `There is no cluster or Replica Broker named '${spec.cluster}'.`, spec.cluster);
        world.brokerDown.add(cluster.id);
        world.event('cluster.broker-down', 'error', `The Hyper-V Replica Broker ${cluster.replicaBroker} on ${cluster.name} is offline.`);
        return { description: `Replica Broker ${cluster.replicaBroker} down`, undo: this.undoOf(spec, []) };
      }
      case 'vm-boot-failure': {
        const key = spec.vm.toLowerCase();
        if (![...world.vms.values()].some((v) => v.name.toLowerCase() === key)) {
          throw new ContractError('not-found', `Hyper-V was unable to find a virtual machine with name '${spec.vm}'.`, spec.vm);
        }
        world.bootFailures.set(key, spec.mode);
        return { description: `'${spec.vm}' fails to boot (${spec.mode})`, undo: this.undoOf(spec, []) };
      }
      case 'backend-timeout':
        return { description: `the next ${spec.calls} backend call${spec.calls > 1 ? 's' : ''}${spec.vm ? ` for '${spec.vm}'` : ''} time out`, undo: () => {} };
    }
  }

  /**
   * What clearing an applied fault does, from its spec alone (and, for a site loss, the hosts it took
   * down), so a fault restored from a snapshot clears as the injected one would have.
   */
  private undoOf(spec: LabFaultSpec, hostIds: readonly string[]): () => void {
    const world = this.world;
    switch (spec.kind) {
      case 'host-crash': {
        const host = this.host(spec.host);
        return () => this.cluster.restore(host);
      }
      case 'wan-degradation': {
        const link = world.links.get(spec.link)!;
        return () => link.degrade(1, 0);
      }
      case 'wan-cut': {
        const link = world.links.get(spec.link)!;
        return () => { link.restore(); world.event('wan.up', 'info', `${link.name} is up again.`); };
      }
      case 'primary-site-loss': {
        const site = [...world.sites.values()].find((s) => s.role === 'primary')!;
        const link = world.links.get('primary-dr')!;
        const hosts = hostIds.map((id) => world.hosts.get(id)!);
        return () => {
          link.restore();
          for (const host of hosts) this.cluster.restore(host);
          world.event('site.restored', 'info', `${site.name} has power and network again; its VMs stay off until someone starts them.`);
        };
      }
      case 'replica-storage-full': {
        const site = [...world.sites.values()].find((s) => s.role === spec.site)!;
        return () => world.storageFull.delete(site.id);
      }
      case 'replica-broker-down': {
        const cluster = (world.findCluster(spec.cluster) ?? world.findBrokerCluster(spec.cluster))!;
        return () => world.brokerDown.delete(cluster.id);
      }
      case 'vm-boot-failure': {
        const key = spec.vm.toLowerCase();
        return () => world.bootFailures.delete(key);
      }
      case 'backend-timeout':
        return () => {};
    }
  }

  private host(name: string): HostInventory {
    const host = this.world.findHost(name);
    if (!host) throw new ContractError('not-found', `There is no host named '${name}'.`, name);
    return host;
  }
}
