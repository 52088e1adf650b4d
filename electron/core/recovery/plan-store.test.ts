import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PlanStore } from './plan-store.ts';
import { fullSitePlan } from './default-plan.ts';

const store = async () => {
  const s = new PlanStore(mkdtempSync(join(tmpdir(), 'standby-plans-')), () => new Date('2026-01-01T00:00:00Z'));
  await s.init();
  return s;
};

describe('plan store', () => {
  it('has the default Full site plan, grouped by tier, out of the box', async () => {
    const s = await store();
    const loaded = await s.load();
    expect(loaded.invalid).toEqual([]);
    expect(loaded.plans.map((p) => p.plan.name)).toEqual(['Full site']);
    expect(loaded.plans[0]!.plan.groups.map((g) => g.members)).toEqual([[{ query: 'tier:0' }], [{ query: 'tier:1' }], [{ query: 'tier:2' }]]);
  });

  it('rejects an invalid file with the file, the JSON path and the problem, and loads nothing of it', async () => {
    const s = await store();
    const good = JSON.parse(readFileSync(join(s.dir, 'full-site.json'), 'utf8')) as { id: string; groups: { members: unknown[] }[] };
    good.id = 'broken';
    good.groups[1]!.members[0] = { query: 'tier:1', vm: 'EHRDB01' };
    writeFileSync(join(s.dir, 'broken.json'), JSON.stringify(good));
    writeFileSync(join(s.dir, 'torn.json'), '{ "name": "x", ');
    const loaded = await s.load();
    expect(loaded.plans.map((p) => p.plan.id)).toEqual(['full-site']);
    expect(loaded.invalid).toContainEqual(expect.objectContaining({ file: 'broken.json', path: 'groups[1].members[0]' }));
    expect(loaded.invalid.find((e) => e.file === 'torn.json')?.problem).toMatch(/not valid JSON/);
    await expect(s.get('broken')).rejects.toThrow(/broken\.json: groups\[1\]\.members\[0\]/);
  });

  it('creates, edits with revision checks, duplicates, exports and imports', async () => {
    const s = await store();
    const created = await s.create({ ...fullSitePlan(), name: 'EHR only', groups: [{ name: 'EHR', members: [{ query: 'app:ehr' }], before: [], after: [{ kind: 'manual', name: 'Tell the wards', instructions: 'Call the ward managers.' }] }] });
    expect(created).toMatchObject({ id: 'ehr-only', revision: 1 });
    const edited = await s.update('ehr-only', 1, { ...created, description: 'changed' });
    expect(edited.revision).toBe(2);
    await expect(s.update('ehr-only', 1, created)).rejects.toThrow(/changed elsewhere/);
    const copy = await s.duplicate('ehr-only');
    expect(copy).toMatchObject({ id: 'ehr-only-copy', name: 'EHR only (copy)', revision: 1 });
    const exported = await s.export('ehr-only');
    const imported = await s.import(exported.text, exported.fileName, false);
    expect(imported.id).toBe('ehr-only-2');
    expect(imported.groups).toEqual(edited.groups);
    await expect(s.import('{"schemaVersion":1,"id":"x","name":"x","revision":1,"updatedAt":"","groups":[{"name":"g","members":[{"vm":""}]}]}', 'x.json', false))
      .rejects.toThrow(/x\.json: groups\[0\]\.members\[0\]/);
  });
});

describe('plan store under concurrent saves', () => {
  it('of ten saves of the same revision exactly one wins; the others are told it changed; none is lost or torn', async () => {
    const s = await store();
    const base = await s.create({ ...fullSitePlan(), name: 'Race' });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => s.update(base.id, base.revision, { ...fullSitePlan(), name: 'Race', description: `editor ${i}` })));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results.filter((r) => r.status === 'rejected')) expect(String((r as PromiseRejectedResult).reason)).toMatch(/was changed elsewhere \(revision 2, you edited 1\)/);
    const onDisk = await s.get(base.id);
    expect(onDisk.plan).toEqual((won[0] as PromiseFulfilledResult<unknown>).value);
    expect(readdirSync(s.dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('ten plans created at once with the same name get ten ids, and all ten are on disk', async () => {
    const s = await store();
    const created = await Promise.all(Array.from({ length: 10 }, () => s.create({ ...fullSitePlan(), name: 'Same name' })));
    expect(new Set(created.map((p) => p.id)).size).toBe(10);
    expect((await s.load()).plans.filter((p) => p.plan.name === 'Same name')).toHaveLength(10);
  });
});
