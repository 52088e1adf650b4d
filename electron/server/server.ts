import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_CLIENT_FRAME_BYTES, WS_CLOSE_UNAUTHORIZED, WS_PATH } from '../../shared/contract/wire.ts';
import type { Core } from '../core/core.ts';
import type { LoggerPort } from '../core/ports.ts';
import { holderOfToken, type AccessTokens, type TokenHolder } from './access-tokens.ts';
import { runSocketSession } from './socket-session.ts';
import { createStaticHandler } from './static-files.ts';
import { answer, applySecurityHeaders, hostPolicy, rawAnswer, refusal, requestPath } from './request-guard.ts';
import { createTokenThrottle, type TokenThrottle } from './token-throttle.ts';
import type { ConnectionLimits } from './connection-limits.ts';

export interface ServerOptions {
  core: Core;
  host: string;
  port: number;
  staticDir: string;
  tokens: AccessTokens;
  logger: LoggerPort;
  /** Host names besides loopback and `host` that browsers may use to reach the console. */
  allowedHosts?: readonly string[];
  /** Per-connection limits; tests lower them. */
  limits?: ConnectionLimits;
  throttle?: TokenThrottle;
}

export interface RunningServer {
  port: number;
  /** Base URL without a token. */
  origin: string;
  close(): Promise<void>;
}

/** The core over HTTP (the built renderer) and one multiplexed WebSocket. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const serveStatic = createStaticHandler(options.staticDir);
  const policy = hostPolicy(options.host, options.allowedHosts);
  const throttle = options.throttle ?? createTokenThrottle();
  /** Open connections of named people, with the token each presented: revoking one closes them. */
  const namedSockets = new Map<WebSocket, string>();
  const stopWatching = options.tokens.issued?.watch?.(() => {
    for (const [socket, token] of namedSockets) {
      let holder: TokenHolder | null = null;
      try { holder = holderOfToken(options.tokens, token); } catch { /* unreadable: nobody named stays in */ }
      if (holder) continue;
      options.logger.warn('Closed a connection whose access token was revoked');
      namedSockets.delete(socket);
      socket.close(WS_CLOSE_UNAUTHORIZED, 'Your access token was revoked');
    }
  }) ?? (() => {});
  const http: Server = createServer((req, res) => {
    applySecurityHeaders(res);
    const refused = refusal(req, policy);
    if (refused) { answer(res, 403, `Refused: ${refused}.`); return; }
    const path = requestPath(req);
    if (!path) { answer(res, 400, 'Bad request: the address is not a valid URL.'); return; }
    serveStatic(req, res, path.pathname).catch((error: unknown) => {
      options.logger.error('Static file failed', { error: String(error) });
      if (!res.headersSent) answer(res, 500, 'The server failed to read the file.');
    });
  });
  // Snapshots are large and repetitive (7 MB → 1.4 MB for 10,000 VMs); small frames are not worth
  // the CPU, so only messages over the threshold are compressed. Level 1: 35 ms for that snapshot
  // against 133 ms at the default level, for 19 % more bytes — a page waits for the CPU, not the LAN.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_FRAME_BYTES, perMessageDeflate: { threshold: 64 * 1024, zlibDeflateOptions: { level: 1 } } });

  http.on('upgrade', (req, socket, head) => {
    const refused = refusal(req, policy);
    if (refused) {
      options.logger.warn(`Refused a WebSocket: ${refused}`, { from: req.socket.remoteAddress });
      socket.end(rawAnswer(403, `Refused: ${refused}.`));
      return;
    }
    const path = requestPath(req);
    if (!path || path.pathname !== WS_PATH) {
      socket.end(rawAnswer(path ? 404 : 400, path ? 'Not found.' : 'Bad request: the address is not a valid URL.'));
      return;
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = throttle.waitMs(address);
    let holder: TokenHolder | null = null;
    if (wait === 0) {
      try {
        holder = holderOfToken(options.tokens, path.searchParams.get('token'));
      } catch (error) {
        // The issued tokens cannot be read (a damaged file): nobody named gets in until it is fixed.
        options.logger.error(`Issued access tokens unreadable: ${(error as Error).message}`);
      }
      if (holder) throttle.succeeded(address); else throttle.failed(address);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A named person is recorded by name; a start-up link's token by which one it was and from where.
      const actor = holder?.named ? holder.name : holder ? `${holder.name}, browser ${address}` : `browser ${address}`;
      if (!holder) {
        // Accept, then close with our own code: a refused upgrade reaches the page only as an
        // opaque failure, and the user must be told the link is wrong rather than see retries.
        options.logger.warn(wait > 0 ? `Refused a connection from ${actor}: too many wrong access tokens, ${Math.ceil(wait / 1000)} s to wait` : `Refused a connection with a missing or wrong access token from ${actor}`);
        ws.close(WS_CLOSE_UNAUTHORIZED, wait > 0 ? `Too many wrong access tokens; try again in ${Math.ceil(wait / 1000)} s` : 'Missing or wrong access token');
        return;
      }
      options.logger.info(`Connected: ${actor} (${holder.role}) from ${address}`);
      if (holder.named) {
        namedSockets.set(ws, path.searchParams.get('token')!);
        ws.once('close', () => namedSockets.delete(ws));
      }
      runSocketSession(ws, options.core, holder.role, actor, options.logger, options.limits);
    });
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port, options.host, () => { http.off('error', reject); resolve(); });
  });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    origin: `http://${options.host}:${port}`,
    async close() {
      stopWatching();
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
