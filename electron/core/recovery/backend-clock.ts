import type { HyperVBackend } from '../backends/backend-port.ts';
import { isLabControl } from '../backends/lab/lab-backend.ts';
import type { ClockPort } from '../ports.ts';

/** The backend's clock: simulated on the lab, the system clock on real hosts. Every wait uses it. */
export interface RecoveryClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * The backend port has no clock of its own yet, so the lab's simulated queue is reached directly;
 * once the port grows `clock`, this adapter is the only place to change.
 */
export function recoveryClockFor(backend: HyperVBackend, system: ClockPort): RecoveryClock {
  if (isLabControl(backend)) {
    const queue = backend.simulation.world.queue;
    return {
      now: () => queue.now,
      sleep: (ms) => new Promise((resolve) => { queue.after(Math.max(0, ms), resolve); }),
    };
  }
  return {
    now: () => system.now(),
    sleep: (ms) => new Promise((resolve) => { system.setTimeout(resolve, Math.max(0, ms)); }),
  };
}
