import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { BackendKindSchema, ConnectionProfileSchema, type BackendKind, type ConnectionProfile } from '../../../shared/model/connections.ts';
import { describeZodError } from '../../../shared/contract/errors.ts';
import { SaveError } from '../journal/durable-append.ts';
import { keepAside } from '../journal/quarantine.ts';

/**
 * The connection profiles on disk: `<dataDir>/connections/profiles.json`. No password is ever in it
 * (profiles carry a credentialRef into the secret store). Written whole, through a temporary file,
 * fsync and rename, so a crash leaves either the old file or the new one.
 */

const PROFILE_FILE_VERSION = 1;

interface ProfileFileContent {
  /** null: not chosen on the Connections screen; settings (or the lab default) decide. */
  backend: BackendKind | null;
  profiles: ConnectionProfile[];
}

interface LoadedProfiles extends ProfileFileContent {
  /** Profiles that did not validate, as they were: left out of use, written back by every save. */
  unreadable: unknown[];
  /** What could not be read, for the log (the quarantine record tells the operator). */
  problems: string[];
}

const FileSchema = z.object({
  version: z.literal(PROFILE_FILE_VERSION),
  backend: BackendKindSchema.nullable().default(null),
  profiles: z.array(z.unknown()).default([]),
});

export function profileFilePath(dataDir: string): string {
  return join(dataDir, 'connections', 'profiles.json');
}

export async function loadProfiles(path: string, now: number = Date.now()): Promise<LoadedProfiles> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { backend: null, profiles: [], unreadable: [], problems: [] };
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { backend: null, profiles: [], unreadable: [], problems: [await setAside(path, `not JSON (${(error as Error).message})`, now)] };
  }
  const file = FileSchema.safeParse(raw);
  if (!file.success) return { backend: null, profiles: [], unreadable: [], problems: [await setAside(path, describeZodError(file.error).message, now)] };
  const problems: string[] = [];
  const profiles: ConnectionProfile[] = [];
  const unreadable: unknown[] = [];
  const kept: { line: null; reason: string; text: string }[] = [];
  file.data.profiles.forEach((entry, i) => {
    const parsed = ConnectionProfileSchema.safeParse(entry);
    if (parsed.success) { profiles.push(parsed.data); return; }
    // Kept in the file as it is (a save writes it back) and reported; the others load.
    unreadable.push(entry);
    const reason = `profile ${i + 1}: ${describeZodError(parsed.error).message}; left out, and kept in the file as it is`;
    kept.push({ line: null, reason, text: JSON.stringify(entry) });
    problems.push(`${path}: ${reason}.`);
  });
  try { keepAside(path, kept, now); } catch { /* reported in the log below; the profile stays in the file */ }
  return { backend: file.data.backend, profiles, unreadable, problems };
}

/**
 * A file that cannot be read as profiles is renamed beside itself, never overwritten by the next
 * save, and named in the quarantine record the operator is shown.
 */
async function setAside(path: string, reason: string, now: number): Promise<string> {
  const aside = `${path}.unreadable-${new Date(now).toISOString().replace(/[:.]/g, '-')}`;
  await rename(path, aside);
  try {
    keepAside(path, [{ line: null, reason: `${reason}; the whole file was set aside and no profile was loaded`, text: '', keptIn: aside }], now);
  } catch { /* the renamed file is the evidence; the log line below names it */ }
  return `${path} could not be read (${reason}): it was renamed to ${aside}, and no profile was loaded.`;
}

/** Written whole through a temporary file of its own, fsync and rename; a failed write leaves the old file and no temporary. */
export async function writeProfiles(path: string, content: ProfileFileContent & { unreadable?: readonly unknown[] }): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomUUID().slice(0, 8)}.tmp`;
  const { unreadable = [], ...rest } = content;
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(temporary, 'w', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify({ version: PROFILE_FILE_VERSION, ...rest, profiles: [...rest.profiles, ...unreadable] }, null, 2)}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => {});
    throw new SaveError('the connection profiles', path, error);
  }
}
