import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionProfileSchema } from '../../../shared/model/connections.ts';
import { listDataProblems } from '../journal/quarantine.ts';
import { loadProfiles, profileFilePath, writeProfiles } from './profile-file.ts';

const valid = (siteId: string) => ConnectionProfileSchema.parse({
  siteId, role: 'primary', name: siteId, location: 'here', clusters: [{ cluster: `${siteId}-CL01` }], username: '',
  timeouts: { connectMs: 10_000, commandMs: 10_000, operationMs: 30_000, keepAliveMs: 60_000 },
});

function dataDir(content?: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'standby-profiles-'));
  const file = profileFilePath(dir);
  mkdirSync(dirname(file), { recursive: true });
  if (content !== undefined) writeFileSync(file, content);
  return { dir, file };
}

describe('the connection profiles file', () => {
  it('that does not parse is set aside whole and reported, and the next save does not overwrite it', async () => {
    const broken = '{"version":1,"profiles":[{"siteId":"site-pri",}]}'; // a hand edit's trailing comma
    const { dir, file } = dataDir(broken);
    const loaded = await loadProfiles(file);
    expect(loaded.profiles).toEqual([]);
    expect(loaded.problems[0]).toMatch(/could not be read \(not JSON.*renamed to .*profiles\.json\.unreadable-/);
    await writeProfiles(file, { backend: null, profiles: [valid('site-dr')] });
    const aside = readdirSync(dirname(file)).filter((f) => f.includes('.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dirname(file), aside[0]!), 'utf8')).toBe(broken);
    expect(listDataProblems(dir).problems).toMatchObject([{ file, line: null, keptIn: join(dirname(file), aside[0]!), problem: expect.stringMatching(/^not JSON/) }]);
  });

  it('with one invalid profile loads the others, and a save writes the invalid one back as it was', async () => {
    const bad = { siteId: 'site-dr', role: 'nonsense' };
    const { dir, file } = dataDir(JSON.stringify({ version: 1, backend: null, profiles: [valid('site-pri'), bad] }));
    const loaded = await loadProfiles(file);
    expect(loaded.profiles.map((p) => p.siteId)).toEqual(['site-pri']);
    expect(loaded.unreadable).toEqual([bad]);
    await writeProfiles(file, { backend: null, profiles: loaded.profiles, unreadable: loaded.unreadable });
    expect((JSON.parse(readFileSync(file, 'utf8')) as { profiles: unknown[] }).profiles).toEqual([valid('site-pri'), bad]);
    expect(listDataProblems(dir).problems).toMatchObject([{ file, line: null, problem: expect.stringMatching(/^profile 2: /) }]);
  });

  it('a failed write (no such folder can be made) says what could not be saved and leaves no temporary file', async () => {
    const { dir } = dataDir();
    writeFileSync(join(dir, 'blocker'), '');
    const file = join(dir, 'blocker', 'profiles.json'); // a file where the folder should be: ENOTDIR
    await expect(writeProfiles(file, { backend: null, profiles: [] })).rejects.toThrow(/^Could not save the connection profiles: /);
    expect(existsSync(file)).toBe(false);
  });
});
