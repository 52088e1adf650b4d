import { createLabBackend, type LabBackend } from '../backends/lab/lab-backend.ts';
import { LAB_EPOCH } from '../backends/lab/lab-source.ts';
import { LabSimulation } from '../backends/lab/simulation.ts';
import { createEstateStore } from '../estate/estate-store.ts';
import { manualClock } from './memory-ports.ts';
import { driveLab } from './lab-drive.ts';
import { countingBackend, serviceFactory, type RecoveryRig, type RigOptions } from './recovery-rig.ts';

export { countingBackend, settled, severable, testPlan } from './recovery-rig.ts';

export interface LabRig extends RecoveryRig {
  lab: LabBackend;
}

/** The recovery service on the lab backend, its simulation paused and stepped by the test. */
export async function createLabRig(options: RigOptions = {}): Promise<LabRig> {
  const sim = new LabSimulation({ seed: options.seed ?? 7, vmCount: options.vmCount ?? 30, startTime: LAB_EPOCH });
  const wall = manualClock(Date.UTC(2026, 0, 1));
  const lab = createLabBackend(sim, wall, 'pause');
  const estate = createEstateStore(await lab.load(), { clock: wall, batchMs: 100, publish: () => {} });
  lab.start((patches) => estate.apply(patches));
  const { dataDir, audit, events, make } = serviceFactory({ estate, clock: lab.clock, wall });
  const calls = new Map<string, number>();
  // Calls are counted where they reach the lab: a dead process's calls never do.
  const counted = countingBackend(lab, calls);
  const rig: LabRig = {
    sim, lab, backend: counted, estate, dataDir, audit, events, calls,
    service: make(options.backend ? options.backend(counted) : counted),
    restart(backend = counted) { rig.service = make(backend); return rig.service; },
    settle: () => Promise.resolve(),
    injectFault: (spec) => lab.injectFault(spec),
    clearFault: (id) => { lab.clearFault(id); },
    // The lab publishes every change as it happens: the store is current once the time has run.
    advance: async (ms) => { sim.runFor(ms); },
    drive: (done, limitMs) => driveLab(sim, done, limitMs),
    dispose: () => lab.dispose(),
  };
  return rig;
}
