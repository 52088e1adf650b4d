import { describe, expect, it } from 'vitest';
import type { PreloadBridge } from '../../shared/contract/transport.ts';
import { chooseTransport, isPreloadBridge, takeToken, webSocketUrl } from './choose-transport.ts';
import { socketFactory } from '../testing/fake-socket.ts';

const bridge: PreloadBridge = { invoke: async () => ({ ok: true, body: null }), on: () => () => {} };

function memoryStorage() {
  const map = new Map<string, string>();
  return { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => { map.set(k, v); } };
}

describe('chooseTransport', () => {
  it('uses IPC when the preload bridge is present', () => {
    expect(chooseTransport({ bridge, href: 'file:///index.html' }).kind).toBe('ipc');
  });

  it('otherwise opens the same-host WebSocket with the token from the address', () => {
    const factory = socketFactory();
    const transport = chooseTransport({ bridge: undefined, href: 'http://127.0.0.1:5178/?token=a%2Bb', createSocket: factory.create });
    expect(transport.kind).toBe('websocket');
    expect(factory.last.url).toBe('ws://127.0.0.1:5178/ws?token=a%2Bb');
    transport.close();
  });

  it('builds wss:// for https pages', () => {
    expect(webSocketUrl('https://wall.example:8443/console/?token=x#/topology', 'x')).toBe('wss://wall.example:8443/ws?token=x');
  });

  it('takes the token off the address and keeps it for a reload', () => {
    const session = memoryStorage();
    let replaced = '';
    const env = { bridge: undefined, href: 'http://h:1/?token=XYZ&wall=1#/topology', session, replaceHref: (h: string) => { replaced = h; } };
    expect(takeToken(env)).toBe('XYZ');
    expect(replaced).toBe('http://h:1/?wall=1#/topology');
    expect(takeToken({ ...env, href: replaced })).toBe('XYZ');
  });

  it('recognises a bridge by shape only', () => {
    expect(isPreloadBridge(bridge)).toBe(true);
    expect(isPreloadBridge({ invoke: 1 })).toBe(false);
    expect(isPreloadBridge(undefined)).toBe(false);
  });
});
