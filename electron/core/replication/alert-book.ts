import { join } from 'node:path';
import { z } from 'zod';
import { AlertSchema, DeliveryNoteSchema, compareAlerts, type Alert, type AlertChanges, type DeliveryNote } from '../../../shared/model/replication.ts';
import { openDurableAppend, type DurableAppend } from '../journal/durable-append.ts';
import { readKeepingAside } from '../journal/quarantine.ts';
import type { LoggerPort } from '../ports.ts';

const JournalRecordSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('raised'), alert: AlertSchema }),
  z.object({ type: z.literal('escalated'), id: z.string(), severity: z.enum(['warning', 'critical']), message: z.string() }),
  z.object({ type: z.literal('cleared'), id: z.string(), at: z.number() }),
  z.object({ type: z.literal('acknowledged'), id: z.string(), by: z.string(), at: z.number() }),
  z.object({ type: z.literal('linked'), id: z.string(), incidentId: z.string() }),
  z.object({ type: z.literal('delivery'), id: z.string(), note: DeliveryNoteSchema }),
]);
type JournalRecord = z.infer<typeof JournalRecordSchema>;

/**
 * How many alerts the console keeps listing before cleared ones roll off, oldest first (they stay in
 * the journal file). An ongoing alert never rolls off, however many there are: a site loss raises
 * more than this and every one of them must stay visible.
 */
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
    // Unreadable lines are kept aside and reported; the console starts with the rest.
    const { records } = readKeepingAside(file, (value) => JournalRecordSchema.parse(value), { what: 'an alert record', tornTail: 'cut', logger });
    for (const record of records) this.replay(record);
    this.removed.clear();
    // Past ids, not the list's length: alerts that rolled off must not have their ids handed out again.
    this.nextId = records.reduce((max, r) => (r.type === 'raised' ? Math.max(max, Number(r.alert.id.slice(1)) || 0) : max), 0) + 1;
    // A torn last line (killed mid-write, so nobody was told) is cut.
    this.journal = openDurableAppend<JournalRecord>({ file, what: 'the alert journal', tornTail: 'cut', onError: (error) => logger.error(error.message) });
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
  raise(input: Omit<Alert, 'id' | 'clearedAt' | 'acknowledged' | 'incidentId' | 'delivery'> & { incidentId?: string | null }): boolean {
    const key = `${input.vmId}|${input.kind}`;
    const openId = this.open.get(key);
    const existing = openId ? this.alerts.get(openId) : undefined;
    if (existing) {
      if (existing.severity === input.severity || input.severity === 'warning') return false;
      this.commit({ type: 'escalated', id: existing.id, severity: input.severity, message: input.message });
      return true;
    }
    const alert: Alert = { incidentId: null, ...input, id: `A${String(this.nextId++).padStart(6, '0')}`, clearedAt: null, acknowledged: null, delivery: [] };
    this.commit({ type: 'raised', alert });
    return true;
  }

  /** The ongoing alert of this kind for the VM (or incident subject), if any. */
  openOf(vmId: string, kind: Alert['kind']): Alert | undefined {
    const id = this.open.get(`${vmId}|${kind}`);
    return id ? this.alerts.get(id) : undefined;
  }

  /** Ongoing alerts, in the order they were raised. */
  *ongoing(): Iterable<Alert> {
    for (const id of this.open.values()) {
      const alert = this.alerts.get(id);
      if (alert) yield alert;
    }
  }

  get(id: string): Alert | undefined {
    return this.alerts.get(id);
  }

  /** Files a VM alert under the incident that explains it. */
  link(id: string, incidentId: string): boolean {
    const alert = this.alerts.get(id);
    if (!alert || alert.incidentId === incidentId) return false;
    this.commit({ type: 'linked', id, incidentId });
    return true;
  }

  /** Records what a notification channel made of the alert; the latest note per channel is kept. */
  noteDelivery(id: string, note: DeliveryNote): boolean {
    if (!this.alerts.has(id)) return false;
    this.commit({ type: 'delivery', id, note });
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

  /** Cleared alerts beyond KEEP leave the list, oldest first; ongoing ones stay. */
  private rollOff(): void {
    if (this.alerts.size <= KEEP) return;
    for (const [id, alert] of this.alerts) {
      if (this.alerts.size <= KEEP) return;
      if (alert.clearedAt === null) continue;
      this.alerts.delete(id);
      this.changed.delete(id);
      this.removed.add(id);
    }
  }

  private replay(record: JournalRecord): void {
    switch (record.type) {
      case 'raised':
        this.alerts.set(record.alert.id, record.alert);
        if (record.alert.clearedAt === null) this.open.set(`${record.alert.vmId}|${record.alert.kind}`, record.alert.id);
        this.rollOff();
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
        this.rollOff();
        return;
      }
      case 'linked': {
        const alert = this.alerts.get(record.id);
        if (alert) this.alerts.set(record.id, { ...alert, incidentId: record.incidentId });
        return;
      }
      case 'delivery': {
        const alert = this.alerts.get(record.id);
        if (alert) this.alerts.set(record.id, { ...alert, delivery: [...alert.delivery.filter((d) => d.channel !== record.note.channel), record.note] });
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
