import type { PsShell } from '../../backends/powershell/ps-shell.ts';

/**
 * The lines in flight on the local shells of a simulated PowerShell backend (the double's or the
 * emulation's), by a key per shell, so a driver can tell when every one of them waits only on
 * simulated time (then the clock may move) and be woken when that may have changed.
 */
export class InFlight<K> {
  private total = 0;
  private readonly byKey = new Map<K, number>();
  private waiters: (() => void)[] = [];

  get count(): number { return this.total; }

  /** Wakes whoever waits in activity(): a line ended, or one started or stopped waiting on the clock. */
  readonly wake = (): void => {
    const woken = this.waiters;
    this.waiters = [];
    for (const w of woken) w();
  };

  activity(): Promise<void> {
    return new Promise<void>((resolve) => { this.waiters.push(resolve); });
  }

  /** True when each key's lines are all counted as waiting on time by `blocked`. */
  waitingOnlyOnTime(blocked: (key: K) => number): boolean {
    return [...this.byKey].every(([key, n]) => blocked(key) >= n);
  }

  track(shell: PsShell, key: K): PsShell {
    return {
      get alive() { return shell.alive; },
      get pid() { return shell.pid; },
      invoke: async (line, timeoutMs) => {
        this.total += 1;
        this.byKey.set(key, (this.byKey.get(key) ?? 0) + 1);
        try {
          return await shell.invoke(line, timeoutMs);
        } finally {
          this.total -= 1;
          const left = this.byKey.get(key)! - 1;
          if (left === 0) this.byKey.delete(key); else this.byKey.set(key, left);
          this.wake();
        }
      },
      dispose: () => shell.dispose(),
    };
  }
}
