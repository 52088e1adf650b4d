import type { Vm } from '../../../../shared/model/estate.ts';
import type { GroupPriority } from '../../../../shared/model/hyperv-enums.ts';
import type { HostInventory } from '../../estate/host-usage.ts';
import { holdsMemory } from '../../estate/host-usage.ts';
import { fqdnOf, type LabWorld } from './lab-world.ts';
import type { LiveMigration } from './live-migration.ts';
import type { ReplicationEngine } from './replication-engine.ts';
import type { VmPower } from './vm-power.ts';

/** Failover Clustering notices a dead node after missed heartbeats (SameSubnetThreshold × delay). */
const CLUSTER_MODEL = { detectionMs: 10_000 } as const;

const PRIORITY_ORDER: Record<GroupPriority, number> = { High: 0, Medium: 1, Low: 2, NoAutoStart: 3 };

/** What the cluster does when a node dies: VM roles move to the survivors and restart where they fit. */
export class ClusterRecovery {
  private readonly world: LabWorld;
  private readonly power: VmPower;
  private readonly migration: LiveMigration;
  private readonly replication: ReplicationEngine;

  constructor(world: LabWorld, power: VmPower, migration: LiveMigration, replication: ReplicationEngine) {
    this.world = world;
    this.power = power;
    this.migration = migration;
    this.replication = replication;
  }

  crash(host: HostInventory, reason: string): void {
    const world = this.world;
    if (host.state === 'Down') return;
    world.setHost(host, { state: 'Down' });
    world.event('cluster.node-down', 'error', `Node ${host.name} is down (${reason}).`, { host: host.name });
    this.migration.hostFailed(host.id);
    const wasRunning = new Set<string>();
    for (const id of [...(world.vmsByHost.get(host.id) ?? [])]) {
      const vm = world.vms.get(id)!;
      for (const rel of this.replication.sourcesOf(vm.id)) this.replication.abortTransfer(rel);
      const rel = this.replication.targetOf(vm.id);
      if (rel) this.replication.abortTransfer(rel);
      if (holdsMemory(vm)) {
        wasRunning.add(id);
        this.power.powerOff(vm);
      }
    }
    world.queue.after(CLUSTER_MODEL.detectionMs, () => this.failoverRoles(host, wasRunning));
  }

  restore(host: HostInventory): void {
    if (host.state !== 'Down') return;
    this.world.setHost(host, { state: 'Up' });
    this.migration.drainStatus.delete(host.id);
    this.world.event('cluster.node-up', 'info', `Node ${host.name} joined the cluster again.`, { host: host.name });
  }

  /** Moves every role off the dead node; the ones that were running restart by priority. */
  private failoverRoles(host: HostInventory, wasRunning: Set<string>): void {
    const world = this.world;
    if (host.state !== 'Down') return;
    // With every node down the cluster itself is gone: nobody is left to restart anything.
    const cluster = world.clusters.get(host.clusterId)!;
    if (!cluster.hostIds.some((id) => world.hosts.get(id)!.state === 'Up')) return;
    const roles = [...(world.vmsByHost.get(host.id) ?? [])].map((id) => world.vms.get(id)!)
      .sort((a, b) => PRIORITY_ORDER[a.priority] - PRIORITY_ORDER[b.priority] || cmp(a.name, b.name));
    for (const vm of roles) {
      const restart = wasRunning.has(vm.id) && vm.priority !== 'NoAutoStart';
      const dest = this.destination(vm, host.id, restart);
      if (!dest) {
        if (restart) world.event('cluster.restart-failed', 'error', `The cluster could not restart '${vm.name}': no node in the cluster has room for it.`, { vm: vm.name, host: host.name });
        continue;
      }
      world.setVm(vm, { hostId: dest.id });
      if (vm.replication?.mode === 'Primary') {
        vm.replication.primaryServer = fqdnOf(dest.name);
        world.touchVm(vm, 'replication');
      }
      if (!restart) continue;
      if (this.power.refusal(vm)) continue;
      world.event('cluster.restart', 'warning', `The cluster restarts '${vm.name}' on ${dest.name}.`, { vm: vm.name, host: dest.name });
      this.power.powerOn(vm);
    }
  }

  /**
   * Where the cluster puts a role from a dead node, as Failover Clustering does: only possible owners;
   * the first preferred owner that is up and has room; else the node with the most free memory,
   * avoiding nodes that run a VM of the same anti-affinity class while another node will do.
   */
  private destination(vm: Vm, fromHostId: string, needsMemory: boolean): HostInventory | undefined {
    const world = this.world;
    const cluster = world.clusters.get(vm.clusterId)!;
    const fits = (id: string) => !needsMemory || world.freeMemory(id) >= vm.memoryBytes;
    const candidates = cluster.hostIds.filter((id) => id !== fromHostId && world.hosts.get(id)!.state === 'Up'
      && (!vm.possibleOwners || vm.possibleOwners.includes(id)));
    for (const id of vm.preferredOwners ?? []) if (candidates.includes(id) && fits(id)) return world.hosts.get(id)!;
    const classes = vm.antiAffinity ?? [];
    const clashes = (id: string) => classes.length > 0 && [...(world.vmsByHost.get(id) ?? [])].some((other) => {
      const o = world.vms.get(other)!;
      return o.id !== vm.id && holdsMemory(o) && (o.antiAffinity ?? []).some((c) => classes.includes(c));
    });
    let best: HostInventory | undefined;
    let bestKey: [number, number] = [Infinity, Infinity];
    for (const id of candidates) {
      if (!fits(id)) continue;
      const key: [number, number] = [clashes(id) ? 1 : 0, -world.freeMemory(id)];
      if (key[0] < bestKey[0] || (key[0] === bestKey[0] && key[1] < bestKey[1])) { best = world.hosts.get(id)!; bestKey = key; }
    }
    return best;
  }
}

function cmp(a: string, b: string): number { return a < b ? -1 : a > b ? 1 : 0; }
