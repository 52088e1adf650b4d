import { ContractError, ContractErrorSchema } from '../../shared/contract/errors.ts';
import type { ConnectionState, PreloadBridge, Transport } from '../../shared/contract/transport.ts';

/**
 * The Electron preload bridge as a Transport. IPC to the own main process cannot drop, so the
 * state is 'connected' until close(). One bridge subscription per stream, fanned out here, so
 * the preload keeps a single listener per stream however many views subscribe.
 */
export function createIpcTransport(bridge: PreloadBridge): Transport {
  let state: ConnectionState = 'connected';
  const stateListeners = new Set<(state: ConnectionState, detail?: string) => void>();
  const streams = new Map<string, { listeners: Set<(event: unknown) => void>; off: () => void }>();

  return {
    kind: 'ipc',
    async request(channel, payload) {
      if (state === 'closed') throw new ContractError('disconnected', 'This window has been closed.');
      const result = await bridge.invoke(channel, payload);
      if (result.ok) return result.body;
      const error = ContractErrorSchema.safeParse(result.error);
      if (error.success) throw ContractError.from(error.data);
      throw new ContractError('internal', String(result.error?.message ?? 'The main process answered with an unreadable error.'));
    },
    subscribe(stream, listener) {
      let entry = streams.get(stream);
      if (!entry) {
        const listeners = new Set<(event: unknown) => void>();
        const off = bridge.on(stream, (event) => {
          for (const l of [...listeners]) l(event);
        });
        streams.set(stream, (entry = { listeners, off }));
      }
      const wrapped = (event: unknown) => listener(event);
      entry.listeners.add(wrapped);
      return () => {
        const current = streams.get(stream);
        if (!current || !current.listeners.delete(wrapped)) return;
        if (current.listeners.size === 0) {
          streams.delete(stream);
          current.off();
        }
      };
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      listener(state);
      return () => { stateListeners.delete(listener); };
    },
    close() {
      state = 'closed';
      for (const { off } of streams.values()) off();
      streams.clear();
      for (const l of [...stateListeners]) l('closed');
    },
  };
}
