import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Replication, Vm } from '../../../../shared/model/estate.ts';
import { ContractError } from '../../../../shared/contract/errors.ts';
import type { HostInventory } from '../../../../shared/model/host-usage.ts';
import { hostSwitches, testSwitchOf } from '../../backends/lab/lab-network.ts';
import type { RemoteOperation } from '../../backends/powershell/script-catalog.ts';
import type { DoubleEstate } from '../powershell-double/double-hub.ts';
import type { VMRecoverySnapshot } from '../../backends/backend-port.ts';

/**
 * The one simulated world behind the PowerShell cmdlet emulation (Hyper-V.psm1, FailoverClusters.psm1):
 * an HTTP server on 127.0.0.1 with a token that the emulated cmdlets in the remote pwsh sessions call
 * with Invoke-RestMethod. It wraps the same lab estate the double wraps (DoubleEstate), so timing,
 * faults and boot storms stay the lab's. It answers in the world's own terms (Hyper-V property names,
 * enum *names*, epoch-ms times, seconds): the PowerShell side decides every type, shape and error
 * record from Microsoft's documented behaviour. Nothing here knows what Standby's parsers expect.
 */

export interface BridgeCall {
  /** The host the calling session runs on ($env:COMPUTERNAME of the remote pwsh). */
  host: string;
  /** Which local shell the call descends from (STANDBY_EMU_SHELL passed over SSH), or ''. */
  shell: string;
  cmdlet: string;
  op: string;
  args: Record<string, unknown>;
}

export interface BridgeChange { operation: RemoteOperation; computerName: string; args: Record<string, unknown> }

/** What the world refuses with: the PowerShell side turns this into an ErrorRecord category. */
type Refusal = { reason: 'ObjectNotFound' | 'InvalidOperation' | 'InvalidArgument' | 'OperationTimeout' | 'NotImplemented'; message: string };

export interface WorldBridgeOptions {
  /** Milliseconds each emulated cmdlet takes before it answers (wall time), by cmdlet name. */
  latencyMs?: Record<string, number>;
}

const GiB = 1024 ** 3;

export class WorldBridge {
  readonly token = randomBytes(24).toString('hex');
  port = 0;
  /** Per cmdlet name: calls answered. */
  readonly calls = new Map<string, number>();
  /** Changes that reached the world, in order (counted before they apply). */
  readonly attempts: BridgeChange[] = [];
  /** Changes the world finished. */
  readonly applied: BridgeChange[] = [];
  /** Told of every change before it is applied on a host. */
  onAttempt: ((change: BridgeChange) => void) | null = null;
  /** Told whenever blocked() changes. */
  onBlockedChange: (() => void) | null = null;
  /** Per-cmdlet latency; change it at any time. */
  latencyMs: Record<string, number>;
  /**
   * Holds the next change of this operation for this VM before (or after) it applies, until the
   * returned promise of `hold` is released: lets a test kill a process at a known point.
   */
  private readonly holds: { operation: string; vmName: string; when: 'before' | 'after'; reached: () => void; release: Promise<void> }[] = [];
  private readonly blockedByShell = new Map<string, number>();
  private readonly server: Server;
  private readonly estate: DoubleEstate;

  constructor(estate: DoubleEstate, options: WorldBridgeOptions = {}) {
    this.estate = estate;
    this.latencyMs = { ...options.latencyMs };
    this.server = createServer((req, res) => { void this.serve(req, res); });
    this.server.keepAliveTimeout = 60_000;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Environment the remote pwsh needs to reach this bridge. */
  env(): Record<string, string> {
    return { STANDBY_EMULATION_URL: `http://127.0.0.1:${this.port}/`, STANDBY_EMULATION_TOKEN: this.token };
  }

  /** Calls waiting on the world's time (a cmdlet blocking until Hyper-V is done, or an answer that never comes). */
  blocked(shell?: string): number {
    if (shell !== undefined) return this.blockedByShell.get(shell) ?? 0;
    return [...this.blockedByShell.values()].reduce((a, b) => a + b, 0);
  }

  totalCalls(): number { return [...this.calls.values()].reduce((a, b) => a + b, 0); }

  /** Resolves when the next such change reaches the world; the change waits until `release` is called. */
  hold(operation: RemoteOperation, vmName: string, when: 'before' | 'after'): { reached: Promise<void>; release: () => void } {
    let release!: () => void;
    let reached!: () => void;
    const reachedPromise = new Promise<void>((r) => { reached = r; });
    const releasePromise = new Promise<void>((r) => { release = r; });
    this.holds.push({ operation, vmName, when, reached, release: releasePromise });
    return { reached: reachedPromise, release };
  }

  private block(shell: string, delta: number): void {
    this.blockedByShell.set(shell, (this.blockedByShell.get(shell) ?? 0) + delta);
    this.onBlockedChange?.();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      if (res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || req.headers['x-standby-token'] !== this.token) { reply(403, { ok: false, error: { reason: 'InvalidOperation', message: 'Not the emulation bridge token.' } }); return; }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    let call: BridgeCall;
    try { call = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BridgeCall; } catch { reply(400, { ok: false, error: { reason: 'InvalidArgument', message: 'Not JSON.' } }); return; }
    const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
    this.calls.set(call.cmdlet, (this.calls.get(call.cmdlet) ?? 0) + 1);
    const latency = this.latencyMs[call.cmdlet] ?? 0;
    if (latency > 0) await new Promise((r) => setTimeout(r, latency));
    try {
      this.estate.beforeAnswer?.();
      const value = await this.answer(call, closed);
      if (value === NEVER) return;
      reply(200, { ok: true, value: value ?? null });
    } catch (error) {
      reply(200, { ok: false, error: refusalOf(error) });
    }
  }

  private hostOf(name: string): HostInventory {
    const { hosts } = this.estate.read();
    const host = hosts.find((h) => h.name.toLowerCase() === name.toLowerCase());
    if (!host) throw refusal('ObjectNotFound', `The host ${name} is not part of the emulated estate.`);
    return host;
  }

  private vmsOn(host: HostInventory): Vm[] {
    return this.estate.read().vms.filter((v) => v.hostId === host.id);
  }

  private vmById(host: HostInventory, vmId: unknown): Vm {
    const vm = this.vmsOn(host).find((v) => v.vmId.toLowerCase() === String(vmId).toLowerCase());
    if (!vm) throw refusal('ObjectNotFound', `Hyper-V was unable to find a virtual machine with ID "${String(vmId)}".`);
    return vm;
  }

  private async answer(call: BridgeCall, closed: Promise<void>): Promise<unknown> {
    const host = this.hostOf(call.host);
    const estate = this.estate.read();
    const cluster = estate.clusters.find((c) => c.id === host.clusterId)!;
    const clusterHosts = estate.hosts.filter((h) => h.clusterId === cluster.id);
    switch (call.op) {
      case 'now': return estate.now;
      case 'host': return hostRecord(host);
      case 'vms': {
        // Get-VM -Id asks for one VM: the PowerShell side then builds one object, not the host's all.
        const id = typeof call.args.vmId === 'string' ? call.args.vmId.toLowerCase() : null;
        return this.vmsOn(host).filter((vm) => id === null || vm.vmId.toLowerCase() === id).map((vm) => vmRecord(vm, estate.migrating.has(vm.id), estate.now));
      }
      case 'replications': return this.vmsOn(host).flatMap((vm) => relationshipsOf(vm).map((rep) => replicationRecord(vm, host, rep, estate.now)));
      case 'snapshots': {
        const vm = this.vmById(host, call.args.vmId);
        let points: VMRecoverySnapshot[];
        // Not a replica: no recovery points (Get-VMSnapshot -SnapshotType then finds none).
        try { points = this.estate.recoveryPoints(host, vm.name); } catch { points = []; }
        return points.map((p) => ({ Name: p.Name, VMName: p.VMName, VMId: vm.vmId, SnapshotType: p.SnapshotType, CreationTime: p.CreationTime }));
      }
      case 'switches': return hostSwitches(estate.sites.find((s) => s.id === host.siteId)?.role === 'dr').map((sw) => ({ Name: sw.Name, SwitchType: sw.SwitchType }));
      case 'adapters': {
        const vm = this.vmById(host, call.args.vmId);
        return [{ VMName: vm.name, VMId: vm.vmId, Name: 'Network Adapter', SwitchName: 'vSwitch-Prod', TestReplicaSwitchName: testSwitchOf(vm.name) ?? '' }];
      }
      case 'cluster': {
        const nameOf = (id: string) => clusterHosts.find((h) => h.id === id)?.name ?? id;
        const groups: unknown[] = estate.vms.filter((v) => v.clusterId === cluster.id && !v.name.endsWith(' - Test')).map((v) => ({
          Name: v.name, OwnerNode: clusterHosts.find((h) => h.id === v.hostId)?.name ?? '', State: groupStateOf(v), Priority: v.priority, GroupType: 'VirtualMachine',
          AntiAffinityClassNames: v.antiAffinity ?? [], PreferredOwners: (v.preferredOwners ?? []).map(nameOf),
          PossibleOwners: (v.possibleOwners ?? clusterHosts.map((h) => h.id)).map(nameOf),
        }));
        // The Replica Broker role (group type 115) runs on one node of a cluster that receives replicas.
        const brokerOwner = clusterHosts.find((h) => h.state === 'Up');
        if (cluster.replicaBroker && brokerOwner) groups.push({ Name: cluster.replicaBroker, OwnerNode: brokerOwner.name, State: 'Online', Priority: 'Medium', GroupType: 'VMReplicaBroker', AntiAffinityClassNames: [], PreferredOwners: [], PossibleOwners: clusterHosts.map((h) => h.name) });
        return {
          Name: cluster.name,
          Nodes: clusterHosts.map((h) => ({ Name: h.name, State: h.state, DrainStatus: 'NotInitiated' })),
          Groups: groups,
        };
      }
      case 'migrationjobs': return [];
      case 'act': return this.act(call, host, closed);
      default: throw refusal('NotImplemented', `The emulation bridge has no '${call.op}'.`);
    }
  }

  private async act(call: BridgeCall, host: HostInventory, closed: Promise<void>): Promise<unknown> {
    const operation = String(call.args.operation) as RemoteOperation;
    const args: Record<string, unknown> = { ...(call.args.args as Record<string, unknown> | undefined) };
    if (call.args.vmId !== undefined) args.vmName = this.vmById(host, call.args.vmId).name;
    const change: BridgeChange = { operation, computerName: host.name, args };
    const vmName = typeof args.vmName === 'string' ? args.vmName : '';
    const held = (when: 'before' | 'after') => {
      const i = this.holds.findIndex((h) => h.operation === operation && h.vmName === vmName && h.when === when);
      if (i < 0) return null;
      const [h] = this.holds.splice(i, 1);
      h!.reached();
      return h!.release;
    };
    const waitOn = async (promise: Promise<unknown>) => {
      this.block(call.shell, 1);
      try { return await promise; } finally { this.block(call.shell, -1); }
    };
    const before = held('before');
    if (before) await before;
    this.attempts.push(change);
    this.onAttempt?.(change);
    await waitOn(this.estate.act(operation, host, args as never));
    this.applied.push(change);
    const after = held('after');
    if (after) await after;
    if (vmName && this.estate.takeTimeout?.(vmName)) {
      // Done on the host, answer lost: the call hangs until its caller gives up and the session dies.
      await waitOn(closed);
      return NEVER;
    }
    return null;
  }
}

const NEVER = Symbol('never');

function refusal(reason: Refusal['reason'], message: string): Error & { refusal: Refusal } {
  return Object.assign(new Error(message), { refusal: { reason, message } });
}

function refusalOf(error: unknown): Refusal {
  if (error && typeof error === 'object' && 'refusal' in error) return (error as { refusal: Refusal }).refusal;
  if (error instanceof ContractError) {
    const reason: Refusal['reason'] = error.code === 'not-found' ? 'ObjectNotFound' : error.code === 'timeout' ? 'OperationTimeout' : error.code === 'backend' && /does not model/.test(error.message) ? 'NotImplemented' : 'InvalidOperation';
    return { reason, message: error.message };
  }
  return { reason: 'InvalidOperation', message: error instanceof Error ? error.message : String(error) };
}

function relationshipsOf(vm: Vm): Replication[] {
  return [vm.replication, vm.extendedReplication].filter((r): r is Replication => r !== null);
}

function groupStateOf(vm: Vm): string {
  if (vm.state === 'Running' || vm.state === 'Paused' || vm.state === 'Saving' || vm.state === 'Pausing' || vm.state === 'Resuming') return 'Online';
  if (vm.state === 'Starting' || vm.state === 'Stopping') return 'Pending';
  return 'Offline';
}

/** Tier, workload, tags and disk size are not Hyper-V's: the lab keeps them where an admin would, in Notes. */
function notesOf(vm: Vm): string {
  return `standby: tier=${vm.tier}; workload=${vm.workload}; priority=${vm.priority}; disk=${vm.diskBytes}; tags=${vm.tags.join(',')}`;
}

function hostRecord(host: HostInventory) {
  return {
    Name: host.name, LogicalProcessorCount: host.logicalProcessors, MemoryCapacity: host.memoryBytes,
    MaximumVirtualMachineMigrations: host.maxVmMigrations, MaximumStorageMigrations: host.maxStorageMigrations,
    VirtualMachineMigrationEnabled: true, VirtualMachineMigrationPerformanceOption: host.migrationPerformance,
  };
}

const RUNNING_LIKE = new Set<Vm['state']>(['Running', 'Paused', 'Pausing', 'Resuming', 'Saving', 'Stopping', 'Reset', 'FastSaving']);

function vmRecord(vm: Vm, migrating: boolean, now: number) {
  const rep = vm.replication;
  const on = RUNNING_LIKE.has(vm.state);
  return {
    Name: vm.name, VMId: vm.vmId, State: vm.state,
    // Get-VM: Heartbeat is null for a VM that is off (no integration services running).
    Heartbeat: vm.state === 'Off' || vm.state === 'Saved' ? null : vm.heartbeat,
    ProcessorCount: vm.cpuCount, MemoryStartup: vm.memoryBytes, MemoryAssigned: on ? vm.memoryBytes : 0,
    CPUUsage: on ? Math.round(vm.cpuUsagePct) : 0,
    OperationalStatus: migrating ? ['MigratingVirtualMachine', 'Ok'] : ['Ok'],
    ReplicationMode: rep?.mode ?? 'None', ReplicationState: rep?.state ?? 'Disabled', ReplicationHealth: rep?.health ?? 'NotApplicable',
    Notes: notesOf(vm), UptimeSec: on ? 86_400 : 0, Now: now,
  };
}

function replicationRecord(vm: Vm, host: HostInventory, rep: Replication, now: number) {
  const cycles = Math.max(1, Math.floor(3600 / rep.frequencySec));
  const missed = rep.health === 'Normal' ? 0 : rep.health === 'Warning' ? Math.ceil(cycles * 0.2) : Math.ceil(cycles * 0.5);
  const started = rep.lastReplicationTime !== null;
  return {
    VMName: vm.name, VMId: vm.vmId, ComputerName: host.name,
    ReplicationMode: rep.mode, ReplicationRelationshipType: rep.relationship, ReplicationState: rep.state, ReplicationHealth: rep.health,
    ReplicationFrequencySec: rep.frequencySec, PrimaryServerName: rep.primaryServer, ReplicaServerName: rep.replicaServer,
    CurrentReplicaServerName: rep.replicaServer, LastReplicationTime: rep.lastReplicationTime,
    RecoveryHistory: rep.additionalRecoveryPoints, VSSSnapshotFrequencyHour: rep.appConsistentIntervalHours,
    // Measure-VMReplication's statistics: the world has the backlog; the rest is derived from it.
    PendingReplicationSize: rep.pendingBytes,
    AverageReplicationSize: started ? Math.round(Math.min(rep.pendingBytes, 4 * GiB) * 0.8) : 0,
    MaximumReplicationSize: started ? Math.round(Math.min(rep.pendingBytes, 4 * GiB) * 1.5) : 0,
    AverageReplicationLatencySec: started ? Math.min(rep.frequencySec, 3.5) : null,
    ReplicationErrors: rep.health === 'Critical' ? 2 : 0,
    SuccessfulReplicationCount: started ? cycles - missed : 0, MissedReplicationCount: started ? missed : 0,
    // Without statistics (no cycle yet) Measure-VMReplication gives null monitoring times (DOMAIN.md).
    MonitoringStartTime: started ? now - 3_600_000 : null, MonitoringEndTime: started ? now : null,
    ReplicationHealthDetails: rep.health === 'Normal' ? [] : [`Replication health for virtual machine '${vm.name}' is ${rep.health}.`],
    LastReplicationType: started ? 'Regular' : 'None',
  };
}
