import { randomBytes } from 'node:crypto';
import { ConnectionProfileSchema, type ConnectionProfile, type ConnectionTimeouts } from '../../../../shared/model/connections.ts';
import { generateLabEstate, type LabEstate } from '../../backends/lab/estate-generator.ts';
import { LabSimulation } from '../../backends/lab/simulation.ts';
import { createPowerShellBackend, type PowerShellBackend } from '../../backends/powershell/powershell-backend.ts';
import { createNodePowerShell, type PsShell } from '../../backends/powershell/ps-shell.ts';
import { DEFAULT_SCRIPT_DIRECTORY } from '../../backends/powershell/script-catalog.ts';
import { labDoubleEstate } from '../powershell-double/lab-double-estate.ts';
import { InFlight } from '../powershell-double/in-flight.ts';
import { PWSH } from '../powershell-double/real-pwsh.ts';
import { simulationClock } from '../powershell-double/sim-clock.ts';
import { systemClock, type ClockPort } from '../../ports.ts';
import { SiteSession } from '../../backends/powershell/site-session.ts';
import { startSshLoopback, type SshLoopback } from '../ssh-loopback/ssh-loopback.ts';
import { EMULATION_MODULES, EMULATION_SESSION_CONFIGURATION, emulationTypesAssembly } from './emulation-types.ts';
import { WorldBridge } from './world-bridge.ts';

/**
 * The whole PowerShell backend against real PowerShell: node-powershell runs a real `pwsh` per site,
 * session.ps1 opens real PSSessions over SSH (PowerShell 7's SSH transport) to an OpenSSH server on
 * loopback, one address per cluster node, and the host scripts run there against the emulated
 * Hyper-V / FailoverClusters modules, whose state is a lab simulation (WorldBridge). The same shape as
 * startDoubleBackend, so the suites run on either.
 */
export interface EmulatedBackend {
  sim: LabSimulation;
  bridge: WorldBridge;
  ssh: SshLoopback;
  backend: PowerShellBackend;
  sessions: SiteSession[];
  profiles: ConnectionProfile[];
  /** The local pwsh processes, newest per site last. */
  shells: PsShell[];
  inFlight(): number;
  /** True when every line in flight waits on the world's time (per local shell). */
  waitingOnlyOnTime(): boolean;
  activity(): Promise<void>;
  dispose(): Promise<void>;
}

export interface EmulatedBackendOptions {
  seed: number;
  vmCount: number;
  /**
   * Lanes of each site's session pool (default 2). Each lane is a local pwsh and one remote pwsh per
   * node: the product's default of 8 starts dozens of PowerShells on a two-core test machine, which
   * then spends the suites' time starting them; two lanes still exercise the pool.
   */
  maxSessions?: number;
  startTime?: number;
  /** Small by default: every node is a remote pwsh process (about 1 s of CPU to start). */
  hostsPerCluster?: number;
  clock?: ClockPort;
  /** As startDoubleBackend: 'self' (default), 'live' or 'simulated'. */
  time?: 'self' | 'live' | 'simulated';
  timeouts?: Partial<ConnectionTimeouts>;
  refreshMs?: number;
  autoReconnect?: boolean;
  /** Per-cmdlet latency of the emulation, ms. */
  latencyMs?: Record<string, number>;
  /**
   * false: the same estate without its third copies (no extended replication A->B->C). Hyper-V refuses
   * Set-VMReplication -Reverse on B while B replicates to C, so a planned failover that reverses needs
   * an estate of two sites (the orchestrator does not yet offer the extended-replication choice).
   */
  thirdCopy?: boolean;
  /** Let session.ps1 discover each cluster's nodes with Get-ClusterNode (one more session per cluster). */
  discoverNodes?: boolean;
}

function liveClock(start: number): ClockPort {
  const origin = Date.now();
  return { now: () => start + (Date.now() - origin), setTimeout: systemClock.setTimeout };
}

export const PWSH_FOR_EMULATION = PWSH;

function withoutThirdCopies(estate: LabEstate): LabEstate {
  const cloud = new Set(estate.sites.filter((s) => s.role === 'cloud').map((s) => s.id));
  const kept = <T extends { siteId: string }>(items: T[]) => items.filter((i) => !cloud.has(i.siteId));
  return {
    ...estate,
    sites: estate.sites.filter((s) => !cloud.has(s.id)), clusters: kept(estate.clusters), hosts: kept(estate.hosts),
    vms: kept(estate.vms).map((v) => (v.extendedReplication ? { ...v, extendedReplication: null } : v)),
  };
}

export async function startEmulatedBackend(options: EmulatedBackendOptions): Promise<EmulatedBackend> {
  if (!PWSH) throw new Error('pwsh is not installed');
  const pwsh = PWSH;
  const startTime = options.startTime ?? Date.UTC(2026, 10, 25, 3);
  const generated = generateLabEstate({ seed: options.seed, vmCount: options.vmCount, startTime, hostsPerCluster: options.hostsPerCluster ?? 2 });
  const estate = options.thirdCopy === false ? withoutThirdCopies(generated) : generated;
  const sim = new LabSimulation({ seed: options.seed, vmCount: options.vmCount, startTime, estate });
  const simulated = options.time === 'simulated';
  const live = options.time === 'live' ? liveClock(sim.now) : null;
  const bridge = new WorldBridge(labDoubleEstate(sim, { time: simulated ? 'external' : 'self', ...(live ? { live } : {}) }), { latencyMs: options.latencyMs ?? {} });
  await bridge.listen();
  const types = await emulationTypesAssembly(PWSH);
  const hosts = [...sim.world.hosts.values()];
  const clusters = [...sim.world.clusters.values()];
  const ssh = await startSshLoopback({
    // Cluster names resolve to their first node, as a cluster name object answers on one node.
    hosts: hosts.map((h) => h.name),
    aliases: Object.fromEntries(clusters.map((c) => [c.name, hosts.find((h) => h.clusterId === c.id)!.name])),
    remoteEnv: { ...bridge.env(), PSModulePath: EMULATION_MODULES, STANDBY_EMULATION_TYPES: types, STANDBY_EMULATION_CLOCK: 'world' },
    configurationFile: EMULATION_SESSION_CONFIGURATION,
    pwsh: PWSH,
  });
  const clock = simulated ? simulationClock(sim) : live ?? options.clock ?? systemClock;
  const profiles = [...sim.world.sites.values()].map((site) => ConnectionProfileSchema.parse({
    siteId: site.id, role: site.role, name: site.name, location: site.location,
    clusters: site.clusterIds.map((id) => ({
      cluster: sim.world.clusters.get(id)!.name,
      nodes: options.discoverNodes ? [] : sim.world.clusters.get(id)!.hostIds.map((h) => sim.world.hosts.get(h)!.name),
    })),
    transport: 'ssh',
    maxSessions: options.maxSessions ?? 2,
    ssh: { userName: ssh.userName, keyFilePath: ssh.keyFile, port: ssh.port },
    timeouts: { connectMs: 120_000, commandMs: 120_000, operationMs: 180_000, keepAliveMs: 60_000, ...options.timeouts },
  }));
  // Keyed by the tag each local shell passes to its remote sessions (the bridge counts by it).
  const inFlight = new InFlight<string>();
  bridge.onBlockedChange = inFlight.wake;
  const shells: PsShell[] = [];
  const sessions = profiles.map((profile) => new SiteSession({
    profile, password: async () => null, scriptDirectory: DEFAULT_SCRIPT_DIRECTORY, clock, autoReconnect: options.autoReconnect === true,
    shellFactory: () => {
      // Each local shell tags its remote sessions (ssh SendEnv) so the bridge can tell whose call waits.
      const tag = randomBytes(6).toString('hex');
      const shell = inFlight.track(createNodePowerShell({ executable: pwsh, env: ssh.localEnv({ STANDBY_EMU_SHELL: tag }), ...(simulated ? { clock } : {}) }), tag);
      shells.push(shell);
      return shell;
    },
  }));
  await Promise.all(sessions.map((s) => s.connect()));
  const backend = createPowerShellBackend({ sessions, clock, ...(options.refreshMs ? { refreshMs: options.refreshMs } : {}) });
  return {
    sim, bridge, ssh, backend, sessions, profiles, shells,
    inFlight: () => inFlight.count,
    waitingOnlyOnTime: () => inFlight.waitingOnlyOnTime((tag) => bridge.blocked(tag)),
    activity: () => inFlight.activity(),
    async dispose() {
      await backend.dispose();
      await Promise.all(shells.map((s) => s.dispose().catch(() => {})));
      await ssh.dispose();
      await bridge.close();
    },
  };
}
