import type { MigrationItem, MigrationQueue } from '../../../shared/model/migration.ts';

export type QueueSection = 'running' | 'queued' | 'finished' | 'failed';

/** The queue split the way the view shows it: running, queued, finished, failed (newest first). */
export function sections(queue: MigrationQueue | null): Record<QueueSection, MigrationItem[]> {
  const out: Record<QueueSection, MigrationItem[]> = { running: [], queued: [], finished: [], failed: [] };
  if (!queue) return out;
  for (const item of queue.items) {
    if (item.state === 'running') out.running.push(item);
    else if (item.state === 'queued') out.queued.push(item);
    else if (item.state === 'failed') out.failed.push(item);
    else out.finished.push(item);
  }
  out.queued.sort((a, b) => a.queuedAt - b.queuedAt || a.order - b.order);
  return out;
}

export function hostName(queue: MigrationQueue | null, hostId: string): string {
  return queue?.lanes.find((l) => l.hostId === hostId)?.name ?? hostId.split('/').at(-1) ?? hostId;
}

export function fmtBytes(bytes: number): string {
  if (bytes >= 1024 ** 4) return `${(bytes / 1024 ** 4).toFixed(1)} TiB`;
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${Math.round(bytes / 1024 ** 2)} MiB`;
  return `${Math.round(bytes / 1024)} KiB`;
}

export function fmtRate(bytesPerSec: number | null): string {
  if (bytesPerSec === null) return '—';
  const gbit = (bytesPerSec * 8) / 1e9;
  return gbit >= 1 ? `${gbit.toFixed(1)} Gbit/s` : `${Math.round(gbit * 1000)} Mbit/s`;
}

export function fmtDuration(sec: number | null): string {
  if (sec === null || !Number.isFinite(sec)) return '—';
  const s = Math.max(0, Math.round(sec));
  if (s < 90) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 90) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

export const TYPE_LABEL: Record<MigrationItem['type'], string> = { live: 'live', quick: 'quick (downtime)', offline: 'offline', storage: 'storage' };

/** Points for the throughput chart: minutes relative to now, Gbit/s. */
export function throughputSeries(queue: MigrationQueue | null): { t: number; gbit: number; running: number }[] {
  if (!queue) return [];
  return queue.throughput.map((p) => ({ t: Math.round(((p.at - queue.now) / 60_000) * 10) / 10, gbit: Math.round(((p.bytesPerSec * 8) / 1e9) * 100) / 100, running: p.running }));
}
