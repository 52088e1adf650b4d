import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { EstateSnapshot } from '../../../shared/model/estate.ts';
import type { RecoveryPlan } from '../../../shared/model/recovery-plan.ts';
import type { FailoverTarget, RunSnapshot, RunType } from '../../../shared/model/recovery-run.ts';
import type { Bottleneck, RunPrediction } from '../../../shared/model/run-prediction.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { writeSync } from 'node:fs';
import type { EstateInventory } from '../backends/estate-source.ts';
import type { RehearsalFactory } from '../backends/rehearsal-port.ts';
import { createEstateStore } from '../estate/estate-store.ts';
import { systemClock, type LoggerPort } from '../ports.ts';
import { describeCalibration, type BootCalibration } from './boot-calibration.ts';
import { DEFAULT_DURATION_MODEL, groupBottleneck, type DurationModel } from './duration-model.ts';
import { RecoveryService } from './recovery-service.ts';
import type { LossSighting } from './run-clock.ts';
import { summarize } from './run-summary.ts';

/** Model durations of VMs never measured are guesses on a real estate: rehearsed this much faster and slower. */
const UNCALIBRATED_SPREAD = 0.25;
/** Simulated events a rehearsal may take: far above a 10,000-VM plan; beyond it the copy is stuck. */
const MAX_EVENTS = 5_000_000;
/** The copy's journal is thrown away after: written, never fsync'd. */
const NO_FSYNC = { writeSync, fsyncSync: () => {} };

export interface PredictionInput {
  plan: RecoveryPlan;
  type: RunType;
  target?: FailoverTarget;
  estate: EstateSnapshot;
  rehearse: RehearsalFactory;
  calibration: BootCalibration;
  /** Unplanned only: the loss the real run would count from, when it already happened. */
  loss: LossSighting | null;
  /** The live backend is the lab itself: the model is then its physics, not a guess. */
  backendIsLab: boolean;
  /** Active faults on the live backend, in words: they make the point a range. */
  faults: string[];
  logger: LoggerPort;
  durationModel?: DurationModel;
  now(): number;
}

interface Rehearsed { run: RunSnapshot; notes: string[]; unknownVms: string[] }

/**
 * Runs the plan on a copy of the estate as it is now and reads the copy's run the way a real run is
 * read (summarize): predicted RTO, per tier and group, the VM that ends each group, and what bounds
 * the longest group. Durations come from measured history where a VM was booted before.
 */
export async function predictRun(input: PredictionInput): Promise<RunPrediction> {
  const started = performance.now();
  const inventory = inventoryOf(input.estate);
  const main = await rehearse(input, inventory, input.calibration.scale);
  const summary = summarize(main.run);
  // Counted from the loss, as the real run will be, when the loss is already behind us.
  const offsetSec = input.type === 'unplanned-failover' && input.loss ? Math.max(0, input.estate.clock.now - input.loss.at) / 1000 : 0;
  const shift = (sec: number | null) => (sec === null ? null : sec + offsetSec);
  const rtoSec = shift(summary.achievedRtoSec);
  const calibration = describeCalibration(input.calibration, main.run.vms.map((vm) => vm.name));

  let range: RunPrediction['range'] = null;
  const notes = [...main.notes];
  if (main.unknownVms.length > 0 || input.faults.length > 0) {
    const why = [
      ...(main.unknownVms.length > 0 ? [`${main.unknownVms.length} VM${main.unknownVms.length === 1 ? '' : 's'} did not come back in the copy (${main.unknownVms.slice(0, 5).join(', ')}${main.unknownVms.length > 5 ? ', …' : ''})`] : []),
      ...(input.faults.length > 0 ? [`active faults: ${input.faults.join('; ')}`] : []),
    ].join('; ');
    range = { lowSec: rtoSec ?? lastHealthySec(main.run) + offsetSec, highSec: null, why };
  } else if (!input.backendIsLab && calibration.defaultVms > 0) {
    // Unmeasured VMs' durations are the model's guesses: rehearse them faster and slower.
    const spread = (factor: number) => new Map(main.run.vms.map((vm) => [vm.name, input.calibration.scale.get(vm.name) ?? factor]));
    const low = summarize((await rehearse(input, inventory, spread(1 - UNCALIBRATED_SPREAD))).run).achievedRtoSec;
    const high = summarize((await rehearse(input, inventory, spread(1 + UNCALIBRATED_SPREAD))).run).achievedRtoSec;
    if (low !== null && high !== null && rtoSec !== null) {
      range = { lowSec: low + offsetSec, highSec: high + offsetSec, why: `${calibration.defaultVms} VMs were never booted by a run: their durations are the model's, rehearsed ${UNCALIBRATED_SPREAD * 100} % faster and slower` };
    }
  }

  const target = input.plan.settings.rtoTargetSec;
  const worst = range ? range.highSec : rtoSec;
  const verdict: RunPrediction['verdict'] = worst === null ? (range && range.lowSec > target ? 'missed' : 'unknown') : worst <= target ? 'met' : (range && range.lowSec <= target ? 'unknown' : 'missed');
  return {
    planId: input.plan.id, planName: input.plan.name, planRevision: input.plan.revision, type: input.type,
    ...(input.target === 'extended' ? { target: input.target } : {}),
    predictedAt: input.now(), backend: input.estate.backend.description, estateAt: input.estate.clock.now,
    vmCount: main.run.vms.length, rtoTargetSec: target, rtoSec, range, verdict,
    tiers: summary.tiers.map((t) => ({ tier: t.tier, vmCount: t.vmCount, rtoSec: shift(t.rtoSec) })),
    groups: summary.groups.map((g) => ({ index: g.index, name: g.name, rtoSec: shift(g.rtoSec), durationSec: g.durationSec })),
    criticalPath: criticalPath(main.run, offsetSec),
    bottleneck: bottleneckOf(main.run, input.estate, input.durationModel ?? DEFAULT_DURATION_MODEL),
    calibration, notes, wallMs: Math.round(performance.now() - started),
  };
}

async function rehearse(input: PredictionInput, inventory: EstateInventory, bootScale: ReadonlyMap<string, number>): Promise<Rehearsed> {
  const rehearsal = input.rehearse({ inventory, bootScale });
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-prediction-'));
  const notes: string[] = [];
  const unknownVms: string[] = [];
  const estate = createEstateStore(await rehearsal.backend.load(), { clock: systemClock, batchMs: 60_000, publish: () => {} });
  rehearsal.backend.start((patches) => estate.apply(patches));
  // The copy's operations are not the estate's: nothing of them belongs in the audit trail.
  const audit: AuditLog = { append: () => {}, read: () => [], flush: () => {}, close: () => {} };
  const service = new RecoveryService({
    backend: rehearsal.backend, estate, dataDir, clock: rehearsal.backend.clock, wallClock: systemClock,
    audit, logger: input.logger, publish: () => {}, journalIo: NO_FSYNC, ...(input.durationModel ? { durationModel: input.durationModel } : {}),
  });
  try {
    const primaryUp = Object.values(input.estate.hosts).some((h) => input.estate.sites[h.siteId]?.role === 'primary' && h.state !== 'Down');
    if (input.type === 'unplanned-failover' && primaryUp) {
      rehearsal.losePrimarySite();
      rehearsal.advance();
      notes.push('The primary site is up: the copy lost it the moment the run started, so the figure does not include the time to notice a disaster and decide.');
    }
    const policy = { kind: 'latest' } as const;
    const report = await service.preflight(input.plan, input.type, policy, input.target);
    if (report.blockers.length > 0) {
      throw new ContractError('invalid-state', `The plan cannot run now, so there is nothing to predict: ${report.blockers.map((b) => b.message).join(' ')}`, report.blockers[0]!.id);
    }
    const run = await service.start({
      plan: input.plan, type: input.type, policy, ...(input.target ? { target: input.target } : {}),
      acceptedWarnings: report.warnings.map((w) => w.id), confirmText: input.plan.name, actor: 'prediction',
    });
    const executor = service.executor(run.id);
    let manual = 0;
    for (let events = 0; ; events++) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (executor.header.status === 'completed' || executor.header.status === 'aborted') break;
      const snapshot = executor.snapshot();
      let decided = false;
      for (const group of snapshot.groups) {
        for (const step of [...group.before, ...group.after]) {
          if (step.status !== 'waiting-operator') continue;
          if (step.spec.kind === 'manual' && !step.error) { service.confirm(run.id, step.id, 'prediction'); manual++; } else service.decide(run.id, { stepId: step.id }, 'skip', 'prediction');
          decided = true;
        }
      }
      for (const vm of snapshot.vms) {
        if (vm.status !== 'waiting-operator') continue;
        service.decide(run.id, { vm: vm.name }, 'skip', 'prediction');
        unknownVms.push(vm.name);
        decided = true;
      }
      if (decided) continue;
      if (events > MAX_EVENTS || !rehearsal.advance()) {
        throw new ContractError('internal', `The rehearsal of "${input.plan.name}" stopped making progress (${executor.header.status}); the prediction was abandoned.`);
      }
    }
    const done = service.get(run.id);
    const scripts = done.groups.reduce((n, g) => n + [...g.before, ...g.after].filter((s) => s.spec.kind === 'script').length, 0);
    if (manual > 0) notes.push(`${manual} manual step${manual === 1 ? ' was' : 's were'} counted as done at once: add the time people need.`);
    if (scripts > 0) notes.push(`${scripts} script step${scripts === 1 ? ' was' : 's were'} counted as one second each: scripts are not run in the copy.`);
    return { run: done, notes, unknownVms };
  } finally {
    service.dispose();
    audit.close();
    estate.dispose();
    await rehearsal.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The estate snapshot as a backend's inventory: the store derives host figures again from it. */
function inventoryOf(estate: EstateSnapshot): EstateInventory {
  return {
    backend: estate.backend, clock: estate.clock,
    sites: Object.values(estate.sites), clusters: Object.values(estate.clusters),
    hosts: Object.values(estate.hosts), vms: Object.values(estate.vms),
  };
}

function lastHealthySec(run: RunSnapshot): number {
  const start = run.clockStart?.at ?? run.startedAt;
  return Math.max(0, ...run.vms.map((vm) => (vm.timing.healthyAt === null ? 0 : (vm.timing.healthyAt - start) / 1000)));
}

function criticalPath(run: RunSnapshot, offsetSec: number): RunPrediction['criticalPath'] {
  const start = run.clockStart?.at ?? run.startedAt;
  return run.groups.flatMap((group) => {
    let last: RunSnapshot['vms'][number] | null = null;
    for (const vm of run.vms) {
      if (vm.group !== group.index || vm.timing.healthyAt === null) continue;
      if (!last || vm.timing.healthyAt > last.timing.healthyAt!) last = vm;
    }
    return last ? [{ group: group.index, vm: last.name, host: last.targetHost, cluster: last.targetCluster, healthySec: (last.timing.healthyAt! - start) / 1000 + offsetSec }] : [];
  });
}

/** In the group that took longest, what bounds it: a cluster's storage slots, a host's, one VM, or the plan's own steps. */
function bottleneckOf(run: RunSnapshot, estate: EstateSnapshot, model: DurationModel): Bottleneck | null {
  const durations = run.groups.map((g) => ({ group: g, sec: g.startedAt !== null && g.endedAt !== null ? (g.endedAt - g.startedAt) / 1000 : 0 }));
  const longest = durations.sort((a, b) => b.sec - a.sec)[0];
  if (!longest) return null;
  const tags = new Map(Object.values(estate.vms).map((vm) => [vm.name, vm.tags]));
  const members = run.vms.filter((vm) => vm.group === longest.group.index).map((vm) => ({
    name: vm.name, host: vm.targetHost, cluster: vm.targetCluster, memoryBytes: vm.memoryBytes, database: tags.get(vm.name)?.includes('sql') ?? false,
  }));
  const bound = groupBottleneck(members, model);
  const where = `in ${longest.group.name}`;
  const steps = [...longest.group.before, ...longest.group.after].reduce((n, s) => n + (s.startedAt !== null && s.endedAt !== null ? (s.endedAt - s.startedAt) / 1000 : 0), 0);
  if (!bound || steps > bound.sec) return { kind: 'steps', name: longest.group.name, text: `the plan's own steps (waits, scripts, manual steps) ${where}` };
  const slots = bound.kind === 'storage' ? run.settings.maxBootsPerCluster ?? model.storageBootSlots : run.settings.maxBootsPerHost ?? model.hostBootSlots;
  if (bound.kind === 'storage') return { kind: 'storage', name: bound.name, text: `DR cluster ${clusterName(estate, bound.name)} storage boot slots (${slots} at once) ${where}` };
  if (bound.kind === 'host') return { kind: 'host', name: bound.name, text: `DR host ${bound.name} boot slots (${slots} at once) ${where}` };
  return { kind: 'vm', name: bound.name, text: `${bound.name} on its own (failover, boot and application start) ${where}` };
}

function clusterName(estate: EstateSnapshot, idOrName: string): string {
  return estate.clusters[idOrName]?.name ?? idOrName;
}
