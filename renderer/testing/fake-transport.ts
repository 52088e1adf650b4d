import type { ConnectionState, Transport } from '../../shared/contract/transport.ts';

type Handler = (payload: unknown) => unknown;

/**
 * A core behind a Transport, driven by hand: `answer` sets what a channel returns (the core's
 * current state), `emit` publishes on a stream, `drop`/`restore` take the link down and bring it
 * back. While the link is down, events are lost, as they are on a real socket. Unknown channels
 * are refused the way the core refuses them. Test code only.
 */
export function fakeTransport() {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<(event: unknown) => void>>();
  const stateListeners = new Set<(state: ConnectionState, detail?: string) => void>();
  let state: ConnectionState = 'connecting';
  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of [...stateListeners]) listener(next);
  };
  const transport: Transport = {
    kind: 'websocket',
    async request(channel, payload) {
      const handler = handlers.get(channel);
      if (!handler || state !== 'connected') throw { code: 'unavailable', message: `${channel}: not answered by this fake` };
      return handler(payload);
    },
    subscribe(stream, listener) {
      const set = listeners.get(stream) ?? new Set();
      listeners.set(stream, set);
      set.add(listener);
      return () => { set.delete(listener); };
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => { stateListeners.delete(listener); };
    },
    close() { setState('closed'); },
  };
  return {
    transport,
    answer(channel: string, handler: Handler) { handlers.set(channel, handler); },
    emit(stream: string, event: unknown) {
      if (state !== 'connected') return;
      for (const listener of [...(listeners.get(stream) ?? [])]) listener(event);
    },
    connect() { setState('connected'); },
    drop() { setState('reconnecting'); },
    restore() { setState('connected'); },
  };
}
