import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { WS_CLOSE_UNAUTHORIZED, WS_PATH } from '../../shared/contract/wire.ts';
import type { Core } from '../core/core.ts';
import type { LoggerPort } from '../core/ports.ts';
import { roleForToken, type AccessTokens } from './access-tokens.ts';
import { runSocketSession } from './socket-session.ts';
import { createStaticHandler } from './static-files.ts';

export interface ServerOptions {
  core: Core;
  host: string;
  port: number;
  staticDir: string;
  tokens: AccessTokens;
  logger: LoggerPort;
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
  const http: Server = createServer((req, res) => {
    serveStatic(req, res).catch((error: unknown) => {
      options.logger.error('Static file failed', { error: String(error) });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  // Snapshots are large and repetitive (7 MB → 1.4 MB for 10,000 VMs); small frames are not worth
  // the CPU, so only messages over the threshold are compressed. Level 1: 35 ms for that snapshot
  // against 133 ms at the default level, for 19 % more bytes — a page waits for the CPU, not the LAN.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024, perMessageDeflate: { threshold: 64 * 1024, zlibDeflateOptions: { level: 1 } } });

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const role = roleForToken(options.tokens, url.searchParams.get('token'));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const actor = `browser ${req.socket.remoteAddress ?? 'unknown'}`;
      if (!role) {
        // Accept, then close with our own code: a refused upgrade reaches the page only as an
        // opaque failure, and the user must be told the link is wrong rather than see retries.
        options.logger.warn(`Refused a connection with a missing or wrong access token from ${actor}`);
        ws.close(WS_CLOSE_UNAUTHORIZED, 'Missing or wrong access token');
        return;
      }
      runSocketSession(ws, options.core, role, actor, options.logger);
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
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
