// The lab's speed: simulated seconds per wall second on one core, for the default estate and a
// 10,000-VM one, with its patches applied to an estate store as the core does.
import { LabSimulation } from '../electron/core/backends/lab/simulation.ts';
import { LAB_EPOCH } from '../electron/core/backends/lab/lab-source.ts';
import { DRIVER_MODEL } from '../electron/core/backends/lab/time-driver.ts';
import { createEstateStore } from '../electron/core/estate/estate-store.ts';
import { manualClock } from '../electron/core/testing/memory-ports.ts';
import { round, type Emit } from './bench-result.ts';

const MINUTE = 60_000;

interface Case { name: string; vmCount: number; simulatedMinutes: number; goal: number }

const CASES: Case[] = [
  { name: 'lab speed, default estate (600 VMs)', vmCount: 600, simulatedMinutes: 12 * 60, goal: 3600 },
  { name: 'lab speed, 10,000-VM estate', vmCount: 10_000, simulatedMinutes: 60, goal: 360 },
];

function measure(c: Case, withStore: boolean) {
  const sim = new LabSimulation({ seed: 20261125, vmCount: c.vmCount, startTime: LAB_EPOCH });
  const store = createEstateStore(sim.inventory(), { clock: manualClock(), batchMs: 250, publish: () => {} });
  // Warm up: the JIT, and the first cycles of every VM.
  for (let m = 0; m < 10; m++) { sim.runFor(MINUTE); store.apply(sim.flushPatches()); store.flush(); }
  const eventsBefore = sim.eventCount;
  const started = performance.now();
  // Slices as the live driver makes them at the goal speed: one flush per 250 ms tick.
  const sliceMs = c.goal * DRIVER_MODEL.tickMs;
  const slices = Math.ceil((c.simulatedMinutes * MINUTE) / sliceMs);
  for (let i = 0; i < slices; i++) {
    sim.runFor(sliceMs);
    const patches = sim.flushPatches();
    if (withStore) {
      patches.push({ op: 'clock', value: { source: 'lab', now: sim.now, speed: c.goal } });
      store.apply(patches);
      store.flush();
    }
    sim.drainEvents();
  }
  const wallSec = (performance.now() - started) / 1000;
  const events = sim.eventCount - eventsBefore;
  store.dispose();
  return { speed: (slices * sliceMs) / 1000 / wallSec, events, wallSec, heapUsed: process.memoryUsage().heapUsed, logged: sim.world.log.count };
}

export async function run(emit: Emit): Promise<void> {
  for (const c of CASES) {
    const lab = measure(c, false);
    emit({
      name: c.name,
      value: round(lab.speed, 0),
      unit: 'simulated s per wall s',
      bound: { op: '>=', value: c.goal },
      vmCount: c.vmCount,
      simulatedHours: round(c.simulatedMinutes / 60, 2),
      sliceSeconds: (c.goal * DRIVER_MODEL.tickMs) / 1000,
      wallSeconds: round(lab.wallSec, 2),
      events: lab.events,
      eventsPerWallSecond: round(lab.events / lab.wallSec, 0),
      heapUsedMB: round(lab.heapUsed / 1024 ** 2, 1),
    });
    // The same run with every patch (and the clock tick) applied to an estate store, as the core does.
    const core = measure(c, true);
    emit({
      name: `${c.name} + estate store`,
      value: round(core.speed, 0),
      unit: 'simulated s per wall s',
      baseline: { name: c.name, value: round(lab.speed, 0) },
      goal: c.goal,
      wallSeconds: round(core.wallSec, 2),
      events: core.events,
      heapUsedMB: round(core.heapUsed / 1024 ** 2, 1),
    });
  }
}

if (import.meta.main) {
  await run((result) => console.log(JSON.stringify(result)));
}
