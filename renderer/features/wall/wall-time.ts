// Times on the wall are the estate's (simulated on the lab), as 24-hour clock readings.
const withSeconds = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const withoutSeconds = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const dateOnly = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: '2-digit', month: 'short', year: 'numeric' });

export function formatTime(epochMs: number, seconds = true): string {
  return (seconds ? withSeconds : withoutSeconds).format(epochMs);
}

export function formatDate(epochMs: number): string {
  return dateOnly.format(epochMs);
}
