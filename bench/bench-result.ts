/** One line of `npm run bench`: a figure plus the baseline or bound it is judged against. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** A goal the value must meet: "<=" for costs, ">=" for rates. */
  bound?: { op: '<=' | '>='; value: number };
  /** Something measured in the same run to compare against (same machine, same moment). */
  baseline?: { name: string; value: number };
  [field: string]: unknown;
}

export type Emit = (result: BenchResult) => void;

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
