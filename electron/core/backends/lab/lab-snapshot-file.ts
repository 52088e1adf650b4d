import { createHash, type Hash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { rewriteFile } from '../../journal/rewrite-file.ts';
import { LAB_SNAPSHOT_VERSION, type LabSnapshot } from './lab-snapshot.ts';

/**
 * The lab's snapshot on disk: a header line, then the snapshot. The header ties the snapshot to the
 * journal it was taken from — the number of commands the journal held and a digest of them — so a
 * journal that lost or changed a command (a line kept aside, a file from elsewhere) is replayed from
 * the seed rather than resumed from a world those commands did not make. The world the seed builds
 * is fingerprinted too: a console whose lab builds another estate or keeps other fields (a newer
 * build) replays rather than resume a world of another shape. The body's own digest catches a
 * damaged file.
 */
interface SnapshotHeader {
  version: number;
  seed: number;
  vmCount: number;
  /** Command records in the journal when it was taken, and their digest (CommandDigest). */
  commands: number;
  commandsDigest: string;
  /** sha256 of the snapshot of the world as the seed builds it, before any event. */
  origin: string;
  bodySha256: string;
}

/** What a snapshot must have been taken from to be used here. */
export interface SnapshotOrigin { seed: number; vmCount: number; origin: string }

/** The fingerprint of a lab's world as its seed builds it (a snapshot of it, taken before it ran). */
export function originOf(initial: LabSnapshot): string {
  return createHash('sha256').update(JSON.stringify(initial)).digest('hex');
}

/** A running digest of the journal's commands, in order, as they were written and as they are read. */
export class CommandDigest {
  private hash: Hash = createHash('sha256');
  count = 0;

  add(record: { at: number; cmd: string; args?: unknown[] }): void {
    this.hash.update(`${JSON.stringify({ at: record.at, cmd: record.cmd, args: record.args ?? [] })}\n`);
    this.count += 1;
  }

  get value(): string { return this.hash.copy().digest('hex'); }
}

export function snapshotFileOf(journalFile: string): string {
  return journalFile.replace(/\.jsonl$/, '.snapshot.json');
}

/**
 * Temporary files a killed process left half-written beside the snapshot (rewriteFile's, named
 * after the snapshot): only one console uses a data dir, so at start-up none is being written.
 * Returns the ones removed.
 */
export function removeStaleTemporaries(file: string): string[] {
  const dir = dirname(file);
  const prefix = `${basename(file)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const stale = names.filter((name) => name.startsWith(prefix) && name.endsWith('.tmp'));
  for (const name of stale) rmSync(join(dir, name), { force: true });
  return stale;
}

/** Atomically (a temporary file renamed over the old one); throws what the disk said, leaving no temporary. */
export function writeSnapshotFile(file: string, lab: SnapshotOrigin, commands: CommandDigest, snapshot: LabSnapshot): void {
  const body = JSON.stringify(snapshot);
  const header: SnapshotHeader = {
    version: LAB_SNAPSHOT_VERSION, seed: lab.seed, vmCount: lab.vmCount, commands: commands.count, commandsDigest: commands.value, origin: lab.origin,
    bodySha256: createHash('sha256').update(body).digest('hex'),
  };
  rewriteFile(file, `${JSON.stringify(header)}\n${body}\n`);
}

export type SnapshotRead =
  | { snapshot: LabSnapshot; commands: number }
  | { snapshot: null; reason: string | null };

/**
 * The snapshot, if it belongs to this lab and this journal; otherwise why not (null: there is none).
 * `journalCommands` lists the journal's command records in order.
 */
export function readSnapshotFile(file: string, lab: SnapshotOrigin, journalCommands: readonly { at: number; cmd: string; args?: unknown[] }[]): SnapshotRead {
  if (!existsSync(file)) return { snapshot: null, reason: null };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { snapshot: null, reason: `it could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const newline = text.indexOf('\n');
  let header: Partial<SnapshotHeader>;
  try {
    header = JSON.parse(newline < 0 ? text : text.slice(0, newline)) as Partial<SnapshotHeader>;
  } catch {
    return { snapshot: null, reason: 'its header is not JSON' };
  }
  if (typeof header !== 'object' || header === null) return { snapshot: null, reason: 'its header is not an object' };
  if (header.version !== LAB_SNAPSHOT_VERSION) return { snapshot: null, reason: `it is version ${JSON.stringify(header.version)}, this console reads version ${LAB_SNAPSHOT_VERSION}` };
  if (header.seed !== lab.seed || header.vmCount !== lab.vmCount) return { snapshot: null, reason: `it is of another lab (seed ${header.seed}, ${header.vmCount} VMs)` };
  if (header.origin !== lab.origin) return { snapshot: null, reason: 'it was taken by a lab whose seed builds another world (another build of the console)' };
  const body = newline < 0 ? '' : text.slice(newline + 1).trimEnd();
  if (createHash('sha256').update(body).digest('hex') !== header.bodySha256) return { snapshot: null, reason: 'it is damaged (its digest does not match)' };
  const commands = header.commands;
  if (typeof commands !== 'number' || !Number.isInteger(commands) || commands < 0 || commands > journalCommands.length) {
    return { snapshot: null, reason: `it was taken after ${JSON.stringify(commands)} commands and the journal holds ${journalCommands.length}` };
  }
  const digest = new CommandDigest();
  for (let i = 0; i < commands; i++) digest.add(journalCommands[i]!);
  if (digest.value !== header.commandsDigest) return { snapshot: null, reason: 'the journal\'s commands are not the ones it was taken after' };
  let snapshot: LabSnapshot;
  try {
    snapshot = JSON.parse(body) as LabSnapshot;
  } catch {
    return { snapshot: null, reason: 'its body is not JSON' };
  }
  if (snapshot.version !== LAB_SNAPSHOT_VERSION || typeof snapshot.now !== 'number') return { snapshot: null, reason: 'its body is not a lab snapshot' };
  const next = journalCommands[commands];
  if (next && next.at < snapshot.now) return { snapshot: null, reason: 'it is later than the command that followed it' };
  return { snapshot, commands };
}
