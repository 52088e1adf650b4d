import { describe, expect, it, vi } from 'vitest';
import { channels } from '../../shared/contract/channels.ts';
import { ContractError } from '../../shared/contract/errors.ts';
import { IPC_REQUEST_PREFIX, IPC_STREAM_PREFIX, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE } from '../../shared/contract/transport.ts';
import { createIpcBridge } from './ipc-bridge.ts';

const APP_URL = 'app://standby/index.html';
type Listener = (...args: unknown[]) => unknown;

function setup() {
  const handlers = new Map<string, Listener>();
  const listeners = new Map<string, Listener>();
  const ipcMain = {
    handle: vi.fn((channel: string, handler: Listener) => { handlers.set(channel, handler); }),
    removeHandler: vi.fn((channel: string) => { handlers.delete(channel); }),
    on: vi.fn((channel: string, listener: Listener) => { listeners.set(channel, listener); }),
    removeListener: vi.fn((channel: string) => { listeners.delete(channel); }),
  };
  const streamListeners = new Map<string, Listener>();
  const unsubscribed: string[] = [];
  const core = {
    handle: vi.fn(async (channel: string, body: unknown) => ({ channel, body })),
    subscribe: vi.fn((stream: string, listener: Listener) => {
      streamListeners.set(stream, listener);
      return () => { unsubscribed.push(stream); streamListeners.delete(stream); };
    }),
  };
  const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const bridge = createIpcBridge({ ipcMain: ipcMain as never, core: core as never, logger, actor: 'CONTOSO\\alice' });
  return { handlers, listeners, core, logger, bridge, streamListeners, unsubscribed };
}

function fakeContents(id: number) {
  const once = new Map<string, Listener>();
  return {
    id,
    send: vi.fn(),
    isDestroyed: () => false,
    once: (name: string, listener: Listener) => { once.set(name, listener); },
    destroy: () => once.get('destroyed')?.(),
  };
}

function eventFrom(contents: { id: number }, frame: { url: string; parent: unknown } | null = { url: APP_URL, parent: null }) {
  return { sender: contents, senderFrame: frame };
}

describe('IPC bridge', () => {
  it('registers exactly one handler per contract channel', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual(Object.keys(channels).map((name) => IPC_REQUEST_PREFIX + name).sort());
  });

  it('refuses a sender the app did not create, and the core never sees the call', async () => {
    const { handlers, core, logger } = setup();
    const result = await handlers.get(`${IPC_REQUEST_PREFIX}settings.update`)!(eventFrom(fakeContents(99)), { theme: 'dark' });
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(core.handle).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalled();
  });

  it('refuses subframes, foreign pages and vanished frames of a trusted window', async () => {
    const { handlers, core, bridge } = setup();
    const contents = fakeContents(1);
    bridge.trust(contents as never, APP_URL);
    const handler = handlers.get(`${IPC_REQUEST_PREFIX}estate.snapshot`)!;
    const frames = [
      { url: APP_URL, parent: { url: APP_URL } },
      { url: 'https://evil.example/', parent: null },
      { url: 'app://other/index.html', parent: null },
      null,
    ];
    for (const frame of frames) {
      expect(await handler(eventFrom(contents, frame), {}), JSON.stringify(frame)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(core.handle).not.toHaveBeenCalled();
  });

  it('passes a trusted call to the core as the operator, under the OS user', async () => {
    const { handlers, core, bridge } = setup();
    const contents = fakeContents(1);
    bridge.trust(contents as never, APP_URL);
    const result = await handlers.get(`${IPC_REQUEST_PREFIX}settings.update`)!(eventFrom(contents), { theme: 'dark' });
    expect(core.handle).toHaveBeenCalledWith('settings.update', { theme: 'dark' }, { role: 'operator', actor: 'CONTOSO\\alice' });
    expect(result).toEqual({ ok: true, body: { channel: 'settings.update', body: { theme: 'dark' } } });
  });

  it('returns a ContractError as data instead of throwing across IPC', async () => {
    const { handlers, core, bridge } = setup();
    const contents = fakeContents(1);
    bridge.trust(contents as never, APP_URL);
    core.handle.mockRejectedValueOnce(new ContractError('bad-request', 'theme: Invalid option', 'theme'));
    const handler = handlers.get(`${IPC_REQUEST_PREFIX}settings.update`)!;
    await expect(handler(eventFrom(contents), { theme: 'pink' })).resolves.toEqual({
      ok: false, error: { code: 'bad-request', message: 'theme: Invalid option', where: 'theme' },
    });
  });

  it('keeps internal error text inside the console: anything but a ContractError reaches the renderer as a generic message', async () => {
    const { handlers, core, bridge, logger } = setup();
    const contents = fakeContents(1);
    bridge.trust(contents as never, APP_URL);
    core.handle.mockRejectedValueOnce(new TypeError("Cannot read properties of undefined (reading 'vms') at C:\\Standby\\core.js"));
    const result = await handlers.get(`${IPC_REQUEST_PREFIX}settings.get`)!(eventFrom(contents), {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'The console failed to handle this request; details are in its log.' } });
    expect(logger.error).toHaveBeenCalled();
  });

  it('forwards stream events to a trusted window only, once per stream, until it unsubscribes', () => {
    const { listeners, core, bridge, streamListeners, unsubscribed } = setup();
    const contents = fakeContents(1);
    bridge.trust(contents as never, APP_URL);
    const subscribe = listeners.get(IPC_SUBSCRIBE)!;

    subscribe(eventFrom(fakeContents(7)), 'estate.patches'); // not ours
    subscribe(eventFrom(contents), 'no.such.stream');
    expect(core.subscribe).not.toHaveBeenCalled();

    subscribe(eventFrom(contents), 'estate.patches');
    subscribe(eventFrom(contents), 'estate.patches');
    expect(core.subscribe).toHaveBeenCalledTimes(1);
    streamListeners.get('estate.patches')!({ seq: 1 });
    expect(contents.send).toHaveBeenCalledWith(`${IPC_STREAM_PREFIX}estate.patches`, { seq: 1 });

    listeners.get(IPC_UNSUBSCRIBE)!(eventFrom(contents), 'estate.patches');
    expect(unsubscribed).toEqual(['estate.patches']);
  });

  it('drops subscriptions and trust when the window is destroyed', async () => {
    const { listeners, handlers, bridge, unsubscribed, core } = setup();
    const contents = fakeContents(1);
    bridge.trust(contents as never, APP_URL);
    listeners.get(IPC_SUBSCRIBE)!(eventFrom(contents), 'settings.changed');
    contents.destroy();
    expect(unsubscribed).toEqual(['settings.changed']);
    const result = await handlers.get(`${IPC_REQUEST_PREFIX}settings.get`)!(eventFrom(contents), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(core.handle).not.toHaveBeenCalled();
  });

  it('removes its handlers on dispose', () => {
    const { handlers, listeners, bridge } = setup();
    bridge.dispose();
    expect(handlers.size).toBe(0);
    expect(listeners.size).toBe(0);
  });
});
