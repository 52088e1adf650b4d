import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClockPort, CorePorts, LoggerPort, SettingsPort, TimerHandle } from '../ports.ts';
import { memorySecrets, systemClock } from '../ports.ts';

/** In-memory ports for tests and benchmarks; the real ones live in electron/main and electron/server. */
export function memorySettings(initial?: unknown): SettingsPort & { stored: unknown } {
  const port = {
    stored: initial,
    read: () => port.stored,
    write: (value: unknown) => { port.stored = structuredClone(value); },
  };
  return port;
}

export function silentLogger(): LoggerPort & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (message: string) => { lines.push(`${level} ${message}`); };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

/** A clock the test advances by hand; timers fire in due order. */
export function manualClock(start = 0): ClockPort & { advance(ms: number): void } {
  let now = start;
  let timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 0;
  return {
    now: () => now,
    setTimeout(fn, ms): TimerHandle {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return { cancel: () => { timers = timers.filter((t) => t.id !== id); } };
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.id - b.id);
        const due = timers[0];
        if (!due || due.at > end) break;
        timers.shift();
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

export function memoryPorts(overrides: Partial<CorePorts> = {}): CorePorts {
  return {
    settings: memorySettings(),
    secrets: memorySecrets(),
    clock: systemClock,
    logger: silentLogger(),
    dataDir: mkdtempSync(join(tmpdir(), 'standby-test-')),
    ...overrides,
  };
}
