import { relative } from 'node:path';
import type { EvidencePack } from '../../../../shared/model/evidence-pack.ts';
import { EVIDENCE_SCHEMA_ID } from '../../../../shared/model/evidence-pack.ts';
import type { RecoveryPlan } from '../../../../shared/model/recovery-plan.ts';
import type { RunSnapshot } from '../../../../shared/model/recovery-run.ts';
import type { RunPrediction } from '../../../../shared/model/run-prediction.ts';
import type { AuditEntry } from '../../audit/audit-log.ts';
import { summarize } from '../run-summary.ts';
import { clockOf } from '../run-clock.ts';
import type { Attestations, CleanupProof } from '../../../../shared/model/evidence-pack.ts';
import { chainOf, sha256 } from './journal-chain.ts';

export interface EvidenceInputs {
  run: RunSnapshot;
  /** The run journal on disk, and the data folder it is named relative to. */
  journalFile: string;
  dataDir: string;
  /** The plan file as stored now, with its text; used when it is still the run's revision. */
  plan: { plan: RecoveryPlan; text: string } | null;
  prediction: RunPrediction | null;
  /** The audit trail of this run (decisions, confirmations, finish actions). */
  audit: readonly AuditEntry[];
  attestations: Attestations;
  cleanup: CleanupProof;
  environment: EvidencePack['environment'];
  now: number;
}

/** Builds the pack from the run's journal and the records around it; the hash chain is read from the journal file itself. */
export function buildEvidencePack(inputs: EvidenceInputs): EvidencePack {
  const { run } = inputs;
  const summary = summarize(run);
  const samePlan = inputs.plan && inputs.plan.plan.revision === run.planRevision ? inputs.plan : null;
  const steps = run.groups.flatMap((g) => [...g.before, ...g.after].map((s) => ({ group: g.index, id: s.id, label: s.label, status: s.status, confirmedBy: s.confirmedBy, spec: s.spec })));
  const pack: EvidencePack = {
    schema: EVIDENCE_SCHEMA_ID,
    generatedAt: new Date(inputs.now).toISOString(),
    run: {
      id: run.id, type: run.type, status: run.status, startedBy: run.createdBy, startedAt: run.startedAt,
      mainEndedAt: run.mainEndedAt, endedAt: run.endedAt, clockStart: clockOf(run), resumedCount: run.resumedCount,
      abortedBy: run.abortedBy, journalDamage: run.journalDamage ?? [],
    },
    plan: {
      id: run.planId, name: run.planName, revision: run.planRevision,
      versionHash: samePlan ? sha256(samePlan.text) : null, document: samePlan?.plan ?? null,
      rtoTargetSec: run.rtoTargetSec, steps,
    },
    inventoryAtStart: run.vms.map((vm) => ({
      name: vm.name, vmId: vm.vmId, group: vm.group, tier: vm.tier ?? null, sourceHost: vm.sourceHost, targetHost: vm.targetHost,
      targetCluster: vm.targetCluster, memoryBytes: vm.memoryBytes, cpuCount: vm.cpuCount,
    })),
    preflight: run.preflight ?? null,
    acceptedWarnings: run.acceptedWarnings ?? [],
    prediction: inputs.prediction,
    summary,
    timeline: timelineOf(run),
    failures: failuresOf(run),
    decisions: [
      { at: run.startedAt, clock: 'backend' as const, actor: run.createdBy, action: `started the ${run.type.replace(/-/g, ' ')}`, target: run.planName },
      // Finish actions are taken from the run itself (backend clock) below.
      ...inputs.audit.filter((a) => a.action.startsWith('recovery') && !a.action.startsWith('recovery finish') && a.result !== 'started').map((a) => ({
        at: typeof a.context?.backendTime === 'number' ? a.context.backendTime : a.at, clock: typeof a.context?.backendTime === 'number' ? 'backend' as const : 'wall' as const, actor: a.actor, action: a.action, target: a.target, ...(a.detail ? { detail: a.detail } : {}),
      })),
      ...run.finishes.map((f) => ({ at: f.startedAt, clock: 'backend' as const, actor: f.by, action: `${f.action} (${f.status})`, target: run.id })),
    ].sort((a, b) => (a.clock === b.clock ? a.at - b.at : a.clock === 'backend' ? -1 : 1)),
    attestations: inputs.attestations,
    cleanup: inputs.cleanup,
    environment: inputs.environment,
    integrity: { journal: chainOf(inputs.journalFile, relative(inputs.dataDir, inputs.journalFile).split('\\').join('/')), packHash: '' },
  };
  pack.integrity.packHash = packHashOf(pack);
  return pack;
}

/** sha256 of the pack as JSON with packHash empty: keys in the schema's order, as written. */
export function packHashOf(pack: EvidencePack): string {
  return sha256(JSON.stringify({ ...pack, integrity: { ...pack.integrity, packHash: '' } }));
}

function timelineOf(run: RunSnapshot): EvidencePack['timeline'] {
  const events: EvidencePack['timeline'] = [{ at: run.startedAt, what: `Run started by ${run.createdBy}` }];
  for (const g of run.groups) {
    if (g.startedAt !== null) events.push({ at: g.startedAt, what: `Group ${g.index + 1} "${g.name}" started` });
    for (const s of [...g.before, ...g.after]) if (s.endedAt !== null) events.push({ at: s.endedAt, what: `Step "${s.label}" ${s.status}${s.confirmedBy ? ` (confirmed by ${s.confirmedBy})` : ''}` });
    if (g.endedAt !== null) events.push({ at: g.endedAt, what: `Group ${g.index + 1} "${g.name}" ${g.status}` });
  }
  for (const vm of run.vms) {
    if (vm.timing.failoverDoneAt !== null) events.push({ at: vm.timing.failoverDoneAt, what: run.type === 'test-failover' ? 'test copy made' : 'failed over', vm: vm.name });
    if (vm.timing.healthyAt !== null) events.push({ at: vm.timing.healthyAt, what: 'applications healthy', vm: vm.name });
    if (vm.status === 'skipped' || vm.status === 'aborted') events.push({ at: vm.steps.find((s) => s.endedAt !== null)?.endedAt ?? run.startedAt, what: vm.status, vm: vm.name });
  }
  if (run.mainEndedAt !== null) events.push({ at: run.mainEndedAt, what: `Run ${run.status === 'aborted' ? 'aborted' : 'completed'}` });
  for (const f of run.finishes) {
    events.push({ at: f.startedAt, what: `${f.action} started by ${f.by}` });
    if (f.endedAt !== null) events.push({ at: f.endedAt, what: `${f.action} ${f.status}` });
  }
  return events.sort((a, b) => a.at - b.at);
}

function failuresOf(run: RunSnapshot): EvidencePack['failures'] {
  const out: EvidencePack['failures'] = [];
  for (const vm of run.vms) {
    for (const s of vm.steps) if (s.error) out.push({ vm: vm.name, step: s.kind, code: s.error.code, message: s.error.message, attempts: s.attempts, outcome: s.status });
  }
  for (const g of run.groups) {
    for (const s of [...g.before, ...g.after]) if (s.error) out.push({ vm: null, step: s.label, code: s.error.code, message: s.error.message, attempts: s.attempts, outcome: s.status });
  }
  return out;
}
