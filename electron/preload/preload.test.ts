import { beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_REQUEST_PREFIX, IPC_STREAM_PREFIX, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE, type PreloadBridge } from '../../shared/contract/transport.ts';

type Listener = (...args: unknown[]) => void;
const electron = vi.hoisted(() => {
  const rendererListeners = new Map<string, Set<Listener>>();
  return {
    rendererListeners,
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: {
      invoke: vi.fn(async (_channel: string, _payload: unknown): Promise<unknown> => ({ ok: true, body: 'from main' })),
      send: vi.fn(),
      on: vi.fn((channel: string, listener: Listener) => {
        if (!rendererListeners.has(channel)) rendererListeners.set(channel, new Set());
        rendererListeners.get(channel)!.add(listener);
      }),
      removeListener: vi.fn((channel: string, listener: Listener) => { rendererListeners.get(channel)?.delete(listener); }),
    },
  };
});
vi.mock('electron', () => electron);

await import('./preload.ts');
const exposed = electron.contextBridge.exposeInMainWorld.mock.calls;
const bridge = exposed[0]![1] as PreloadBridge;

function emit(stream: string, payload: unknown) {
  const ipcEvent = { sender: electron.ipcRenderer, senderId: 0, ports: [] };
  for (const listener of electron.rendererListeners.get(IPC_STREAM_PREFIX + stream) ?? []) listener(ipcEvent, payload);
}

describe('preload', () => {
  beforeEach(() => {
    electron.ipcRenderer.invoke.mockClear();
    electron.ipcRenderer.send.mockClear();
  });

  it('exposes one object, window.standby, and nothing else', () => {
    expect(exposed).toHaveLength(1);
    expect(exposed[0]![0]).toBe('standby');
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
  });

  it('refuses a channel that is not in the contract without touching IPC', async () => {
    for (const name of ['electron-store-get-data', 'standby:subscribe', '__proto__', 'toString', 42 as unknown as string]) {
      expect(await bridge.invoke(name, {}), String(name)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it('sends a contract channel to its IPC handler and returns the answer', async () => {
    expect(await bridge.invoke('settings.update', { theme: 'dark' })).toEqual({ ok: true, body: 'from main' });
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledWith(`${IPC_REQUEST_PREFIX}settings.update`, { theme: 'dark' });
  });

  it('turns a failed IPC call into a result instead of a rejection', async () => {
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error('No handler registered'));
    expect(await bridge.invoke('estate.snapshot', {})).toMatchObject({ ok: false, error: { code: 'disconnected' } });
  });

  it('gives stream listeners the payload only, never the IPC event', () => {
    const listener = vi.fn();
    const unsubscribe = bridge.on('estate.patches', listener);
    expect(electron.ipcRenderer.send).toHaveBeenCalledWith(IPC_SUBSCRIBE, 'estate.patches');
    emit('estate.patches', { seq: 3 });
    expect(listener.mock.calls).toEqual([[{ seq: 3 }]]);
    unsubscribe();
  });

  it('subscribes once per stream and unsubscribes when the last listener leaves', () => {
    const first = vi.fn();
    const second = vi.fn();
    const offFirst = bridge.on('settings.changed', first);
    const offSecond = bridge.on('settings.changed', second);
    expect(electron.ipcRenderer.send.mock.calls.filter(([channel]) => channel === IPC_SUBSCRIBE)).toHaveLength(1);
    offFirst();
    offFirst();
    emit('settings.changed', { theme: 'light' });
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledWith({ theme: 'light' });
    expect(electron.ipcRenderer.send).not.toHaveBeenCalledWith(IPC_UNSUBSCRIBE, 'settings.changed');
    offSecond();
    expect(electron.ipcRenderer.send).toHaveBeenCalledWith(IPC_UNSUBSCRIBE, 'settings.changed');
    expect(electron.rendererListeners.get(`${IPC_STREAM_PREFIX}settings.changed`)?.size ?? 0).toBe(0);
  });

  it('ignores streams that are not in the contract', () => {
    const unsubscribe = bridge.on('ipc:anything', vi.fn());
    expect(electron.ipcRenderer.send).not.toHaveBeenCalled();
    expect(electron.ipcRenderer.on).not.toHaveBeenCalledWith(`${IPC_STREAM_PREFIX}ipc:anything`, expect.anything());
    unsubscribe();
  });
});
