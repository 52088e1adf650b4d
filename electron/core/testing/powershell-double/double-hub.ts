import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Cluster, Site, Vm } from '../../../../shared/model/estate.ts';
import { ContractError } from '../../../../shared/contract/errors.ts';
import type { HostInventory } from '../../../../shared/model/host-usage.ts';
import type { VMRecoverySnapshot } from '../../backends/backend-port.ts';
import { BOOTSTRAP_LINE, decodeArgument, OPERATION_LINE, type JsonObject } from '../../backends/powershell/argument-encoding.ts';
import { hostSwitches, testSwitchOf } from '../../backends/lab/lab-network.ts';
import { BATCHED_OPERATIONS, MUTATING_OPERATIONS, REMOTE_OPERATIONS, type RemoteOperation } from '../../backends/powershell/script-catalog.ts';
import {
  clusterNodeRow, brokerGroupRow, hostRow, inventoryAnswer, measureRow, remoteError, remoteOk, replicationAnswer,
  replicationRow, sessionAnswer, snapshotRow, vmGroupRow, vmRow, type PsFlavor,
} from './windows-json.ts';

/**
 * The other end of the double: one socket the fake shells connect to, answering Standby's lines
 * from an estate the test owns, in Windows-shaped JSON, as session.ps1 and the host scripts would.
 * It counts round trips, records every change it applied, and injects the faults tests need.
 */

/** Changes only the cmdlet emulation asks for (a cmdlet a script calls beside its main one), not a script. */
export type EmulatedOperation = 'remove-vmreplication';

export const FAKE_POWERSHELL = fileURLToPath(new URL('./fake-powershell.sh', import.meta.url));

export interface DoubleEstate {
  read(): { sites: Site[]; clusters: Cluster[]; hosts: HostInventory[]; vms: Vm[]; now: number; migrating: ReadonlySet<string> };
  /** Applies a mutating operation on the VM (or node) named in args, on that host; resolves when Hyper-V would return. */
  act(operation: RemoteOperation | EmulatedOperation, host: HostInventory, args: JsonObject): Promise<void>;
  /**
   * True when the answer to this call for this VM must never come (the estate's own "backend
   * timeout" fault): the host does the work, the shell waits until its caller gives up on it.
   */
  takeTimeout?(vmName: string | undefined): boolean;
  /** Called before each line is answered: a live estate catches up with the time that passed. */
  beforeAnswer?(): void;
  /** The recovery points of the replica VM of this name on this host, oldest first. */
  recoveryPoints(host: HostInventory, vmName: string): VMRecoverySnapshot[];
  /** Resolves after this much of the estate's time (a line's own latency, see DoubleHub.latency). */
  after?(ms: number): Promise<void>;
}

/**
 * What one line costs in the estate's time besides the Hyper-V work it waits for: set by the bench
 * to stated assumptions (bench/powershell-failover.bench.ts), absent in tests (lines are free).
 */
export type LineLatency = (operation: RemoteOperation, nodes: number, items: number) => number;

/** Matches the next line for this operation (and, if given, routed to this cluster, for this VM). */
type FaultMatch = { operation?: string; cluster?: string; vmName?: string };
export type DoubleFault =
  | (FaultMatch & { kind: 'die-before-apply' | 'die-after-apply' | 'truncate' | 'not-json' })
  | (FaultMatch & { kind: 'delay'; ms: number })
  | (FaultMatch & { kind: 'pollute'; text: string });

interface PsErrorRecord { id: string; category: string; message: string }

interface ShellState { bootstrapped: boolean; nodes: Map<string, string>; connected: Set<string>; remembered: JsonObject | null }

export interface Applied { operation: RemoteOperation; computerName: string; args: JsonObject }

export class DoubleHub {
  readonly path: string;
  flavor: PsFlavor = '5.1';
  /** Written to stderr with every answer, as a noisy profile or module would. */
  stderrNoise: string | null = null;
  readonly roundTrips = new Map<string, number>();
  readonly applied: Applied[] = [];
  /** Every command line received, to prove what was (and was not) sent. */
  readonly lines: string[] = [];
  /** Told of every change before it is applied on a host: what reached the hosts, whatever the caller heard. */
  onAttempt: ((change: Applied) => void) | null = null;
  /**
   * Every host refuses the scripts with this error, as a JEA endpoint (NoLanguage) refuses a script
   * block sent with Invoke-Command: FullyQualifiedErrorId ScriptsNotAllowed, "The syntax is not
   * supported by this runspace. This can occur if the runspace is in no-language mode."
   * (about_Language_Modes; DOMAIN.md, "Remoting from a workstation").
   */
  refuseScripts: PsErrorRecord | null = null;
  /** Rewrites a host's answer before it is sent (a value a newer Windows would write, say). */
  rewrite: ((operation: RemoteOperation, output: string) => string) | null = null;
  /** Each line's latency in the estate's time; lines wait for it as blocked lines (see blockedLines). */
  latency: LineLatency | null = null;
  /** Told whenever blockedLines() changes, so a driver waits for that instead of polling. */
  onBlockedChange: (() => void) | null = null;
  private readonly blockedByShell = new Map<string, number>();
  private readonly faults: DoubleFault[] = [];
  private readonly refusals = new Map<string, PsErrorRecord>();
  private readonly shells = new Map<string, ShellState>();
  private readonly server: Server;
  private readonly dir: string;
  private readonly estate: DoubleEstate;

  constructor(estate: DoubleEstate) {
    this.estate = estate;
    this.dir = mkdtempSync(join(tmpdir(), 'standby-double-'));
    this.path = join(this.dir, 'hub.sock');
    this.server = createServer((socket) => this.serve(socket));
  }

  listen(): Promise<void> {
    return new Promise((resolve) => this.server.listen(this.path, resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => { rmSync(this.dir, { recursive: true, force: true }); resolve(); }));
  }

  /** The environment a shell needs to find this hub. */
  env(): NodeJS.ProcessEnv {
    return { ...process.env, STANDBY_DOUBLE_HUB: this.path, STANDBY_DOUBLE_NODE: process.execPath };
  }

  /** Breaks every shell's session to this node, as a killed wsmprovhost or a lost network would. */
  dropSession(computerName: string): void {
    for (const shell of this.shells.values()) shell.connected.delete(computerName);
  }

  /** The next matching line gets this fault (once). */
  inject(fault: DoubleFault): void { this.faults.push(fault); }

  /** New sessions to this node fail with this error until cleared. */
  refuse(computerName: string, error: PsErrorRecord | null): void {
    if (error) this.refusals.set(computerName.toLowerCase(), error); else this.refusals.delete(computerName.toLowerCase());
  }

  /**
   * Lines whose answer waits on the estate (a cmdlet blocking until Hyper-V is done, or an answer that
   * never comes): a driver of simulated time may advance the clock when every line in flight is one.
   */
  blockedLines(): number { return [...this.blockedByShell.values()].reduce((a, b) => a + b, 0); }

  /** The same, for the shell process with this id (a dead shell's held line is not a live one's). */
  blockedFor(pid: number): number { return this.blockedByShell.get(String(pid)) ?? 0; }

  private block(shellId: string, delta: number): void {
    this.blockedByShell.set(shellId, (this.blockedByShell.get(shellId) ?? 0) + delta);
    this.onBlockedChange?.();
  }

  totalRoundTrips(): number { return [...this.roundTrips.values()].reduce((a, b) => a + b, 0); }
  resetCounters(): void { this.roundTrips.clear(); this.applied.length = 0; this.lines.length = 0; }

  private serve(socket: Socket): void {
    socket.setEncoding('utf8');
    let buffered = '';
    let queue = Promise.resolve();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const { shell, line } = JSON.parse(buffered.slice(0, nl)) as { shell: string; line: string };
        buffered = buffered.slice(nl + 1);
        queue = queue.then(async () => {
          if (socket.destroyed) return;
          const reply = await this.answer(shell, line, closed).catch((error: unknown) => ({ stderr: `double: ${String(error)}` }));
          if (!socket.destroyed) socket.write(`${JSON.stringify(reply)}\n`);
        });
      }
    });
    socket.on('error', () => {});
  }

  private takeFault(operation: string, args: JsonObject): DoubleFault | undefined {
    const cluster = (args.route as { cluster?: string } | undefined)?.cluster;
    const i = this.faults.findIndex((f) => (!f.operation || f.operation === operation) && (!f.cluster || f.cluster === cluster) && (!f.vmName || f.vmName === args.vmName));
    return i < 0 ? undefined : this.faults.splice(i, 1)[0];
  }

  private shell(id: string): ShellState {
    let state = this.shells.get(id);
    if (!state) this.shells.set(id, (state = { bootstrapped: false, nodes: new Map(), connected: new Set(), remembered: null }));
    return state;
  }

  private async answer(shellId: string, line: string, closed: Promise<void>): Promise<{ stdout?: string; stderr?: string; delayMs?: number; exit?: number; exitBeforeOutput?: boolean }> {
    this.lines.push(line);
    this.estate.beforeAnswer?.();
    const shell = this.shell(shellId);
    const noise = this.stderrNoise ?? undefined;
    const boot = BOOTSTRAP_LINE.exec(line);
    if (boot) {
      const path = Buffer.from(boot[1]!, 'base64').toString('utf8');
      const args = decodeArgument(boot[2]!);
      const ops = args.operations as string[];
      if (basename(path) !== 'session.ps1' || !existsSync(path)) return { stderr: `. : The term '${path}' is not recognized as the name of a cmdlet, function, script file, or operable program.` };
      const missing = ops.filter((op) => !existsSync(join(String(args.scriptDirectory), `${op}.ps1`)));
      if (missing.length > 0) return { stderr: `Exception calling "ReadAllText": Could not find file '${missing[0]}.ps1'.` };
      shell.bootstrapped = true;
      return { stdout: JSON.stringify({ ok: true, data: { psVersion: this.flavor === '5.1' ? '5.1.20348.2849' : '7.4.6', edition: this.flavor === '5.1' ? 'Desktop' : 'Core' } }), stderr: noise };
    }
    const op = OPERATION_LINE.exec(line);
    if (!op) return { stderr: `${line.split(' ')[0]} : The term '${line.split(' ')[0]}' is not recognized as the name of a cmdlet, function, script file, or operable program.` };
    if (!shell.bootstrapped) return { stderr: "Invoke-StandbyOperation : The term 'Invoke-StandbyOperation' is not recognized as the name of a cmdlet, function, script file, or operable program." };
    const operation = op[1]!;
    const args = decodeArgument(op[2]!);
    this.roundTrips.set(operation, (this.roundTrips.get(operation) ?? 0) + 1);
    const fault = this.takeFault(operation, args);
    if (fault?.kind === 'die-before-apply') return { exit: 1, exitBeforeOutput: true };
    let stdout: string;
    if (operation === 'connect-site' || operation === 'site-status' || operation === 'disconnect-site') {
      stdout = this.local(shell, operation, args);
    } else if ((REMOTE_OPERATIONS as readonly string[]).includes(operation)) {
      stdout = await this.remote(shellId, shell, operation as RemoteOperation, args);
    } else {
      stdout = JSON.stringify({ ok: false, error: { id: '', category: 'NotSpecified', message: `Unknown operation: ${operation}` } });
    }
    if (typeof args.vmName === 'string' && this.estate.takeTimeout?.(args.vmName)) {
      // Done on the host, answer lost: this shell is stuck until whoever waits on it kills it.
      this.block(shellId, 1);
      await closed;
      this.block(shellId, -1);
      return {};
    }
    switch (fault?.kind) {
      case 'die-after-apply': return { exit: 1, exitBeforeOutput: true };
      case 'delay': return { stdout, stderr: noise, delayMs: fault.ms };
      case 'truncate': return { stdout: stdout.slice(0, Math.floor(stdout.length / 2)), stderr: noise };
      case 'not-json': return { stdout: 'Invoke-Command : The I/O operation has been aborted because of either a thread exit or an application request.', stderr: noise };
      case 'pollute': return { stdout: `${fault.text}\n${stdout}`, stderr: noise };
      default: return { stdout, stderr: noise };
    }
  }

  private nodeStatus(shell: ShellState) {
    return [...shell.nodes].map(([computerName, cluster]) => {
      const refusal = this.refusals.get(computerName.toLowerCase());
      return { computerName, cluster, connected: shell.connected.has(computerName), error: shell.connected.has(computerName) ? null : refusal ? { computerName, ...refusal } : null };
    });
  }

  private connectNode(shell: ShellState, name: string): void {
    const { hosts } = this.estate.read();
    const host = hosts.find((h) => h.name.toLowerCase() === name.toLowerCase());
    if (this.refusals.has(name.toLowerCase()) || !host || host.state === 'Down') shell.connected.delete(name);
    else shell.connected.add(name);
    if (!host && !this.refusals.has(name.toLowerCase())) {
      this.refusals.set(name.toLowerCase(), { id: 'WinRMOperationTimeout,PSSessionStateBroken', category: 'OpenError', message: `Connecting to remote server ${name} failed with the following error message : WinRM cannot complete the operation. Verify that the specified computer name is valid, that the computer is accessible over the network, and that a firewall exception for the WinRM service is enabled and allows access from this computer.` });
    }
  }

  private local(shell: ShellState, operation: string, args: JsonObject): string {
    const psVersion = this.flavor === '5.1' ? '5.1.20348.2849' : '7.4.6';
    if (operation === 'connect-site') {
      shell.remembered = args;
      const { clusters, hosts } = this.estate.read();
      for (const endpoint of args.clusters as { cluster: string; nodes: string[] }[]) {
        const cluster = clusters.find((c) => c.name.toLowerCase() === endpoint.cluster.toLowerCase());
        const nodes = endpoint.nodes.length > 0 ? endpoint.nodes : hosts.filter((h) => h.clusterId === cluster?.id).map((h) => h.name);
        for (const node of nodes) { shell.nodes.set(node, endpoint.cluster); this.connectNode(shell, node); }
      }
      return JSON.stringify({ ok: true, data: { psVersion, nodes: this.nodeStatus(shell) } });
    }
    if (operation === 'site-status') {
      for (const node of (args.reconnect as string[] | undefined) ?? []) if (shell.nodes.has(node)) this.connectNode(shell, node);
      return JSON.stringify({ ok: true, data: { psVersion, nodes: this.nodeStatus(shell) } });
    }
    shell.connected.clear();
    return '{"ok":true,"data":null}';
  }

  private routeNodes(shell: ShellState, route: { kind: string; computerName?: string; cluster?: string }): string[] {
    const nodesOf = (cluster: string) => [...shell.nodes].filter(([, c]) => c.toLowerCase() === cluster.toLowerCase()).map(([n]) => n);
    switch (route.kind) {
      case 'node': return [route.computerName!];
      case 'cluster': return nodesOf(route.cluster!).filter((n) => shell.connected.has(n)).slice(0, 1);
      case 'cluster-nodes': return nodesOf(route.cluster!);
      case 'site': return [...shell.nodes.keys()];
      default: throw new Error(`Unknown route kind: ${route.kind}`);
    }
  }

  private async remote(shellId: string, shell: ShellState, operation: RemoteOperation, args: JsonObject): Promise<string> {
    const names = this.routeNodes(shell, args.route as { kind: string });
    const latencyMs = this.latency?.(operation, names.length, Array.isArray(args.vms) ? args.vms.length : 1) ?? 0;
    if (latencyMs > 0 && this.estate.after) {
      this.block(shellId, 1);
      try { await this.estate.after(latencyMs); } finally { this.block(shellId, -1); }
    }
    const results: { computerName: string; output: string }[] = [];
    const failures: unknown[] = [];
    for (const name of names) {
      const { hosts } = this.estate.read();
      const host = hosts.find((h) => h.name.toLowerCase() === name.toLowerCase());
      if (!shell.connected.has(name) || !host || host.state === 'Down') {
        shell.connected.delete(name);
        failures.push({ computerName: name, id: 'NoOpenSession', category: 'ConnectionError', message: 'No open session to this node.' });
        continue;
      }
      if (this.refuseScripts) { failures.push({ computerName: host.name, ...this.refuseScripts }); continue; }
      const output = await this.onHost(shellId, operation, host, args);
      results.push({ computerName: host.name, output: this.rewrite ? this.rewrite(operation, output) : output });
    }
    return sessionAnswer(results, failures);
  }

  /**
   * A batched change (stop-vms.ps1): every VM's change at once, as jobs on the host run, each VM
   * told to the attempt listener and recorded as applied on its own, answered per VM in order.
   */
  private async batchOnHost(shellId: string, operation: RemoteOperation, host: HostInventory, args: JsonObject): Promise<string> {
    const { vms, route: _route, ...shared } = args as JsonObject & { vms: JsonObject[] };
    const items = await Promise.all(vms.map(async (want) => {
      const answer = JSON.parse(await this.onHost(shellId, operation, host, { ...shared, ...want })) as { ok: boolean; data?: unknown; error?: unknown };
      return answer.ok ? { ok: true, vm: (answer.data as unknown[])[0], error: null } : { ok: false, vm: null, error: answer.error };
    }));
    return remoteOk(items);
  }

  private async onHost(shellId: string, operation: RemoteOperation, host: HostInventory, args: JsonObject): Promise<string> {
    const f = this.flavor;
    const vmName = typeof args.vmName === 'string' ? args.vmName : undefined;
    const single = BATCHED_OPERATIONS[operation];
    if (single) return this.batchOnHost(shellId, single, host, args);
    try {
      if (MUTATING_OPERATIONS.has(operation)) {
        this.onAttempt?.({ operation, computerName: host.name, args });
        this.block(shellId, 1);
        try { await this.estate.act(operation, host, args); } finally { this.block(shellId, -1); }
        this.applied.push({ operation, computerName: host.name, args });
      }
      const estate = this.estate.read();
      const cluster = estate.clusters.find((c) => c.id === host.clusterId)!;
      const here = estate.vms.filter((v) => v.hostId === host.id);
      const named = () => {
        // By VMId when the backend sends it (Get-VM -Id), else by the literal name.
        const vm = here.find((v) => (typeof args.vmId === 'string' ? v.vmId === args.vmId : v.name === vmName));
        if (!vm) throw new ContractError('not-found', `Hyper-V was unable to find a virtual machine with name "${vmName}".`, vmName);
        return vm;
      };
      const clusterHosts = estate.hosts.filter((h) => h.clusterId === cluster.id);
      switch (operation) {
        case 'get-inventory': return remoteOk(inventoryAnswer(f, estate, host, estate.now, estate.migrating));
        case 'get-replication': return remoteOk(replicationAnswer(f, estate, host, estate.now, estate.migrating));
        case 'get-vm': return remoteOk((vmName ? [named()] : here).map((vm) => vmRow(f, vm, host, estate.migrating.has(vm.id))));
        case 'get-vms': return remoteOk((args.vms as JsonObject[]).map((want) => {
          // Each VM alone, as get-vms.ps1 does: by VMId when sent, else by its literal name.
          const vm = here.find((v) => (typeof want.vmId === 'string' ? v.vmId === want.vmId : v.name === want.vmName));
          if (vm) return { ok: true, vm: vmRow(f, vm, host, estate.migrating.has(vm.id)), error: null };
          return { ok: false, vm: null, error: { id: 'InvalidParameter,Microsoft.HyperV.PowerShell.Commands.GetVM', category: 'ObjectNotFound', message: `Hyper-V was unable to find a virtual machine with name "${String(want.vmName)}".`, target: String(want.vmName) } };
        }));
        case 'get-vmhost': case 'set-vmhost': return remoteOk(hostRow(f, host));
        case 'get-clusternode': return remoteOk(clusterHosts.map((h) => clusterNodeRow(f, h, cluster, false)));
        case 'get-clustergroup': {
          const groups: unknown[] = estate.vms.filter((v) => v.clusterId === cluster.id && !v.name.endsWith(' - Test')).map((v) => vmGroupRow(f, v, estate.hosts.find((h) => h.id === v.hostId)!, cluster, clusterHosts));
          if (cluster.replicaBroker) groups.push(brokerGroupRow(f, cluster, clusterHosts.find((h) => h.state === 'Up') ?? host));
          return remoteOk(groups);
        }
        case 'get-vmreplication': case 'set-vmreplication': { const vm = named(); return remoteOk([vm.replication, vm.extendedReplication].filter((r) => r !== null).map((r) => replicationRow(f, vm, host, r))); }
        case 'measure-vmreplication': { const vm = named(); return remoteOk([vm.replication, vm.extendedReplication].filter((r) => r !== null).map((r) => measureRow(f, vm, host, r, estate.now))); }
        case 'get-vmswitch': return remoteOk(hostSwitches(estate.sites.find((s) => s.id === host.siteId)?.role === 'dr').map((sw) => ({ Name: sw.Name, SwitchType: sw.SwitchType })));
        case 'get-vmnetworkadapter': { const vm = named(); return remoteOk([{ VMName: vm.name, Name: 'Network Adapter', TestReplicaSwitchName: testSwitchOf(vm.name) ?? '' }]); }
        case 'get-vmsnapshot': {
          const wanted = typeof args.snapshotType === 'string' ? args.snapshotType : null;
          return remoteOk(this.estate.recoveryPoints(host, named().name).filter((p) => !wanted || p.SnapshotType === wanted).map((p) => snapshotRow(f, p)));
        }
        case 'start-vmfailover': case 'start-vm': case 'stop-vm': {
          // After a test failover the row to return is the replica itself, as Get-VM -Name shows it.
          const vm = named();
          return remoteOk([vmRow(f, vm, host, estate.migrating.has(vm.id))]);
        }
        case 'get-migrationjobs': return remoteOk([]);
        case 'ping': return remoteOk({ computerName: host.name, at: new Date(estate.now).toISOString() });
        default: return remoteOk(null);
      }
    } catch (error) {
      const e = error instanceof ContractError ? error : new ContractError('backend', String(error));
      const category = e.code === 'not-found' ? 'ObjectNotFound' : e.code === 'invalid-state' ? 'InvalidOperation' : e.code === 'timeout' ? 'OperationTimeout' : 'NotSpecified';
      return remoteError({ id: `${category},Microsoft.HyperV.PowerShell.Commands.${operation}`, category, message: e.message, target: vmName ?? '' });
    }
  }
}
