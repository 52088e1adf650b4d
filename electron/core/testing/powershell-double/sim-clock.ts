import type { ClockPort } from '../../ports.ts';
import type { LabSimulation } from '../../backends/lab/simulation.ts';

/**
 * The simulation's clock as a ClockPort: timers are events on its queue, so session timeouts,
 * keep-alives, reconnect backoff and refresh periods run in the same simulated time as the estate
 * they talk to (a 60 s command timeout is 60 simulated seconds, however fast the test runs).
 */
export function simulationClock(sim: LabSimulation): ClockPort {
  const queue = sim.world.queue;
  return {
    now: () => queue.now,
    setTimeout(fn, ms) {
      const event = queue.after(Math.max(0, ms), fn);
      return { cancel: () => event.cancel() };
    },
  };
}
