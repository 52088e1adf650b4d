import { SLOW_CHANNELS, SLOW_CHANNEL_TIMEOUT_FACTOR } from '../../shared/contract/limits.ts';
import { z } from 'zod';
import { ContractError } from '../../shared/contract/errors.ts';
import type { ConnectionState, Transport } from '../../shared/contract/transport.ts';
import { ServerFrameSchema, WS_CLOSE_UNAUTHORIZED, type ClientFrame } from '../../shared/contract/wire.ts';

/** The part of the browser WebSocket this transport uses, so tests can hand in a fake. */
export interface SocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export type SocketFactory = (url: string) => SocketLike;

export interface WebSocketTransportOptions {
  url: string;
  createSocket?: SocketFactory;
  requestTimeoutMs?: number;
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** 0..1; spreads reconnects of many wall displays after a server restart. */
  random?: () => number;
  /** A connection must stay up this long before the backoff starts again from the beginning. */
  stableAfterMs?: number;
  /** Streams to hear at most this often, what came between combined by the server (the NOC wall). */
  streamEveryMs?: Partial<Record<string, number>>;
}

const OPEN = 1;

// ServerFrameSchema is a discriminatedUnion with two 'res' members, which zod 4 refuses at first
// parse ("Duplicate discriminator value"); a plain union of the same members parses the same frames.
const ServerFrame = z.union(ServerFrameSchema.options);

interface Pending {
  channel: string;
  resolve: (body: unknown) => void;
  reject: (error: unknown) => void;
  timer: ReturnType<typeof setTimeout>;
  /** Frame still waiting for an open socket; null once sent. */
  unsent: string | null;
}

type StateListener = (state: ConnectionState, detail?: string) => void;

export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  // ±20 % jitter, never above the cap.
  return Math.min(maxMs, Math.round(base * (0.8 + 0.4 * random())));
}

/**
 * The browser server's one multiplexed socket. Requests made while (re)connecting wait for the
 * socket; requests already sent when it drops fail with `disconnected`, because the server may or
 * may not have acted on them and only the caller can decide whether to retry.
 */
export function createWebSocketTransport(options: WebSocketTransportOptions): Transport {
  const createSocket = options.createSocket ?? ((url: string) => new WebSocket(url) as unknown as SocketLike);
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 15_000;
  const random = options.random ?? Math.random;
  const stableAfterMs = options.stableAfterMs ?? 10_000;

  let socket: SocketLike | null = null;
  let state: ConnectionState = 'connecting';
  let detail: string | undefined;
  let attempt = 0;
  let everConnected = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let stableTimer: ReturnType<typeof setTimeout> | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();
  const streamListeners = new Map<string, Set<(event: unknown) => void>>();
  const stateListeners = new Set<StateListener>();

  const setState = (next: ConnectionState, nextDetail?: string) => {
    state = next;
    detail = nextDetail;
    for (const listener of [...stateListeners]) listener(next, nextDetail);
  };

  const sendFrame = (frame: ClientFrame): boolean => {
    if (!socket || socket.readyState !== OPEN || state !== 'connected') return false;
    socket.send(JSON.stringify(frame));
    return true;
  };

  const subFrame = (stream: string): ClientFrame => {
    const everyMs = options.streamEveryMs?.[stream];
    return everyMs === undefined ? { t: 'sub', stream } : { t: 'sub', stream, everyMs };
  };

  const failPending = (predicate: (p: Pending) => boolean, error: () => ContractError) => {
    for (const [id, p] of pending) {
      if (!predicate(p)) continue;
      pending.delete(id);
      clearTimeout(p.timer);
      p.reject(error());
    }
  };

  const onConnected = () => {
    // Not attempt = 0 at once: a server that accepts and then drops us (say, a snapshot too big for
    // its send buffer) would otherwise be hammered at the shortest delay forever.
    if (stableTimer) clearTimeout(stableTimer);
    stableTimer = setTimeout(() => { stableTimer = null; attempt = 0; }, stableAfterMs);
    everConnected = true;
    setState('connected');
    for (const stream of streamListeners.keys()) sendFrame(subFrame(stream));
    for (const p of pending.values()) {
      if (p.unsent !== null && socket) {
        socket.send(p.unsent);
        p.unsent = null;
      }
    }
  };

  const handleMessage = (data: unknown) => {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;
    }
    const parsed = ServerFrame.safeParse(raw);
    if (!parsed.success) return;
    const frame = parsed.data;
    switch (frame.t) {
      case 'hello':
        onConnected();
        return;
      case 'res': {
        const p = pending.get(frame.id);
        if (!p) return;
        pending.delete(frame.id);
        clearTimeout(p.timer);
        if (frame.ok) p.resolve(frame.body);
        else p.reject(ContractError.from(frame.error));
        return;
      }
      case 'evt':
        for (const listener of [...(streamListeners.get(frame.stream) ?? [])]) listener(frame.body);
        return;
    }
  };

  const scheduleReconnect = (why: string) => {
    attempt += 1;
    const delay = backoffDelay(attempt, initialBackoffMs, maxBackoffMs, random);
    setState(everConnected ? 'reconnecting' : 'connecting', `${why}; retrying in ${Math.max(1, Math.round(delay / 1000))} s (attempt ${attempt})`);
    retryTimer = setTimeout(() => {
      retryTimer = null;
      connect();
    }, delay);
  };

  const connect = () => {
    let s: SocketLike;
    try {
      s = createSocket(options.url);
    } catch (error) {
      scheduleReconnect(error instanceof Error ? error.message : 'cannot open the connection');
      return;
    }
    socket = s;
    if (everConnected) setState('reconnecting', attempt > 0 ? `attempt ${attempt}` : undefined);
    s.onmessage = (event) => { if (socket === s) handleMessage(event.data); };
    s.onclose = (event) => {
      if (socket !== s) return;
      socket = null;
      if (stableTimer) clearTimeout(stableTimer);
      stableTimer = null;
      failPending((p) => p.unsent === null, () => new ContractError('disconnected', 'The connection to the Standby server dropped before it answered; the request may or may not have been carried out.'));
      if (state === 'closed') return;
      if (event.code === WS_CLOSE_UNAUTHORIZED) {
        failPending(() => true, () => new ContractError('unauthorized', 'The Standby server refused this access token.'));
        setState('unauthorized', event.reason || 'The access token in the address is missing, wrong or expired.');
        return;
      }
      scheduleReconnect(event.reason ? `connection closed: ${event.reason}` : `connection closed (code ${event.code})`);
    };
    // onclose always follows onerror in browsers; the retry is scheduled there.
    s.onerror = () => {};
  };

  connect();

  return {
    kind: 'websocket',
    request(channel, payload) {
      if (state === 'unauthorized' || state === 'closed') {
        return Promise.reject(state === 'closed'
          ? new ContractError('disconnected', 'The connection to the Standby server is closed.')
          : new ContractError('unauthorized', 'The Standby server refused this access token.'));
      }
      const id = nextId++;
      const frame = JSON.stringify({ t: 'req', id, ch: channel, body: payload } satisfies ClientFrame);
      const timeoutMs = SLOW_CHANNELS.has(channel) ? requestTimeoutMs * SLOW_CHANNEL_TIMEOUT_FACTOR : requestTimeoutMs;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          if (!pending.delete(id)) return;
          reject(new ContractError('timeout', `${channel} got no answer within ${Math.round(timeoutMs / 1000)} s.`));
        }, timeoutMs);
        const p: Pending = { channel, resolve, reject, timer, unsent: frame };
        pending.set(id, p);
        if (socket && socket.readyState === OPEN && state === 'connected') {
          socket.send(frame);
          p.unsent = null;
        }
      });
    },
    subscribe(stream, listener) {
      let set = streamListeners.get(stream);
      if (!set) {
        streamListeners.set(stream, (set = new Set()));
        sendFrame(subFrame(stream));
      }
      // Wrapped so the same function subscribed twice still counts twice.
      const entry = (event: unknown) => listener(event);
      set.add(entry);
      return () => {
        const current = streamListeners.get(stream);
        if (!current || !current.delete(entry)) return;
        if (current.size === 0) {
          streamListeners.delete(stream);
          sendFrame({ t: 'unsub', stream });
        }
      };
    },
    onStateChange(listener) {
      stateListeners.add(listener);
      listener(state, detail);
      return () => { stateListeners.delete(listener); };
    },
    close() {
      if (retryTimer) clearTimeout(retryTimer);
      if (stableTimer) clearTimeout(stableTimer);
      retryTimer = null;
      stableTimer = null;
      setState('closed');
      failPending(() => true, () => new ContractError('disconnected', 'The connection to the Standby server was closed.'));
      const s = socket;
      socket = null;
      s?.close(1000, 'client closed');
    },
  };
}
