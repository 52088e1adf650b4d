/**
 * Seeded PRNG (mulberry32). The lab must be reproducible: same seed and same commands give the
 * same estate and the same event log, so Math.random is never used inside the lab.
 */
export interface Random {
  next(): number;
  int(min: number, maxInclusive: number): number;
  pick<T>(items: readonly T[]): T;
  between(min: number, max: number): number;
  guid(): string;
  /** The generator's whole state, for a snapshot; restore(state()) continues the same sequence. */
  state(): number;
  restore(state: number): void;
}

export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, maxInclusive: number) => min + Math.floor(next() * (maxInclusive - min + 1));
  const hex = (n: number) => Array.from({ length: n }, () => int(0, 15).toString(16)).join('');
  return {
    next,
    int,
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from an empty list');
      return items[int(0, items.length - 1)]!;
    },
    between: (min, max) => min + next() * (max - min),
    state: () => state,
    restore: (saved) => { state = saved >>> 0; },
    guid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${(8 + int(0, 3)).toString(16)}${hex(3)}-${hex(12)}`,
  };
}
