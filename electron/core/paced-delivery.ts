import type { StreamName } from '../../shared/contract/channels.ts';
import { coalesceBatches } from '../../shared/model/coalesce-patches.ts';
import type { PatchBatch } from '../../shared/model/estate.ts';

/**
 * Streams a subscriber may ask to hear less often, and how the events in between combine into one.
 * Only the estate's patches so far: at lab speeds they are most of what a NOC wall parses and
 * applies. Other streams' events do not combine (alerts, run events), so they come as published.
 */
const COMBINE: Partial<Record<StreamName, (events: unknown[]) => unknown>> = {
  'estate.patches': (events) => coalesceBatches(events as PatchBatch[]),
};

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => performance.now(),
};

/**
 * A listener that delivers at most once every `everyMs`: an event after a quiet spell goes at once,
 * the rest wait for the next slot and go combined. Null when the stream does not combine (the
 * subscriber then hears every event). `stop` drops what waits: the subscriber is gone.
 */
export function pacedListener(stream: StreamName, everyMs: number, deliver: (event: unknown) => void, timers: Timers = realTimers): { listener: (event: unknown) => void; stop(): void } | null {
  const combine = COMBINE[stream];
  if (!combine) return null;
  let waiting: unknown[] = [];
  let timer: unknown = null;
  let lastAt = -Infinity;
  const send = () => {
    timer = null;
    const events = waiting;
    waiting = [];
    lastAt = timers.now();
    const one = events.length === 1 ? events[0] : combine(events);
    if (one !== null && one !== undefined) deliver(one);
  };
  return {
    listener(event) {
      waiting.push(event);
      if (timer !== null) return;
      const due = lastAt + everyMs - timers.now();
      if (due <= 0) send();
      else timer = timers.setTimeout(send, due);
    },
    stop() {
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      waiting = [];
    },
  };
}
