import { LAB_EPOCH } from '../../backends/lab/lab-source.ts';
import { simulatedPowerShellRig } from '../double-rig.ts';
import type { RecoveryRig, RigOptions } from '../recovery-rig.ts';
import { startEmulatedBackend, type EmulatedBackend } from './emulated-backend.ts';

export interface EmulationRig extends RecoveryRig {
  emulated: EmulatedBackend;
}

/**
 * The recovery service on the PowerShell backend in real PowerShell: node-powershell runs pwsh per
 * site, PSSessions over SSH reach one loopback pwsh per node, and the host scripts drive the cmdlet
 * emulation over a lab simulation that only the test's driver moves (one timeline, as double-rig.ts).
 */
export async function createEmulationRig(options: RigOptions & { thirdCopy?: boolean; refreshMs?: number } = {}): Promise<EmulationRig> {
  const emulated = await startEmulatedBackend({
    ...(options.refreshMs === undefined ? {} : { refreshMs: options.refreshMs }),
    seed: options.seed ?? 7, vmCount: options.vmCount ?? 30, startTime: LAB_EPOCH, time: 'simulated', autoReconnect: true, hostsPerCluster: 1,
    ...(options.thirdCopy === undefined ? {} : { thirdCopy: options.thirdCopy }),
    // Simulated time for the cmdlets' own durations; real pwsh round trips take wall time only.
    timeouts: { connectMs: 120_000, commandMs: 120_000, operationMs: 600_000 },
  });
  const rig = await simulatedPowerShellRig(emulated, (count) => { emulated.bridge.onAttempt = count; }, options);
  return Object.assign(rig, { emulated });
}
