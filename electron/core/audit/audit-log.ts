import { openDurableAppend } from '../journal/durable-append.ts';
import { readJsonLines } from '../journal/read-json-lines.ts';

/** One thing someone did to the estate: who, what, to which target, how it ended, when. */
export interface AuditEntry {
  /** Wall-clock epoch ms; the backend's clock goes in `context` when it differs (the lab). */
  at: number;
  actor: string;
  action: string;
  target: string;
  /** started is written (and synced) before a backend call goes out, so a crash mid-call still leaves a trace. */
  result: 'started' | 'ok' | 'error';
  detail?: string;
  context?: Record<string, string | number | boolean | null>;
}

export interface AuditFilter {
  since?: number;
  until?: number;
  actor?: string;
  action?: string;
  /** Substring of the target, case-insensitive. */
  target?: string;
  /** The newest `limit` entries. */
  limit?: number;
}

export interface AuditLog {
  /** Durable (fsync) before the current macrotask ends; entries that arrive together share one fsync. */
  append(entry: AuditEntry): void;
  read(filter?: AuditFilter): AuditEntry[];
  /**
   * Writes what is still buffered now. Throws a SaveError ("Could not save the audit log:
   * the disk is full (ENOSPC).") for the request to fail with: call it before telling anyone.
   */
  flush(): void;
  close(): void;
}

/**
 * Append-only JSONL. Entries are buffered only until the end of the current microtask burst so a
 * failover touching hundreds of VMs at once costs a handful of fsyncs, not hundreds. A torn last
 * line is kept as evidence and ended with a newline; readers skip it. A write that fails at the
 * end of a burst, with nobody waiting, goes to `onError` and is tried again with the next flush.
 */
export function createAuditLog(file: string, onError: (error: Error) => void = () => {}): AuditLog {
  const journal = openDurableAppend<AuditEntry>({ file, what: 'the audit log', tornTail: 'newline', onError });
  return {
    append: (entry) => journal.append(entry),
    read(filter = {}) {
      journal.flush();
      const target = filter.target?.toLowerCase();
      // A torn line after a crash is skipped: everything before and after it still counts.
      const out = readJsonLines(file, (value) => value as AuditEntry).records.filter((entry) =>
        (filter.since === undefined || entry.at >= filter.since)
        && (filter.until === undefined || entry.at <= filter.until)
        && (filter.actor === undefined || entry.actor === filter.actor)
        && (filter.action === undefined || entry.action === filter.action)
        && (target === undefined || entry.target.toLowerCase().includes(target)));
      return filter.limit !== undefined ? out.slice(-filter.limit) : out;
    },
    flush: () => journal.flush(),
    close: () => journal.close(),
  };
}
