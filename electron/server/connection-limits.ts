import type { WebSocket } from 'ws';
import type { LoggerPort } from '../core/ports.ts';

/**
 * What one browser connection may cost the server. A client that stops reading (a frozen tab, a
 * hostile script) makes every frame we send wait in memory: it is closed before that reaches
 * `hardBufferedBytes`, or once it stayed over `softBufferedBytes` for `behindMs` (one big snapshot
 * legitimately fills the buffer for a while). A peer that vanished without a FIN is found by ping.
 */
export const CONNECTION_LIMITS = {
  softBufferedBytes: 16 * 1024 * 1024,
  behindMs: 20_000,
  /** Above the largest response (a 10,000-VM snapshot is ~7 MB compact) plus a stream's backlog. */
  hardBufferedBytes: 48 * 1024 * 1024,
  /** Requests of one connection being worked on at once; more are refused, not queued. */
  maxInFlight: 32,
  /** A ping this often; a peer that has not answered the previous one by the next is closed. */
  pingMs: 30_000,
};
export type ConnectionLimits = typeof CONNECTION_LIMITS;

export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * Sends a text frame unless the client is too far behind, in which case it closes the connection
 * (the renderer reconnects and takes a fresh snapshot). Returns whether the frame went out.
 */
export function guardedSender(socket: WebSocket, limits: ConnectionLimits, logger: LoggerPort, actor: string): (text: string) => boolean {
  let behindSince: number | null = null;
  let closing = false;
  const close = (why: string) => {
    closing = true;
    logger.warn(`Closing a connection that ${why}`, { actor, bufferedBytes: socket.bufferedAmount });
    socket.close(CLOSE_TRY_AGAIN_LATER, 'Too far behind; reconnect for a fresh snapshot');
    // A peer that does not read does not read the close frame either: do not wait for it.
    setTimeout(() => socket.terminate(), 2000).unref();
  };
  return (text) => {
    if (closing || socket.readyState !== socket.OPEN) return false;
    const buffered = socket.bufferedAmount;
    if (buffered + text.length > limits.hardBufferedBytes) {
      close(`would hold ${buffered + text.length} bytes it does not read (limit ${limits.hardBufferedBytes})`);
      return false;
    }
    if (buffered > limits.softBufferedBytes) {
      const now = Date.now();
      behindSince ??= now;
      if (now - behindSince > limits.behindMs) {
        close(`stayed ${buffered} bytes behind for ${limits.behindMs / 1000} s`);
        return false;
      }
    } else {
      behindSince = null;
    }
    socket.send(text);
    return true;
  };
}

/** Pings the peer every `pingMs`; one that did not answer the previous ping is terminated. */
export function keepAlive(socket: WebSocket, limits: ConnectionLimits, logger: LoggerPort, actor: string): () => void {
  let answered = true;
  socket.on('pong', () => { answered = true; });
  const timer = setInterval(() => {
    if (!answered) {
      logger.warn('Closing a connection whose peer stopped answering pings', { actor });
      socket.terminate();
      return;
    }
    answered = false;
    socket.ping();
  }, limits.pingMs);
  timer.unref();
  return () => clearInterval(timer);
}
