import { ConnectionProfileSchema, type ConnectionProfile } from '../../../../../shared/model/connections.ts';
import { systemClock, type ClockPort } from '../../../ports.ts';
import { LabSimulation } from '../../lab/simulation.ts';
import { SiteSession } from '../../../sessions/site-session.ts';
import { createPowerShellBackend, type PowerShellBackend } from '../powershell-backend.ts';
import { createNodePowerShell } from '../ps-shell.ts';
import { DEFAULT_SCRIPT_DIRECTORY } from '../script-catalog.ts';
import { DoubleHub, FAKE_POWERSHELL } from './double-hub.ts';
import { labDoubleEstate } from './lab-double-estate.ts';

/**
 * The whole PowerShell backend wired to the double over a lab estate: real node-powershell, one fake
 * shell process per site, the hub in this process. For tests and the bench.
 */
export interface DoubleBackend {
  sim: LabSimulation;
  hub: DoubleHub;
  backend: PowerShellBackend;
  profiles: ConnectionProfile[];
  dispose(): Promise<void>;
}

export async function startDoubleBackend(options: { seed: number; vmCount: number; startTime?: number; clock?: ClockPort }): Promise<DoubleBackend> {
  const sim = new LabSimulation({ seed: options.seed, vmCount: options.vmCount, startTime: options.startTime ?? Date.UTC(2026, 10, 25, 3) });
  const hub = new DoubleHub(labDoubleEstate(sim));
  await hub.listen();
  const clock = options.clock ?? systemClock;
  const profiles = [...sim.world.sites.values()].map((site) => ConnectionProfileSchema.parse({
    siteId: site.id, role: site.role, name: site.name, location: site.location,
    clusters: site.clusterIds.map((id) => ({ cluster: sim.world.clusters.get(id)!.name })),
    timeouts: { connectMs: 15_000, commandMs: 15_000, operationMs: 60_000, keepAliveMs: 60_000 },
  }));
  const sessions = profiles.map((profile) => new SiteSession({
    profile, password: async () => null, scriptDirectory: DEFAULT_SCRIPT_DIRECTORY, clock, autoReconnect: false,
    shellFactory: () => createNodePowerShell({ executable: FAKE_POWERSHELL, env: hub.env() }),
  }));
  await Promise.all(sessions.map((s) => s.connect()));
  const backend = createPowerShellBackend({ sessions, clock });
  return {
    sim, hub, backend, profiles,
    async dispose() { await backend.dispose(); await hub.close(); },
  };
}
