import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { BackendKindSchema, ConnectionProfileSchema, type BackendKind, type ConnectionProfile } from '../../../shared/model/connections.ts';
import { describeZodError } from '../../../shared/contract/errors.ts';

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
  /** Profiles or fields that did not validate: kept out, reported once in the log. */
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

export async function loadProfiles(path: string): Promise<LoadedProfiles> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { backend: null, profiles: [], problems: [] };
    throw error;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { backend: null, profiles: [], problems: [`${path} is not JSON (${(error as Error).message}); no profile was loaded.`] };
  }
  const file = FileSchema.safeParse(raw);
  if (!file.success) return { backend: null, profiles: [], problems: [`${path}: ${describeZodError(file.error).message}; no profile was loaded.`] };
  const problems: string[] = [];
  const profiles: ConnectionProfile[] = [];
  file.data.profiles.forEach((entry, i) => {
    const parsed = ConnectionProfileSchema.safeParse(entry);
    if (parsed.success) profiles.push(parsed.data);
    else problems.push(`${path}: profile ${i + 1}: ${describeZodError(parsed.error).message}; it was left out.`);
  });
  return { backend: file.data.backend, profiles, problems };
}

export async function writeProfiles(path: string, content: ProfileFileContent): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  const handle = await open(temporary, 'w', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify({ version: PROFILE_FILE_VERSION, ...content }, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, path);
}
