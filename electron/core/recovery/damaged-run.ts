import { rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { PlanSettingsSchema } from '../../../shared/model/recovery-plan.ts';
import { RunTypeSchema, type RunListItem } from '../../../shared/model/recovery-run.ts';
import { quarantineFileOf } from '../journal/quarantine.ts';
import type { LoggerPort } from '../ports.ts';
import { readJournal, type JournalRecord, type RunJournal } from './run-journal.ts';

/**
 * A run journal that cannot be read whole never stops the console from starting and never makes
 * a run vanish: its unreadable lines are kept aside (journal/quarantine.ts) and the run is listed
 * with `journalDamage`, so the operator sees it needs attention.
 */
export function readRunJournal(file: string, logger: LoggerPort): { records: JournalRecord[]; damage: string[] } | { unreadable: RunListItem } {
  try {
    const { records, damaged, keptAside } = readJournal(file, logger);
    const where = keptAside ? `kept in ${quarantineFileOf(file)}` : 'left in the journal';
    return { records, damage: damaged.map((d) => `${file}, line ${d.line}: ${d.reason}; ${where}`) };
  } catch (error) {
    logger.error('A run journal could not be read', { file, error: String(error) });
    return { unreadable: unreadableRun(file, [`${file} could not be read: ${error instanceof Error ? error.message : String(error)}`]) };
  }
}

/** What the run list shows for a run whose header is lost: its id, its type when the id names it, and the damage. */
export function unreadableRun(file: string, damage: string[]): RunListItem {
  const id = basename(file, '.jsonl');
  const type = RunTypeSchema.options.find((t) => id.includes(`-${t}-`)) ?? 'unplanned-failover';
  let startedAt = 0;
  try { startedAt = statSync(file).mtimeMs; } catch { /* listed all the same */ }
  return {
    id, planId: 'unknown', planName: `Unknown plan (the journal ${basename(file)} is damaged)`, planRevision: 0, type,
    policy: { kind: 'latest' }, status: 'aborted', createdBy: 'unknown', startedAt, mainEndedAt: null, endedAt: null,
    rtoTargetSec: 0, settings: PlanSettingsSchema.parse({}), finishes: [], resumedCount: 0, abortedBy: null,
    journalDamage: damage, vmCount: 0, vmsDone: 0, waitingForOperator: 0,
  };
}

/** A journal whose first write failed: closed, and removed when nothing of it reached the disk. */
export function discardJournal(journal: RunJournal): void {
  journal.close({ flush: false });
  try {
    if (statSync(journal.file).size === 0) rmSync(journal.file);
  } catch { /* already gone */ }
}
