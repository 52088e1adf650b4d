import { z } from 'zod';

/**
 * zod pieces for what ConvertTo-Json really writes, in Windows PowerShell 5.1 and PowerShell 7:
 * enums as integers or names, dates as /Date(ms)/ or ISO, TimeSpans as objects, one row as an
 * object rather than an array, nothing at all for no rows, and 5.1's {value, Count} array wrapper.
 */

type Table = Readonly<Record<number, string>>;

/**
 * Where lenient readers report what they could not read exactly (an enum value nobody knows): the
 * caller of a parse collects them and tells the operator, while the answer itself is kept. Parsing is
 * synchronous, so one sink at a time is enough.
 */
let warningSink: string[] | null = null;
export function withValueWarnings<T>(sink: string[], read: () => T): T {
  const previous = warningSink;
  warningSink = sink;
  try { return read(); } finally { warningSink = previous; }
}
export function warnValue(message: string): void { warningSink?.push(message); }

/**
 * An enum as its name: accepts the name (any case, what the scripts emit), the integer or a numeric
 * string (older payloads, 5.1), or {value}. Each helper is one transform over unknown rather than a
 * z.union: a refresh parses thousands of these and unions cost several times more.
 * With `fallback`, a value the table lacks reads as the fallback and leaves a warning (a new Windows
 * may add values: one VM in a state nobody listed must not reject a host's whole answer).
 */
export function psEnum<T extends Table>(table: T, lenient?: { fallback: T[keyof T]; label: string }) {
  const byName = new Map(Object.values(table).map((name) => [name.toLowerCase(), name]));
  const known = () => Object.entries(table).map(([k, v]) => `${v}=${k}`).join(', ');
  return z.unknown().transform((raw, ctx): T[keyof T] => {
    const value = raw !== null && typeof raw === 'object' ? (raw as { value?: unknown }).value : raw;
    let name: string | undefined;
    if (typeof value === 'number') name = table[value];
    else if (typeof value === 'string') name = /^-?\d+$/.test(value) ? table[Number(value)] : byName.get(value.trim().toLowerCase());
    if (name === undefined) {
      if (lenient && (typeof value === 'number' || typeof value === 'string')) {
        warnValue(`${lenient.label} ${JSON.stringify(value)} is not a value Standby knows; shown as ${lenient.fallback}.`);
        return lenient.fallback;
      }
      ctx.addIssue({ code: 'custom', message: `Unknown value ${JSON.stringify(value)}; known: ${known()}` });
      return z.NEVER;
    }
    return name as T[keyof T];
  });
}

const MS_DATE = /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/;

/** Epoch ms from "/Date(ms)/" (5.1, the offset only says how it was displayed) or ISO text; year 1 is "never". */
export const psDate = z.unknown().transform((raw, ctx): number | null => {
  if (raw === null || raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') { ctx.addIssue({ code: 'custom', message: `Not a date: ${JSON.stringify(raw)}` }); return z.NEVER; }
  const ms = MS_DATE.exec(raw);
  const value = ms ? Number(ms[1]) : Date.parse(raw);
  if (!Number.isFinite(value)) {
    ctx.addIssue({ code: 'custom', message: `Not a date: ${JSON.stringify(raw.slice(0, 40))}` });
    return z.NEVER;
  }
  // DateTime.MinValue is what Hyper-V reports before the first replication.
  return value <= Date.UTC(1, 0, 2) ? null : value;
});

export const psRequiredDate = psDate.transform((value, ctx) => {
  if (value === null) { ctx.addIssue({ code: 'custom', message: 'A date is required here.' }); return z.NEVER; }
  return value;
});

const TIMESPAN_TEXT = /^(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** Seconds from a TimeSpan object ({Ticks, TotalSeconds, ...}), "d.hh:mm:ss.fffffff" text, or a number of seconds. */
export const psTimeSpan = z.unknown().transform((raw, ctx): number | null => {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') {
    const m = TIMESPAN_TEXT.exec(raw.trim());
    if (!m) { ctx.addIssue({ code: 'custom', message: `Not a TimeSpan: ${JSON.stringify(raw.slice(0, 40))}` }); return z.NEVER; }
    const seconds = Number(m[2] ?? 0) * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]) + Number(`0.${m[6] ?? '0'}`);
    return m[1] ? -seconds : seconds;
  }
  const span = raw as { TotalSeconds?: unknown; Ticks?: unknown };
  if (typeof span.TotalSeconds === 'number') return span.TotalSeconds;
  if (typeof span.Ticks === 'number') return span.Ticks / 1e7;
  ctx.addIssue({ code: 'custom', message: 'A TimeSpan without Ticks or TotalSeconds.' });
  return z.NEVER;
});

/** Rows: absent/null/"" is none, an object is one, {value:[...], Count} is 5.1's wrapped array. */
export function psList<T extends z.ZodType>(row: T) {
  return z.preprocess((raw) => {
    if (raw === undefined || raw === null || raw === '') return [];
    if (Array.isArray(raw)) return raw;
    if (typeof raw === 'object' && Array.isArray((raw as { value?: unknown }).value) && 'Count' in raw) return (raw as unknown as { value: unknown[] }).value;
    return [raw];
  }, z.array(row));
}

/**
 * A list of per-VM rows where one row that does not read is left out with a warning naming the VM and
 * the field, instead of rejecting the host's whole answer: one odd VM must not blank a host (or a
 * site, during a disaster). The list itself must still be a list.
 */
export function psRows<T extends z.ZodType>(label: string, row: T) {
  return psList(z.unknown()).transform((rows) => {
    const kept: z.output<T>[] = [];
    for (const [i, raw] of rows.entries()) {
      const parsed = row.safeParse(raw);
      if (parsed.success) { kept.push(parsed.data); continue; }
      const record = raw !== null && typeof raw === 'object' ? raw as Record<string, unknown> : {};
      const name = typeof record.Name === 'string' ? record.Name : typeof record.VMName === 'string' ? record.VMName : `#${i + 1}`;
      const issue = parsed.error.issues[0]!;
      warnValue(`${label}: the row of '${name}' was left out: ${issue.path.join('.') || '(row)'}: ${issue.message}`);
    }
    return kept;
  });
}

/** 64-bit values (sizes, some enums) may arrive as strings. */
export const psNumber = z.unknown().transform((raw, ctx): number => {
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  ctx.addIssue({ code: 'custom', message: `Not a number: ${JSON.stringify(raw)}` });
  return z.NEVER;
});

export const psBool = z.union([z.boolean(), z.enum(['True', 'False', 'true', 'false'])]).transform((v) => v === true || v === 'True' || v === 'true');

/** Strings Windows leaves null when empty. */
export const psText = z.unknown().transform((raw, ctx): string => {
  if (raw === null || raw === undefined) return '';
  if (typeof raw === 'string') return raw;
  ctx.addIssue({ code: 'custom', message: `Not text: ${JSON.stringify(raw)}` });
  return z.NEVER;
});

/** The record separator the scripts join lists with (host-preamble.ps1, Join-StandbyList). */
export const LIST_SEPARATOR = '\u001e';

/**
 * A list of strings in every form it arrives in: one string joined with LIST_SEPARATOR (what the
 * scripts emit, the same on 5.1 and 7), an array (7), 5.1's {"value":[...],"Count":n} wrapper of an
 * array-valued calculated property (PowerShell issue #3163), a lone string (5.1's one-item string[]),
 * or null for none.
 */
export const psStrings = z.unknown().transform((raw, ctx): string[] => {
  if (raw === undefined || raw === null || raw === '') return [];
  if (typeof raw === 'string') return raw.split(LIST_SEPARATOR).filter((s) => s !== '');
  const wrapped = typeof raw === 'object' && !Array.isArray(raw) && Array.isArray((raw as { value?: unknown }).value) && 'Count' in raw;
  const list = Array.isArray(raw) ? raw : wrapped ? (raw as unknown as { value: unknown[] }).value : [raw];
  if (list.every((v) => typeof v === 'string')) return list as string[];
  ctx.addIssue({ code: 'custom', message: 'Not a list of strings.' });
  return z.NEVER;
});

/** A count or size that Windows leaves null when there is nothing to count. */
export const psCount = z.unknown().transform((raw, ctx): number => {
  if (raw === null || raw === undefined) return 0;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  ctx.addIssue({ code: 'custom', message: `Not a number: ${JSON.stringify(raw)}` });
  return z.NEVER;
});
