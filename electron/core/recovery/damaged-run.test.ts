import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { listDataProblems } from '../journal/quarantine.ts';
import { createLabRig } from '../testing/lab-rig.ts';
import { settled, testPlan } from '../testing/recovery-rig.ts';
import { journalFile } from './run-journal.ts';

describe('a run whose journal is damaged', () => {
  it('is still listed after a restart, marked as needing attention, and carries on with what could be read', async () => {
    const rig = await createLabRig();
    const plan = testPlan();
    const first = rig.service;
    const warnings = (await first.preflight(plan, 'test-failover', { kind: 'latest' })).warnings.map((w) => w.id);
    const run = await first.start({ plan, type: 'test-failover', policy: { kind: 'latest' }, acceptedWarnings: warnings, actor: 'tester' });
    await rig.drive(() => first.get(run.id).vms.some((v) => v.status === 'done'));
    first.dispose();

    // A bad sector in the middle of the journal: one VM's record is unreadable.
    const file = journalFile(rig.dataDir, run.id);
    const lines = readFileSync(file, 'utf8').split('\n');
    const hit = lines.findIndex((l, i) => i > 0 && l.includes('"type":"vm"'));
    lines[hit] = `${lines[hit]!.slice(0, 20)}\u0000\u0000\u0000`;
    writeFileSync(file, lines.join('\n'));

    const second = rig.restart();
    const listed = second.list().find((r) => r.id === run.id)!;
    expect(listed.journalDamage).toEqual([expect.stringMatching(new RegExp(`line ${hit + 1}: not a run journal record \\(not JSON`))]);
    expect(second.get(run.id).journalDamage).toHaveLength(1);
    expect(listDataProblems(rig.dataDir).problems).toMatchObject([{ file, line: hit + 1 }]);
    await rig.drive(settled(second, run.id));
    expect(second.get(run.id).status).toBe('completed');
    second.dispose();
    await rig.dispose();
  });
});
