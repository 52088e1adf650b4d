import { join } from 'node:path';
import { z } from 'zod';
import { AlertSchema, compareAlerts, type Alert, type AlertChanges } from '../../../shared/model/replication.ts';
import { openDurableAppend, type DurableAppend } from '../journal/durable-append.ts';
import { readJsonLines } from '../journal/read-json-lines.ts';
import type { LoggerPort } from '../ports.ts';

const JournalRecordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('raised'), alert: AlertSchema }),
  z.object({ type: z.literal('escalated'), id: z.string(), severity: z.enum(['warning', 'critical']), message: z.string() }),
  z.object({ type: z.literal('cleared'), id: z.string(), at: z.number() }),
  z.object({ type: z.literal('acknowledged'), id: z.string(), by: z.string(), at: z.number() }),
]);
type JournalRecord = z.infer<typeof JournalRecordSchema>;

/** How many alerts the console keeps listing; older ones stay in the journal file. */
const KEEP = 2000;

/**
 * Alerts raised by the replication monitor, journaled (append-only, fsync) before anyone is told,
 * so they survive a restart along with who acknowledged them. Records of one burst share one fsync:
 * every way out (takeChanges, list, acknowledge) flushes first, and throws if the disk refuses.
 */
export class AlertBook {
  private readonly alerts = new Map<string, Alert>();
  private readonly open = new Map<string, string>();
  private readonly journal: DurableAppend<JournalRecord>;
  private nextId: number;
  /** Number of the last change handed out by takeChanges. */
  private seq = 0;
  /** Alert ids changed, and ids dropped from the list, since the last takeChanges. */
  private readonly changed = new Set<string>();
  private readonly removed = new Set<string>();

  constructor(dataDir: string, logger: LoggerPort) {
    const file = join(dataDir, 'alerts.jsonl');
    const { records, skipped } = readJsonLines(file, (value) => JournalRecordSchema.parse(value));
    for (const bad of skipped) logger.warn(`${file}, line ${bad.line}: not a valid alert record, skipped (${bad.reason})`);
    for (const record of records) this.replay(record);
    this.removed.clear();
    this.nextId = this.alerts.size + 1;
    // A torn last line (killed mid-write, so nobody was told) is cut: it was warned about above.
    this.journal = openDurableAppend<JournalRecord>({ file, what: 'the alert journal', tornTail: 'cut' });
  }

  /** The list as of the last change handed out; call takeChanges first so the two agree. */
  snapshot(): { alerts: Alert[]; seq: number } {
    return { alerts: this.list(), seq: this.seq };
  }

  /** What changed since the last call, numbered; null when nothing did. */
  takeChanges(): AlertChanges | null {
    this.journal.flush();
    if (this.changed.size === 0 && this.removed.size === 0) return null;
    const changed = [...this.changed].map((id) => this.alerts.get(id)).filter((a): a is Alert => a !== undefined);
    const removed = [...this.removed];
    this.changed.clear();
    this.removed.clear();
    this.seq += 1;
    return { seq: this.seq, changed, removed };
  }

  list(): Alert[] {
    this.journal.flush();
    return [...this.alerts.values()].sort(compareAlerts);
  }

  /** Raises or escalates the open alert of this kind for the VM; returns whether anything changed. */
  raise(input: Omit<Alert, 'id' | 'clearedAt' | 'acknowledged'>): boolean {
    const key = `${input.vmId}|${input.kind}`;
    const openId = this.open.get(key);
    const existing = openId ? this.alerts.get(openId) : undefined;
    if (existing) {
      if (existing.severity === input.severity || input.severity === 'warning') return false;
      this.commit({ type: 'escalated', id: existing.id, severity: input.severity, message: input.message });
      return true;
    }
    const alert: Alert = { ...input, id: `A${String(this.nextId++).padStart(6, '0')}`, clearedAt: null, acknowledged: null };
    this.commit({ type: 'raised', alert });
    return true;
  }

  clear(vmId: string, kind: Alert['kind'], at: number): boolean {
    const id = this.open.get(`${vmId}|${kind}`);
    if (!id) return false;
    this.commit({ type: 'cleared', id, at });
    return true;
  }

  /** Returns the ids that were not found, so the caller can say which. */
  acknowledge(ids: string[], by: string, at: number): string[] {
    const missing: string[] = [];
    for (const id of ids) {
      const alert = this.alerts.get(id);
      if (!alert) { missing.push(id); continue; }
      if (!alert.acknowledged) this.commit({ type: 'acknowledged', id, by, at });
    }
    this.journal.flush();
    return missing;
  }

  close(): void {
    this.journal.close();
  }

  private commit(record: JournalRecord): void {
    this.journal.append(record); // written, with the rest of this burst, before anyone is told
    this.replay(record);
    const id = record.type === 'raised' ? record.alert.id : record.id;
    if (this.alerts.has(id)) this.changed.add(id);
  }

  private replay(record: JournalRecord): void {
    switch (record.type) {
      case 'raised':
        this.alerts.set(record.alert.id, record.alert);
        if (record.alert.clearedAt === null) this.open.set(`${record.alert.vmId}|${record.alert.kind}`, record.alert.id);
        if (this.alerts.size > KEEP) {
          const oldest = this.alerts.keys().next().value!;
          this.alerts.delete(oldest);
          this.changed.delete(oldest);
          this.removed.add(oldest);
        }
        return;
      case 'escalated': {
        const alert = this.alerts.get(record.id);
        if (alert) this.alerts.set(record.id, { ...alert, severity: record.severity, message: record.message });
        return;
      }
      case 'cleared': {
        const alert = this.alerts.get(record.id);
        if (!alert) return;
        this.alerts.set(record.id, { ...alert, clearedAt: record.at });
        this.open.delete(`${alert.vmId}|${alert.kind}`);
        return;
      }
      case 'acknowledged': {
        const alert = this.alerts.get(record.id);
        if (alert) this.alerts.set(record.id, { ...alert, acknowledged: { by: record.by, at: record.at } });
        return;
      }
    }
  }
}
