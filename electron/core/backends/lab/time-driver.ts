import type { LabSpeed } from '../../../../shared/model/lab.ts';
import type { ClockPort, TimerHandle } from '../../ports.ts';

interface Steppable {
  readonly now: number;
  runUntil(time: number): void;
  nextEventAt(): number | null;
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
  private flatOut = false;
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
      // A speed change during a flat-out stretch must not start a second one beside it.
      if (!this.flatOut) void this.runFlatOut(wall);
      return;
    } else if (this.speed !== 'pause') {
      this.sim.runUntil(this.sim.now + elapsed * this.speed);
    }
    this.afterAdvance();
    this.schedule();
  }

  /**
   * As fast as possible, yet one event time at a time with the event loop let through in between:
   * whoever reacts to an event (an orchestrator waiting for a heartbeat) acts at the simulated
   * instant it happened, so a run measured at 'max' measures the same RTO as one at 1×.
   */
  private async runFlatOut(wall: number): Promise<void> {
    this.flatOut = true;
    try {
      await this.flatOutStretch(wall);
    } finally {
      this.flatOut = false;
    }
    if (!this.running || this.speed !== 'max') return;
    this.afterAdvance();
    this.schedule();
  }

  private async flatOutStretch(wall: number): Promise<void> {
    for (let step = 0; step < DRIVER_MODEL.maxSlicesPerTick * 100; step++) {
      if (!this.running || this.speed !== 'max') return;
      const next = this.sim.nextEventAt();
      const horizon = this.sim.now + DRIVER_MODEL.maxSliceMs;
      this.sim.runUntil(next === null ? horizon : Math.min(next, horizon));
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.clock.now() - wall >= DRIVER_MODEL.maxBusyMs) break;
    }
    this.lastWall = this.clock.now();
  }
}
