import type { IpcRenderer } from 'electron';
import { isChannelName, isStreamName } from '../../shared/contract/channels.ts';
import {
  IPC_REQUEST_PREFIX, IPC_STREAM_PREFIX, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE,
  type BridgeResult, type PreloadBridge,
} from '../../shared/contract/transport.ts';

export type BridgeIpc = Pick<IpcRenderer, 'invoke' | 'send' | 'on' | 'removeListener'>;

/**
 * What the page gets as `window.standby`. Only contract names pass, so a compromised page cannot
 * reach any other IPC channel through it; stream listeners get the event payload only, never the
 * IpcRendererEvent (whose `sender` would hand the page ipcRenderer itself).
 */
export function createPreloadBridge(ipc: BridgeIpc): PreloadBridge {
  // One IPC subscription per stream however many listeners the page adds, so main sends each event once.
  const listeners = new Map<string, Set<(event: unknown) => void>>();
  const forwarders = new Map<string, (ipcEvent: unknown, payload: unknown) => void>();

  return {
    async invoke(channel, payload): Promise<BridgeResult> {
      if (!isChannelName(channel)) {
        return { ok: false, error: { code: 'unknown-channel', message: `There is no channel named "${String(channel).slice(0, 200)}".` } };
      }
      try {
        return (await ipc.invoke(IPC_REQUEST_PREFIX + channel, payload)) as BridgeResult;
      } catch (error) {
        // Main answers every request with a BridgeResult; a rejection means the IPC itself failed.
        return { ok: false, error: { code: 'disconnected', message: `The console lost its connection to the core: ${error instanceof Error ? error.message : String(error)}` } };
      }
    },

    on(stream, listener) {
      if (!isStreamName(stream) || typeof listener !== 'function') return () => {};
      let set = listeners.get(stream);
      if (!set) {
        const current = new Set<(event: unknown) => void>();
        set = current;
        listeners.set(stream, current);
        const forward = (_ipcEvent: unknown, payload: unknown) => {
          for (const each of [...current]) {
            // One failing view must not stop the others from getting the event.
            try { each(payload); } catch (error) { console.error(`A listener of ${stream} failed`, error); }
          }
        };
        forwarders.set(stream, forward);
        ipc.on(IPC_STREAM_PREFIX + stream, forward);
        ipc.send(IPC_SUBSCRIBE, stream);
      }
      // Wrapped so the same function added twice gets two independent subscriptions.
      const entry = (event: unknown) => listener(event);
      set.add(entry);
      let active = true;
      return () => {
        if (!active) return;
        active = false;
        set.delete(entry);
        if (set.size > 0) return;
        listeners.delete(stream);
        const forward = forwarders.get(stream);
        forwarders.delete(stream);
        if (forward) ipc.removeListener(IPC_STREAM_PREFIX + stream, forward);
        ipc.send(IPC_UNSUBSCRIBE, stream);
      };
    },
  };
}
