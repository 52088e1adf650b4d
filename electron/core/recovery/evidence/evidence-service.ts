import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvidencePack, EvidenceVerdict } from '../../../../shared/model/evidence-pack.ts';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { HyperVBackend } from '../../backends/backend-port.ts';
import type { PdfPrinter } from '../../ports.ts';
import { STANDBY_VERSION } from '../../version.ts';
import type { PlanStore } from '../plan-store.ts';
import type { PredictionLog } from '../prediction-log.ts';
import type { RecoveryService } from '../recovery-service.ts';
import { journalFile } from '../run-journal.ts';
import { scanCleanup } from './cleanup-proof.ts';
import { buildEvidencePack } from './evidence-pack.ts';
import { evidenceDir, verifyEvidence, writeEvidence, type WrittenEvidence } from './evidence-files.ts';
import type { AttestationSource } from './run-attestations.ts';

export interface EvidenceServiceOptions {
  service: RecoveryService;
  plans: PlanStore;
  predictions: PredictionLog;
  audit: AuditLog;
  backend: HyperVBackend;
  dataDir: string;
  attestations: AttestationSource;
  printPdf?: PdfPrinter;
  now(): number;
}

/** The evidence pack of a run: built from its journal and what surrounds it, written to the data folder, verified. */
export function createEvidenceService(o: EvidenceServiceOptions) {
  return {
    async make(runId: string): Promise<{ pack: EvidencePack; written: WrittenEvidence; buildMs: number }> {
      const started = performance.now();
      const run = o.service.get(runId);
      o.audit.flush();
      const plan = await o.plans.get(run.planId).then(({ plan, file }) => ({ plan, text: readFileSync(join(o.plans.dir, file), 'utf8') })).catch(() => null);
      const pack = buildEvidencePack({
        run, journalFile: journalFile(o.dataDir, runId), dataDir: o.dataDir, plan,
        prediction: o.predictions.before(run, o.service.runsOf(run.planId)), audit: o.audit.read({ target: runId }),
        attestations: o.attestations(runId), cleanup: await scanCleanup(run, o.backend),
        environment: {
          standbyVersion: STANDBY_VERSION, backend: o.backend.info.description, backendKind: o.backend.info.kind,
          hosts: [...new Set(run.vms.map((vm) => vm.targetHost))].sort(), node: process.version, platform: `${process.platform} ${process.arch}`,
        },
        now: o.now(),
      });
      const written = await writeEvidence(pack, o.dataDir, o.printPdf);
      return { pack, written, buildMs: performance.now() - started };
    },
    verify(runId: string): EvidenceVerdict {
      return verifyEvidence(evidenceDir(o.dataDir, runId), o.dataDir);
    },
  };
}
export type EvidenceService = ReturnType<typeof createEvidenceService>;
