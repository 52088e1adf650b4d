import type { ClockPort } from '../../ports.ts';
import type { Rehearsal, RehearsalOptions } from '../rehearsal-port.ts';
import { clonePlain } from './clone-plain.ts';
import { createLabBackend } from './lab-backend.ts';
import { LabSimulation } from './simulation.ts';

/** Any fixed seed: the copy draws nothing random on a failover path, it only needs one. */
const REHEARSAL_SEED = 1;

/**
 * The lab seeded with an estate read from any backend: same sites, clusters, hosts, VMs and
 * replication states, on its own paused clock that the caller runs as fast as it can. Nothing of it
 * reaches the live backend.
 */
export function createLabRehearsal(options: RehearsalOptions, clock: ClockPort): Rehearsal {
  const inventory = clonePlain(options.inventory);
  const sim = new LabSimulation({
    seed: REHEARSAL_SEED, vmCount: inventory.vms.length, startTime: inventory.clock.now,
    estate: { ...inventory, profiles: new Map() },
  });
  for (const [name, scale] of options.bootScale ?? []) sim.world.bootScale.set(name.toLowerCase(), scale);
  const backend = createLabBackend(sim, clock, 'pause');
  return {
    backend,
    advance() {
      const next = sim.nextEventAt();
      if (next === null) return false;
      sim.runUntil(next);
      return true;
    },
    losePrimarySite() {
      backend.injectFault({ kind: 'primary-site-loss' });
    },
    dispose: () => backend.dispose(),
  };
}
