const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

// toLocaleString with options builds a new formatter per call; a tree of thousands of rows
// formats thousands of numbers, so the formatters are made once.
const NUMBER = [0, 1, 2].map((digits) => new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }));
const fixed = (value: number, digits: number) => NUMBER[Math.max(0, Math.min(2, digits))]!.format(value);

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
  return `${sign}${fixed(Number(value.toFixed(digits)), digits)} ${UNITS[unit]}`;
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
    return fixed(v, v >= 100 || unit === 0 ? 0 : 1);
  };
  return `${fmt(used)} / ${fmt(total)} ${UNITS[unit]}`;
}
