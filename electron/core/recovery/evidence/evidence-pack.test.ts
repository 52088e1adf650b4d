import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EvidencePackSchema } from '../../../../shared/model/evidence-pack.ts';
import { createLabRig, settled, testPlan } from '../../testing/lab-rig.ts';
import { PlanStore } from '../plan-store.ts';
import { PredictionLog } from '../prediction-log.ts';
import { journalFile } from '../run-journal.ts';
import { silentLogger } from '../../testing/memory-ports.ts';
import { EVIDENCE_FILES } from './evidence-files.ts';
import { createEvidenceService } from './evidence-service.ts';
import type { Attestations } from '../../../../shared/model/evidence-pack.ts';

async function drilledRig(options: { cleanup: boolean }) {
  const rig = await createLabRig({ vmCount: 30 });
  rig.sim.runFor(10 * 60_000);
  const plan = testPlan();
  const report = await rig.service.preflight(plan, 'test-failover', { kind: 'latest' });
  const run = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: report.warnings.map((w) => w.id), actor: '127.0.0.1' });
  await rig.drive(settled(rig.service, run.id));
  if (options.cleanup) {
    rig.service.finish(run.id, 'cleanup', '127.0.0.1');
    await rig.drive(() => rig.service.get(run.id).status === 'completed');
  }
  const plans = new PlanStore(rig.dataDir);
  await plans.init();
  let attestations: Attestations = { checklist: null, signOffs: [] };
  const evidence = createEvidenceService({
    service: rig.service, plans, predictions: new PredictionLog(rig.dataDir, silentLogger()), audit: rig.audit, backend: rig.lab,
    dataDir: rig.dataDir, attestations: () => attestations, now: () => Date.UTC(2026, 0, 1),
  });
  return { rig, run, evidence, setAttestations: (a: Attestations) => { attestations = a; } };
}

describe('evidence pack', () => {
  it('proves a drill cleaned up by reading the hosts back, and verifies until one byte of the journal changes', async () => {
    const { rig, run, evidence } = await drilledRig({ cleanup: true });
    const { pack, written } = await evidence.make(run.id);
    expect(pack.cleanup.status).toBe('proven');
    expect(pack.cleanup.scanned.length).toBeGreaterThan(0);
    expect(pack.summary.vms.length).toBe(run.vms.length);
    expect(pack.preflight).not.toBeNull();
    expect(written.html).toContain('No sign-offs were recorded.');
    expect(written.pdfProblem).toContain('No print engine');
    // The written JSON is what the schema describes.
    expect(EvidencePackSchema.safeParse(JSON.parse(readFileSync(join(written.dir, EVIDENCE_FILES.json), 'utf8'))).success).toBe(true);
    expect(evidence.verify(run.id).ok).toBe(true);

    const file = journalFile(rig.dataDir, run.id);
    const bytes = readFileSync(file);
    const at = bytes.indexOf('"test-failover"');
    bytes[at + 1] = 'T'.charCodeAt(0);
    writeFileSync(file, bytes);
    const verdict = evidence.verify(run.id);
    expect(verdict.ok).toBe(false);
    expect(verdict.checks.find((c) => c.name === 'journal hash chain')).toMatchObject({ ok: false, detail: expect.stringContaining('line ') });
    await rig.dispose();
  });

  it('fails verification when the report is edited, not when the run journal only grew', async () => {
    const { rig, run, evidence } = await drilledRig({ cleanup: true });
    const { written } = await evidence.make(run.id);
    appendFileSync(journalFile(rig.dataDir, run.id), '{"seq":999}\n');
    expect(evidence.verify(run.id).ok).toBe(true);
    const html = join(written.dir, EVIDENCE_FILES.html);
    writeFileSync(html, readFileSync(html, 'utf8').replace('Target met', 'Target mot'));
    expect(evidence.verify(run.id).checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['evidence.html unchanged']);
    await rig.dispose();
  });

  it('does not call a drill cleaned up before its test VMs are gone, and carries the sign-offs it is given', async () => {
    const { rig, run, evidence, setAttestations } = await drilledRig({ cleanup: false });
    setAttestations({ checklist: null, signOffs: [{ application: 'EHR', verdict: 'failed', note: 'login page <b>500</b>', by: { name: '10.0.0.5', role: 'operator' }, at: Date.UTC(2026, 0, 1) }] });
    const { pack, written } = await evidence.make(run.id);
    expect(pack.cleanup.status).toBe('not-proven');
    expect(pack.cleanup.leftovers.filter((l) => l.kind === 'test-vm').length).toBe(run.vms.length);
    expect(pack.cleanup.text).toContain('the cleanup has not been done');
    expect(written.html).toContain('login page &#60;b&#62;500&#60;/b&#62;');
    expect(written.html).not.toContain('No sign-offs were recorded.');
    await rig.dispose();
  });
});
