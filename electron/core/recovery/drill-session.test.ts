import { describe, expect, it } from 'vitest';
import { DrillChecklistDraftSchema, SignOffRequestSchema, latestSignOffs } from '../../../shared/model/drill-session.ts';
import { createLabRig } from '../testing/lab-rig.ts';
import { settled, testPlan } from '../testing/recovery-rig.ts';
import { journalFile, readJournal } from './run-journal.ts';
import { silentLogger } from '../testing/memory-ports.ts';

const checklist = DrillChecklistDraftSchema.parse({
  attendees: [
    { name: 'A. Nurse', role: 'clinical' },
    { name: 'B. Owner', role: 'application-owner', applications: ['EHR', 'LIS'] },
    { name: 'C. Infra', role: 'infra' },
  ],
  signOffRoles: ['infra', 'application-owner', 'clinical'],
  applications: ['EHR', 'LIS'],
});

describe('drill session: checklist and sign-offs', () => {
  it('journals the checklist at the start and each sign-off under its signer, and both survive a restart', async () => {
    const rig = await createLabRig();
    const plan = testPlan();
    const warnings = (await rig.service.preflight(plan, 'test-failover', { kind: 'latest' })).warnings.map((w) => w.id);
    const run = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, actor: 'C. Infra', checklist });
    expect(run.checklist).toMatchObject({ applications: ['EHR', 'LIS'], recordedBy: 'C. Infra' });
    await rig.drive(settled(rig.service, run.id));

    rig.service.signOff(run.id, { application: 'ehr', verdict: 'verified' }, 'B. Owner', 'operator');
    rig.service.signOff(run.id, { application: 'LIS', verdict: 'failed', note: 'Results screen empty' }, 'A. Nurse', 'operator');
    // Two in one burst: the journal coalesces per key, so each needs its own.
    rig.service.signOff(run.id, { application: 'LIS', verdict: 'verified', note: 'after re-index' }, 'B. Owner', 'operator');
    rig.service.signOff(run.id, { application: 'EHR', verdict: 'verified' }, 'operator token, browser 127.0.0.1', 'operator');

    const journaled = readJournal(journalFile(rig.dataDir, run.id), silentLogger()).records.filter((r) => r.change.type === 'signoff');
    expect(journaled).toHaveLength(4);
    const restarted = rig.restart();
    const after = restarted.get(run.id);
    expect(after.checklist?.attendees.map((a) => a.name)).toEqual(['A. Nurse', 'B. Owner', 'C. Infra']);
    expect(after.signOffs?.map((s) => [s.id, s.application, s.verdict, s.by.name, s.by.role])).toEqual([
      [1, 'EHR', 'verified', 'B. Owner', 'Application owner'],
      [2, 'LIS', 'failed', 'A. Nurse', 'Clinical'],
      [3, 'LIS', 'verified', 'B. Owner', 'Application owner'],
      [4, 'EHR', 'verified', 'operator token, browser 127.0.0.1', 'operator'],
    ]);
    expect(after.signOffs![1]!.at).toBe(Date.UTC(2026, 0, 1));
    expect(after.signOffs![1]!.runAt).toBeGreaterThan(run.startedAt);

    expect(restarted.attestations(run.id)).toEqual({
      checklist: after.checklist,
      signOffs: [
        { application: 'EHR', verdict: 'verified', by: { name: 'B. Owner', role: 'Application owner' }, at: Date.UTC(2026, 0, 1) },
        { application: 'LIS', verdict: 'failed', note: 'Results screen empty', by: { name: 'A. Nurse', role: 'Clinical' }, at: Date.UTC(2026, 0, 1) },
        { application: 'LIS', verdict: 'verified', note: 'after re-index', by: { name: 'B. Owner', role: 'Application owner' }, at: Date.UTC(2026, 0, 1) },
        { application: 'EHR', verdict: 'verified', by: { name: 'operator token, browser 127.0.0.1', role: 'operator' }, at: Date.UTC(2026, 0, 1) },
      ],
    });
    expect(latestSignOffs(after.checklist!.applications, after.signOffs!).map((l) => [l.application, l.signOff?.id])).toEqual([['EHR', 4], ['LIS', 3]]);
    expect(rig.audit.read({ action: 'drill sign-off: failed' })).toMatchObject([{ actor: 'A. Nurse', target: `${run.id} LIS`, detail: 'Results screen empty' }]);

    // Nothing to judge once the test copies go.
    restarted.finish(run.id, 'cleanup', 'C. Infra');
    expect(() => restarted.signOff(run.id, { application: 'EHR', verdict: 'verified' }, 'B. Owner', 'operator')).toThrow(/being or have been removed/);
    rig.dispose();
  });

  it('refuses a sign-off before any test copy runs, and an application off the checklist, naming the ones on it', async () => {
    const rig = await createLabRig();
    const plan = testPlan();
    const warnings = (await rig.service.preflight(plan, 'test-failover', { kind: 'latest' })).warnings.map((w) => w.id);
    const run = await rig.service.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, actor: 'C. Infra', checklist });
    expect(() => rig.service.signOff(run.id, { application: 'EHR', verdict: 'verified' }, 'B. Owner', 'operator')).toThrow('No test copy of this run is failed over yet; sign off once the applications run.');
    await rig.drive(settled(rig.service, run.id));
    expect(() => rig.service.signOff(run.id, { application: 'PACS', verdict: 'verified' }, 'B. Owner', 'operator')).toThrow('"PACS" is not on this drill\'s checklist; its applications are: EHR, LIS.');
    expect(rig.service.get(run.id).signOffs).toBeUndefined();
    rig.dispose();
  });

  it('checks requests: a failure needs a note, a sign-off role needs someone present to hold it', () => {
    const failed = SignOffRequestSchema.safeParse({ runId: 'r', application: 'EHR', verdict: 'failed', note: '  ' });
    expect(failed.success).toBe(false);
    expect(failed.error?.issues[0]).toMatchObject({ path: ['note'], message: expect.stringContaining('needs a note') });
    const missing = DrillChecklistDraftSchema.safeParse({ attendees: [{ name: 'A', role: 'infra' }], signOffRoles: ['infra', 'dba'], applications: ['EHR', 'ehr'] });
    expect(missing.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['signOffRoles.1', 'nobody present has the role "DBA" that must sign off'],
      ['applications.1', '"ehr" is listed twice'],
    ]);
  });
});
