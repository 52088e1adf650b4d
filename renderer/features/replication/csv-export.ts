import type { ReplicationRow } from './replication-rows.ts';

/**
 * A spreadsheet program runs a cell that starts with = + - @ (or a tab / carriage return that
 * hides one) as a formula. Text cells that do are prefixed with a single quote, as OWASP advises.
 */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: quote a field holding a comma, quote or line break, and double its quotes. */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const text = neutraliseFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS = [
  'Name', 'Tier', 'Site', 'Cluster', 'Primary host', 'Replica host', 'Replication state', 'Health',
  'Frequency (s)', 'Last replication (UTC)', 'Age of last replication (s)', 'Pending (bytes)',
  'RPO target (s)', 'RPO met', 'Extended replication state', 'Extended replication health',
] as const;

export function rowsToCsv(rows: readonly ReplicationRow[], nowMs: number): string {
  const lines = [CSV_COLUMNS.map(csvField).join(',')];
  for (const r of rows) {
    const last = r.lastReplicationTime;
    lines.push([
      r.name, `T${r.tier}`, r.siteName, r.clusterName, r.hostName, r.replicaHostName, r.state, r.health,
      r.frequencySec, last === null ? null : new Date(last).toISOString(), last === null ? null : Math.max(0, Math.round((nowMs - last) / 1000)),
      r.pendingBytes, r.rpoTargetSec, r.rpoMet, r.extended?.state ?? 'Not extended', r.extended?.health ?? null,
    ].map(csvField).join(','));
  }
  // CRLF, as RFC 4180 and Excel expect; the BOM makes Excel read UTF-8 names correctly.
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** Saves text as a file through the browser: works the same in Electron and on the wall. */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
