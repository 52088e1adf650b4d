import type { EventOf, StreamName } from '../../shared/contract/channels.ts';

type Unsubscribe = () => void;

interface StreamHub {
  publish<S extends StreamName>(stream: S, event: EventOf<S>): void;
  subscribe<S extends StreamName>(stream: S, listener: (event: EventOf<S>) => void): Unsubscribe;
  listenerCount(stream: StreamName): number;
}

export function createStreamHub(onListenerError: (stream: string, error: unknown) => void): StreamHub {
  const listeners = new Map<StreamName, Set<(event: unknown) => void>>();
  return {
    publish(stream, event) {
      for (const listener of listeners.get(stream) ?? []) {
        // One broken subscriber (a closed socket, a destroyed window) must not starve the others.
        try { listener(event); } catch (error) { onListenerError(stream, error); }
      }
    },
    subscribe(stream, listener) {
      let set = listeners.get(stream);
      if (!set) listeners.set(stream, (set = new Set()));
      const wrapped = listener as (event: unknown) => void;
      set.add(wrapped);
      return () => { set.delete(wrapped); };
    },
    listenerCount(stream) {
      return listeners.get(stream)?.size ?? 0;
    },
  };
}
