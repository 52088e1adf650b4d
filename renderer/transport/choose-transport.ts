import type { PreloadBridge, Transport } from '../../shared/contract/transport.ts';
import { WS_PATH } from '../../shared/contract/wire.ts';
import { createIpcTransport } from './ipc-transport.ts';
import { createWebSocketTransport, type SocketFactory } from './websocket-transport.ts';

const TOKEN_KEY = 'standby.token';

export interface PageEnvironment {
  bridge: PreloadBridge | undefined;
  /** The page address, e.g. http://127.0.0.1:5178/?token=XYZ */
  href: string;
  /** Per-tab storage, so a reload keeps working after the token left the address bar. */
  session?: Pick<Storage, 'getItem' | 'setItem'> | undefined;
  /** Called with the address without its token, to keep it off screenshots and screen shares. */
  replaceHref?: ((href: string) => void) | undefined;
  createSocket?: SocketFactory | undefined;
}

export function isPreloadBridge(value: unknown): value is PreloadBridge {
  return typeof value === 'object' && value !== null
    && typeof (value as PreloadBridge).invoke === 'function'
    && typeof (value as PreloadBridge).on === 'function';
}

/** ws(s)://<same host>/ws?token=… for the page at `href`. */
export function webSocketUrl(href: string, token: string): string {
  const page = new URL(href);
  const url = new URL(WS_PATH, page);
  url.protocol = page.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  url.searchParams.set('token', token);
  return url.toString();
}

/** Takes the token from the address (or this tab's storage) and removes it from the address. */
export function takeToken(env: PageEnvironment): string {
  const page = new URL(env.href);
  const fromUrl = page.searchParams.get('token');
  if (fromUrl) {
    try { env.session?.setItem(TOKEN_KEY, fromUrl); } catch { /* storage may be disabled */ }
    page.searchParams.delete('token');
    env.replaceHref?.(page.toString());
    return fromUrl;
  }
  try { return env.session?.getItem(TOKEN_KEY) ?? ''; } catch { return ''; }
}

/** How the WebSocket comes back after a drop; the NOC wall waits at most 2 s between tries. */
export interface ReconnectPolicy {
  maxBackoffMs?: number;
  /** Streams to hear at most this often over the WebSocket (see WebSocketTransportOptions). */
  streamEveryMs?: Partial<Record<string, number>>;
}

/** Electron window (preload bridge present) → IPC; any other browser → the server's WebSocket. */
export function chooseTransport(env: PageEnvironment, reconnect: ReconnectPolicy = {}): Transport {
  if (env.bridge) return createIpcTransport(env.bridge);
  // An empty token still connects: the server answers 4401 and the status bar explains what to do.
  return createWebSocketTransport({ url: webSocketUrl(env.href, takeToken(env)), createSocket: env.createSocket, maxBackoffMs: reconnect.maxBackoffMs, streamEveryMs: reconnect.streamEveryMs });
}

export function chooseTransportForPage(reconnect: ReconnectPolicy = {}): Transport {
  const candidate = (window as unknown as { standby?: unknown }).standby;
  return chooseTransport({
    bridge: isPreloadBridge(candidate) ? candidate : undefined,
    href: window.location.href,
    session: safeSessionStorage(),
    replaceHref: (href) => window.history.replaceState(window.history.state, '', href),
  }, reconnect);
}

function safeSessionStorage(): Storage | undefined {
  try { return window.sessionStorage; } catch { return undefined; }
}
