import { DEFAULT_MAX_SESSIONS, type ConnectionProfile } from '../../../../shared/model/connections.ts';

/**
 * How many local PowerShell processes (each holding its own PSSession to every node) a site may run
 * at once, when the profile does not say. Each process is one remote shell per node, and WinRM allows
 * a user 30 shells per host by default (MaxShellsPerUser, "Installation and configuration for Windows
 * Remote Management", learn.microsoft.com/windows/win32/winrm/installation-and-configuration-for-windows-remote-management):
 * the profile's cap of 25 leaves the administrator's own sessions room. Each lane is also a local
 * PowerShell process on the console's machine, so the default stays at 8. bench/powershell-failover.bench.ts
 * reports the peak per site: a full-site run uses all 8 on the DR site, because a failover or a
 * start still holds its lane for as long as Hyper-V takes (reads and shutdowns are batched per host).
 * The figure itself lives with the profile's schema (shared/model/connections.ts), so the form shows it.
 */
export { DEFAULT_MAX_SESSIONS };

export function poolSizeOf(profile: ConnectionProfile): number {
  return profile.maxSessions ?? DEFAULT_MAX_SESSIONS;
}

export interface PoolStats {
  size: number;
  /** Slots made so far (a slot is made only when every existing one is busy). */
  made: number;
  busy: number;
  peakBusy: number;
}

/**
 * Lends slots one caller at a time: an idle slot the caller prefers (a live shell) first, any idle
 * slot next, a new one while fewer than `size` exist, else the caller waits its turn. A hung command
 * holds its slot and nothing else.
 */
export class SlotPool<T> {
  readonly slots: T[] = [];
  private readonly busy = new Set<T>();
  private readonly waiters: ((slot: T) => void)[] = [];
  private peak = 0;
  private readonly size: () => number;
  private readonly make: (index: number) => T;

  constructor(size: () => number, make: (index: number) => T) {
    this.size = size;
    this.make = make;
  }

  /** The first slot, made if needed: the one connect and keep-alive use. */
  first(): T {
    if (this.slots.length === 0) this.slots.push(this.make(0));
    return this.slots[0]!;
  }

  acquire(prefer: (slot: T) => boolean): Promise<T> {
    const idle = this.slots.filter((s) => !this.busy.has(s));
    let slot = idle.find(prefer) ?? idle[0];
    if (!slot && this.slots.length < Math.max(1, this.size())) {
      slot = this.make(this.slots.length);
      this.slots.push(slot);
    }
    if (slot) { this.take(slot); return Promise.resolve(slot); }
    return new Promise((resolve) => { this.waiters.push(resolve); });
  }

  release(slot: T): void {
    this.busy.delete(slot);
    const next = this.waiters.shift();
    if (next) { this.take(slot); next(slot); }
  }

  stats(): PoolStats {
    return { size: Math.max(1, this.size()), made: this.slots.length, busy: this.busy.size, peakBusy: this.peak };
  }

  private take(slot: T): void {
    this.busy.add(slot);
    this.peak = Math.max(this.peak, this.busy.size);
  }
}
