import type { LabSpeed } from '../../../../shared/model/lab.ts';
import type { ClockPort, LoggerPort } from '../../ports.ts';
import { journaledLab } from './lab-journal.ts';
import type { LabEstateOptions } from './estate-generator.ts';
import { createLabBackend, type LabBackend } from './lab-backend.ts';
import { LabSimulation } from './simulation.ts';

/** The lab clock starts here so runs are reproducible; 03:00 is when real disasters get noticed. */
export const LAB_EPOCH = Date.UTC(2026, 10, 25, 3, 0, 0);

/**
 * The lab as the core's backend: the simulation, run in real time by the core's clock at the chosen
 * speed, behind the same backend port a PowerShell backend implements.
 */
export function createLabSource(options: Omit<LabEstateOptions, 'startTime'> & {
  clock: ClockPort; startTime?: number; speed?: LabSpeed;
  /** Where the lab journals its commands so it survives a restart; none keeps it in memory only. */
  journal?: { dir: string; logger: LoggerPort; snapshotEveryEvents?: number };
}): LabBackend {
  const simulation = new LabSimulation({ seed: options.seed, vmCount: options.vmCount, startTime: options.startTime ?? LAB_EPOCH });
  const backend = createLabBackend(simulation, options.clock, options.speed ?? 1);
  if (!options.journal) return backend;
  return journaledLab(backend, simulation, { ...options.journal, seed: options.seed, vmCount: options.vmCount, clock: options.clock });
}
