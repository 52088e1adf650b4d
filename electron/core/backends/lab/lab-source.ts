import type { ClockPort, TimerHandle } from '../../ports.ts';
import type { EstateSource } from '../estate-source.ts';
import type { SourcePatch } from '../../estate/estate-store.ts';
import { generateLabEstate, type LabEstateOptions } from './estate-generator.ts';

/** The lab clock starts here so runs are reproducible; 03:00 is when real disasters get noticed. */
export const LAB_EPOCH = Date.UTC(2026, 10, 25, 3, 0, 0);

/**
 * The lab as an estate source. The static estate with a running clock; the simulation (replication
 * cycles, migrations, failover, faults) plugs in behind this same interface.
 */
export function createLabSource(options: Omit<LabEstateOptions, 'startTime'> & { clock: ClockPort; startTime?: number }): EstateSource {
  const startTime = options.startTime ?? LAB_EPOCH;
  const estate = generateLabEstate({ seed: options.seed, vmCount: options.vmCount, startTime });
  const wallStart = options.clock.now();
  let timer: TimerHandle | null = null;
  let stopped = false;
  return {
    info: estate.backend,
    async load() {
      return { ...estate, clock: { ...estate.clock, now: startTime + (options.clock.now() - wallStart) } };
    },
    start(onPatches: (patches: SourcePatch[]) => void) {
      const tick = () => {
        if (stopped) return;
        onPatches([{ op: 'clock', value: { source: 'lab', now: startTime + (options.clock.now() - wallStart), speed: 1 } }]);
        timer = options.clock.setTimeout(tick, 1000);
      };
      timer = options.clock.setTimeout(tick, 1000);
    },
    async dispose() {
      stopped = true;
      timer?.cancel();
    },
  };
}
