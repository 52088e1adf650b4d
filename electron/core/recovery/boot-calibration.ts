import type { RunSnapshot } from '../../../shared/model/recovery-run.ts';
import { heartbeatRequirementOf } from '../../../shared/model/recovery-plan.ts';
import type { Calibration } from '../../../shared/model/run-prediction.ts';
import { appStartSec, bootBaseSec, DEFAULT_DURATION_MODEL, type DurationModel } from './duration-model.ts';

/** Factors outside this are measurement accidents (a VM left booting overnight), not a calibration. */
const PLAUSIBLE = { min: 0.2, max: 10 } as const;

export interface BootCalibration {
  /** Per VM name: measured boot + application start ÷ the model's, from the newest run that booted it. */
  scale: Map<string, number>;
  /** Which run each measured VM's figure came from. */
  source: Map<string, string>;
}

/**
 * Calibration from history: for every VM an earlier run brought to healthy, its measured time from
 * Running to the heartbeat that run waited for, against what the duration model expects for the same
 * span with the VM booting alone.
 * The newest run that booted a VM wins (hardware and guests change). Runs whose boots were limited
 * to the hardware's slots (every plan's default) measure the VM, not the storm.
 */
export function calibrationFrom(runs: readonly RunSnapshot[], isDatabase: (vmName: string) => boolean, model: DurationModel = DEFAULT_DURATION_MODEL): BootCalibration {
  const scale = new Map<string, number>();
  const source = new Map<string, string>();
  for (const run of [...runs].sort((a, b) => b.startedAt - a.startedAt)) {
    for (const vm of run.vms) {
      const { runningAt, healthyAt } = vm.timing;
      if (runningAt === null || healthyAt === null || scale.has(vm.name)) continue;
      const candidate = { name: vm.name, host: vm.targetHost, cluster: vm.targetCluster, memoryBytes: vm.memoryBytes, database: isDatabase(vm.name) };
      // A run that counted OkApplicationsUnknown as up stopped its clock when the guest booted, before
      // its applications started: compared with boot + application start it would read every guest
      // as ~0.6× the model and predict the next drill that much too short.
      const countsApps = heartbeatRequirementOf(run.settings, vm.name) === 'applications-healthy';
      const expected = bootBaseSec(candidate, model) + (countsApps ? appStartSec(candidate, model) : 0);
      const factor = (healthyAt - runningAt) / 1000 / expected;
      if (!(factor >= PLAUSIBLE.min && factor <= PLAUSIBLE.max)) continue;
      scale.set(vm.name, factor);
      source.set(vm.name, run.id);
    }
  }
  return { scale, source };
}

/** What the prediction says about where its durations came from. */
export function describeCalibration(calibration: BootCalibration, vmNames: readonly string[]): Calibration {
  const measured = vmNames.filter((n) => calibration.scale.has(n));
  const factors = measured.map((n) => calibration.scale.get(n)!).sort((a, b) => a - b);
  const medianFactor = factors.length === 0 ? 1 : factors[Math.floor(factors.length / 2)]!;
  const runs = [...new Set(measured.map((n) => calibration.source.get(n)!))];
  const defaults = vmNames.length - measured.length;
  const text = measured.length === 0
    ? `Boot and application start durations are the model's defaults for all ${vmNames.length} VMs: no earlier run booted them.`
    : `Boot and application start durations measured in ${runs.length === 1 ? 'run' : `${runs.length} runs, newest`} ${runs[0]} for ${measured.length} VM${measured.length === 1 ? '' : 's'} (median ${medianFactor.toFixed(2)}× the model)${defaults > 0 ? `; the model's defaults for the other ${defaults}` : ''}.`;
  return { measuredVms: measured.length, defaultVms: defaults, runs, medianFactor, text };
}
