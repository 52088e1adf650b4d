const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Binary units, as Hyper-V Manager shows memory: 8 GiB, 1.5 TiB, 512 MiB. */
export function formatBytes(bytes: number, maxFractionDigits = 1): string {
  if (!Number.isFinite(bytes)) return '—';
  const sign = bytes < 0 ? '-' : '';
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Three significant digits at most: 512 GiB, 12.5 GiB, 1.25 TiB reads as 1.3 TiB.
  const digits = value >= 100 || unit === 0 ? 0 : Math.min(maxFractionDigits, value >= 10 ? 1 : maxFractionDigits);
  const rounded = Number(value.toFixed(digits));
  return `${sign}${rounded.toLocaleString('en-US', { maximumFractionDigits: digits })} ${UNITS[unit]}`;
}

/** Used of total in one unit, so the two numbers compare at a glance: "312 / 496 GiB". */
export function formatBytesPair(used: number, total: number): string {
  let unit = 0;
  let scale = 1;
  while (total / scale >= 1024 && unit < UNITS.length - 1) {
    scale *= 1024;
    unit += 1;
  }
  const fmt = (n: number) => {
    const v = n / scale;
    return v.toLocaleString('en-US', { maximumFractionDigits: v >= 100 || unit === 0 ? 0 : 1 });
  };
  return `${fmt(used)} / ${fmt(total)} ${UNITS[unit]}`;
}
