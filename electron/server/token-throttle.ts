/**
 * Wrong tokens from one address are limited: after `maxFailures` within `windowMs`, every attempt
 * from that address is refused until the window has passed since its last failure, right token
 * or not (otherwise guessing would go on at full speed). Tokens are 192 bits, so this is a second
 * wall, and a log line that someone is guessing.
 */
export interface TokenThrottle {
  /** Milliseconds the address must wait before it may try again; 0 when it may try now. */
  waitMs(address: string): number;
  failed(address: string): void;
  succeeded(address: string): void;
}

export function createTokenThrottle(options: { maxFailures?: number; windowMs?: number; now?: () => number } = {}): TokenThrottle {
  const maxFailures = options.maxFailures ?? 10;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const failures = new Map<string, number[]>();
  const recent = (address: string): number[] => {
    const since = now() - windowMs;
    const list = (failures.get(address) ?? []).filter((t) => t > since);
    if (list.length === 0) failures.delete(address); else failures.set(address, list);
    return list;
  };
  return {
    waitMs(address) {
      const list = recent(address);
      return list.length >= maxFailures ? list.at(-1)! + windowMs - now() : 0;
    },
    failed(address) {
      const list = recent(address);
      list.push(now());
      failures.set(address, list.slice(-maxFailures));
      // Bounded memory under a flood from many addresses: forget the oldest.
      if (failures.size > 10_000) failures.delete(failures.keys().next().value!);
    },
    succeeded(address) {
      failures.delete(address);
    },
  };
}
