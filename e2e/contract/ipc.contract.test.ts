import type { IpcMain, IpcRenderer, WebContents } from 'electron';
import { createCore, type Core } from '../../electron/core/core.ts';
import { memoryPorts, memorySettings, silentLogger } from '../../electron/core/testing/memory-ports.ts';
import { createIpcBridge } from '../../electron/main/ipc-bridge.ts';
import { createPreloadBridge } from '../../electron/preload/preload-bridge.ts';
import { createIpcTransport } from '../../renderer/transport/ipc-transport.ts';
import { contractSuite, errorPolicySuite } from './contract-suite.ts';

const APP_URL = 'http://localhost:5173/';
type Handler = (event: unknown, ...args: unknown[]) => unknown;

/**
 * Electron's IPC without Electron: the real main-side bridge and the real preload bridge, joined
 * by a fake that structured-clones every message both ways as Electron does.
 */
function fakeIpcPair() {
  const handlers = new Map<string, Handler>();
  const mainListeners = new Map<string, Set<Handler>>();
  const rendererListeners = new Map<string, Set<Handler>>();
  const contents = {
    id: 1,
    isDestroyed: () => false,
    send: (channel: string, payload: unknown) => {
      for (const l of rendererListeners.get(channel) ?? []) l({}, structuredClone(payload));
    },
    once: () => contents,
    on: () => contents,
    removeListener: () => contents,
  } as unknown as WebContents;
  const event = { sender: contents, senderFrame: { parent: null, url: APP_URL } };
  const ipcMain = {
    handle: (channel: string, fn: Handler) => { handlers.set(channel, fn); },
    removeHandler: (channel: string) => { handlers.delete(channel); },
    on: (channel: string, fn: Handler) => { (mainListeners.get(channel) ?? mainListeners.set(channel, new Set()).get(channel)!).add(fn); return ipcMain; },
    removeListener: (channel: string, fn: Handler) => { mainListeners.get(channel)?.delete(fn); return ipcMain; },
  } as unknown as IpcMain;
  const ipcRenderer = {
    invoke: async (channel: string, payload: unknown) => {
      const handler = handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler(event, structuredClone(payload)));
    },
    send: (channel: string, ...args: unknown[]) => {
      for (const l of mainListeners.get(channel) ?? []) l(event, ...structuredClone(args));
    },
    on: (channel: string, fn: Handler) => { (rendererListeners.get(channel) ?? rendererListeners.set(channel, new Set()).get(channel)!).add(fn); return ipcRenderer; },
    removeListener: (channel: string, fn: Handler) => { rendererListeners.get(channel)?.delete(fn); return ipcRenderer; },
  } as unknown as IpcRenderer;
  return { ipcMain, ipcRenderer, contents };
}

/** The real bridge, trusted for the fake window, and the real preload bridge and transport over it. */
function overIpc(core: Core) {
  const { ipcMain, ipcRenderer, contents } = fakeIpcPair();
  const bridge = createIpcBridge({ ipcMain, core, logger: silentLogger(), actor: 'tester' });
  bridge.trust(contents, APP_URL);
  const transport = createIpcTransport(createPreloadBridge(ipcRenderer));
  return {
    transport,
    async close() { transport.close(); bridge.dispose(); await core.dispose(); },
  };
}

contractSuite('IPC (Electron preload bridge)', async () =>
  overIpc(await createCore(memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 11, vmCount: 60 } }) }), { patchBatchMs: 50 })));

errorPolicySuite('IPC (Electron preload bridge)', async (core) => overIpc(core));
