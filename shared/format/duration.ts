/** Seconds as an operator says them: 30 s, 5 min, 1 h 30 min, 2 d 4 h. Two units at most. */
export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds)) return '—';
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const parts: Array<[number, string]> = [
    [Math.floor(s / 86_400), 'd'],
    [Math.floor((s % 86_400) / 3_600), 'h'],
    [Math.floor((s % 3_600) / 60), 'min'],
    [s % 60, 's'],
  ];
  const first = parts.findIndex(([n]) => n > 0);
  const shown = parts.slice(first, first + 2).filter(([n]) => n > 0);
  return shown.map(([n, unit]) => `${n} ${unit}`).join(' ');
}

/** How long before `now` something happened: "4 min ago", "just now", "in 2 min" for clock skew. */
export function formatAgo(thenMs: number, nowMs: number): string {
  const diff = (nowMs - thenMs) / 1000;
  if (Math.abs(diff) < 5) return 'just now';
  return diff > 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(-diff)}`;
}
