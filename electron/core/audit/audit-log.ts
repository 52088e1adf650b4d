import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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
  /** Writes what is still buffered now. */
  flush(): void;
  close(): void;
}

/**
 * Append-only JSONL. Entries are buffered only until the end of the current microtask burst so a
 * failover touching hundreds of VMs at once costs a handful of fsyncs, not hundreds.
 */
export function createAuditLog(file: string, onError: (error: unknown) => void = () => {}): AuditLog {
  mkdirSync(dirname(file), { recursive: true });
  let fd: number | null = openSync(file, 'a');
  let buffer: string[] = [];
  let scheduled = false;

  function flush(): void {
    scheduled = false;
    if (buffer.length === 0 || fd === null) return;
    const text = buffer.join('');
    buffer = [];
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } catch (error) {
      onError(error);
    }
  }

  return {
    append(entry) {
      if (fd === null) throw new Error('The audit log is closed.');
      buffer.push(`${JSON.stringify(entry)}\n`);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    read(filter = {}) {
      flush();
      if (!existsSync(file)) return [];
      const out: AuditEntry[] = [];
      const target = filter.target?.toLowerCase();
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        let entry: AuditEntry;
        try {
          entry = JSON.parse(line) as AuditEntry;
        } catch {
          continue; // a torn last line after a crash: everything before it still counts
        }
        if (filter.since !== undefined && entry.at < filter.since) continue;
        if (filter.until !== undefined && entry.at > filter.until) continue;
        if (filter.actor !== undefined && entry.actor !== filter.actor) continue;
        if (filter.action !== undefined && entry.action !== filter.action) continue;
        if (target !== undefined && !entry.target.toLowerCase().includes(target)) continue;
        out.push(entry);
      }
      return filter.limit !== undefined ? out.slice(-filter.limit) : out;
    },
    flush,
    close() {
      flush();
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
