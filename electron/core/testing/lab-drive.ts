import type { LabSimulation } from '../backends/lab/simulation.ts';

/**
 * Runs the lab's clock exactly as far as the next thing that happens, lets every reaction to it
 * settle, and repeats until `done`: the fastest possible run that still reacts at the right
 * simulated instant (the live time driver at 'max' advances in 60 s slices without settling).
 */
export async function driveLab(sim: LabSimulation, done: () => boolean, limitMs = 24 * 3600_000): Promise<void> {
  const end = sim.now + limitMs;
  for (;;) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (done()) return;
    const next = sim.world.queue.peek();
    if (next === null || next > end) throw new Error(`The lab ran ${Math.round(limitMs / 60_000)} simulated minutes without the run reaching its goal.`);
    sim.runUntil(next);
  }
}
