import type { LabSpeed } from '../../../../shared/model/lab.ts';
import type { ClockPort, TimerHandle } from '../../ports.ts';

export interface Steppable {
  readonly now: number;
  runUntil(time: number): void;
}

export const DRIVER_MODEL = {
  /** The estate store batches patches for 250 ms anyway; flushing more often only costs. */
  tickMs: 250,
  /** A stalled event loop (a sleeping laptop) does not turn into hours of catch-up. */
  maxCatchUpMs: 2_000,
  /** At 'max', the lab runs in slices of this much simulated time... */
  maxSliceMs: 60_000,
  /** ...for about this much wall time per tick, so the process still answers requests. */
  maxBusyMs: 40,
  maxSlicesPerTick: 600,
} as const;

/**
 * Runs the lab in real time at the chosen speed. Wall time only decides how far to advance the
 * simulated clock; what happens in between is up to the simulation alone.
 */
export class TimeDriver {
  private readonly clock: ClockPort;
  private readonly sim: Steppable;
  private readonly afterAdvance: () => void;
  private timer: TimerHandle | null = null;
  private lastWall = 0;
  private running = false;
  speed: LabSpeed;

  constructor(clock: ClockPort, sim: Steppable, afterAdvance: () => void, speed: LabSpeed = 1) {
    this.clock = clock;
    this.sim = sim;
    this.afterAdvance = afterAdvance;
    this.speed = speed;
  }

  start(): void {
    this.running = true;
    this.lastWall = this.clock.now();
    this.schedule();
  }

  setSpeed(speed: LabSpeed): void {
    this.speed = speed;
    this.lastWall = this.clock.now();
    this.timer?.cancel();
    this.timer = null;
    if (this.running) this.schedule();
  }

  stop(): void {
    this.running = false;
    this.timer?.cancel();
    this.timer = null;
  }

  /** Simulated seconds per wall second as the clock patch reports it: 0 paused, null flat out. */
  get clockSpeed(): number | null {
    return this.speed === 'pause' ? 0 : this.speed === 'max' ? null : this.speed;
  }

  private schedule(): void {
    if (!this.running || this.speed === 'pause') return;
    this.timer = this.clock.setTimeout(() => this.tick(), this.speed === 'max' ? 1 : DRIVER_MODEL.tickMs);
  }

  private tick(): void {
    this.timer = null;
    const wall = this.clock.now();
    const elapsed = Math.min(Math.max(0, wall - this.lastWall), DRIVER_MODEL.maxCatchUpMs);
    this.lastWall = wall;
    if (this.speed === 'max') {
      for (let slice = 0; slice < DRIVER_MODEL.maxSlicesPerTick; slice++) {
        this.sim.runUntil(this.sim.now + DRIVER_MODEL.maxSliceMs);
        if (this.clock.now() - wall >= DRIVER_MODEL.maxBusyMs) break;
      }
      this.lastWall = this.clock.now();
    } else if (this.speed !== 'pause') {
      this.sim.runUntil(this.sim.now + elapsed * this.speed);
    }
    this.afterAdvance();
    this.schedule();
  }
}
