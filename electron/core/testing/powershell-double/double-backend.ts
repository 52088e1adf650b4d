import { ConnectionProfileSchema, type ConnectionProfile, type ConnectionTimeouts } from '../../../../shared/model/connections.ts';
import { systemClock, type ClockPort } from '../../ports.ts';
import { generateLabEstate } from '../../backends/lab/estate-generator.ts';
import { LabSimulation } from '../../backends/lab/simulation.ts';
import { SiteSession } from '../../backends/powershell/site-session.ts';
import { createPowerShellBackend, type PowerShellBackend } from '../../backends/powershell/powershell-backend.ts';
import { createNodePowerShell, type PsShell } from '../../backends/powershell/ps-shell.ts';
import { DEFAULT_SCRIPT_DIRECTORY } from '../../backends/powershell/script-catalog.ts';
import { DoubleHub, FAKE_POWERSHELL } from './double-hub.ts';
import { InFlight } from './in-flight.ts';
import { labDoubleEstate } from './lab-double-estate.ts';
import { simulationClock } from './sim-clock.ts';

/**
 * The whole PowerShell backend wired to the double over a lab estate: real node-powershell, one fake
 * shell process per site, the hub in this process. For tests and the bench.
 */
export interface DoubleBackend {
  sim: LabSimulation;
  hub: DoubleHub;
  backend: PowerShellBackend;
  sessions: SiteSession[];
  profiles: ConnectionProfile[];
  /** Lines sent to a shell and not answered yet (or given up on): real work the test must wait for. */
  inFlight(): number;
  /**
   * True when every line in flight waits on the estate's time in the hub (per shell: a line a dead
   * shell left hanging does not cover a live shell's line still on its way).
   */
  waitingOnlyOnTime(): boolean;
  /** Resolves at the next change of inFlight() or of the hub's blocked lines. */
  activity(): Promise<void>;
  dispose(): Promise<void>;
}

export interface DoubleBackendOptions {
  seed: number;
  vmCount: number;
  startTime?: number;
  clock?: ClockPort;
  /**
   * 'self' (default): the double steps the simulation while a change waits, timers run on `clock`.
   * 'live': the estate lives at 1× from its start time, and the backend's clock tells that time (as a
   * console and its hosts agree on the time): for tests that judge ages, RPO or the clock's progress.
   * 'simulated': one timeline: sessions, shell timeouts and refreshes run on the simulation's clock
   * and the caller drives it (see testing/double-rig.ts), advancing it only while no line is being
   * worked on outside the simulation.
   */
  time?: 'self' | 'live' | 'simulated';
  timeouts?: Partial<ConnectionTimeouts>;
  /** The backend's refresh period (its default, 30 s, when absent). */
  refreshMs?: number;
  /** Keep-alives and reconnect with backoff, as the app runs them (off by default: tests step by hand). */
  autoReconnect?: boolean;
  /** A smaller topology with the same VMs (see generateLabEstate), to compare with real PowerShell. */
  hostsPerCluster?: number;
  /** List each cluster's nodes in the profiles (as startEmulatedBackend does) instead of discovering them. */
  profileNodes?: boolean;
}

/** Wall-clock time passing from the estate's start time; timers are the system's. */
function liveClock(start: number): ClockPort {
  const origin = Date.now();
  return { now: () => start + (Date.now() - origin), setTimeout: systemClock.setTimeout };
}

export async function startDoubleBackend(options: DoubleBackendOptions): Promise<DoubleBackend> {
  const startTime = options.startTime ?? Date.UTC(2026, 10, 25, 3);
  const estate = options.hostsPerCluster === undefined ? undefined : generateLabEstate({ seed: options.seed, vmCount: options.vmCount, startTime, hostsPerCluster: options.hostsPerCluster });
  const sim = new LabSimulation({ seed: options.seed, vmCount: options.vmCount, startTime, ...(estate ? { estate } : {}) });
  const simulated = options.time === 'simulated';
  const live = options.time === 'live' ? liveClock(sim.now) : null;
  const hub = new DoubleHub(labDoubleEstate(sim, { time: simulated ? 'external' : 'self', ...(live ? { live } : {}) }));
  await hub.listen();
  const clock = simulated ? simulationClock(sim) : live ?? options.clock ?? systemClock;
  const profiles = [...sim.world.sites.values()].map((site) => ConnectionProfileSchema.parse({
    siteId: site.id, role: site.role, name: site.name, location: site.location,
    clusters: site.clusterIds.map((id) => ({
      cluster: sim.world.clusters.get(id)!.name,
      ...(options.profileNodes ? { nodes: sim.world.clusters.get(id)!.hostIds.map((h) => sim.world.hosts.get(h)!.name) } : {}),
    })),
    timeouts: { connectMs: 15_000, commandMs: 15_000, operationMs: 60_000, keepAliveMs: 60_000, ...options.timeouts },
  }));
  // Keyed by the fake shell's process id, which is how the hub knows whose line waits on time.
  const inFlight = new InFlight<PsShell>();
  hub.onBlockedChange = inFlight.wake;
  const counted = (shell: PsShell): PsShell => inFlight.track(shell, shell);
  const sessions = profiles.map((profile) => new SiteSession({
    profile, password: async () => null, scriptDirectory: DEFAULT_SCRIPT_DIRECTORY, clock, autoReconnect: options.autoReconnect === true,
    shellFactory: () => counted(createNodePowerShell({ executable: FAKE_POWERSHELL, env: hub.env(), ...(simulated ? { clock } : {}) })),
  }));
  await Promise.all(sessions.map((s) => s.connect()));
  const backend = createPowerShellBackend({ sessions, clock, ...(options.refreshMs ? { refreshMs: options.refreshMs } : {}) });
  return {
    sim, hub, backend, sessions, profiles,
    inFlight: () => inFlight.count,
    waitingOnlyOnTime: () => inFlight.waitingOnlyOnTime((shell) => (shell.pid === undefined ? -1 : hub.blockedFor(shell.pid))),
    activity: () => inFlight.activity(),
    async dispose() { await backend.dispose(); await hub.close(); },
  };
}
