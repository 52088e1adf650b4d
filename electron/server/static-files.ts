import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.json': 'application/json',
  '.woff2': 'font/woff2', '.map': 'application/json',
};

/** Same policy as the Electron window: the page may talk only to the server that served it. */
export { SERVER_CSP } from './request-guard.ts';

/**
 * Serves the built renderer; unknown paths get index.html so deep links work. The security headers
 * are set by the caller (request-guard) before this runs, so every answer here carries them.
 */
export function createStaticHandler(root: string) {
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  return async (req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    let file = normalize(join(root, pathname));
    if (!file.startsWith(rootWithSep) && file !== root) {
      res.writeHead(403).end('Forbidden');
      return;
    }
    let info = await stat(file).catch(() => null);
    if (!info || info.isDirectory()) {
      file = join(root, 'index.html');
      info = await stat(file).catch(() => null);
    }
    if (!info) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
        .end(`The console's web files are missing from ${root}. Run "npm run build:renderer" (npm run serve does it for you).`);
      return;
    }
    const isIndex = file.endsWith('index.html');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': info.size,
      // Hashed asset names never change; index.html must always be fresh.
      'Cache-Control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(file).pipe(res);
  };
}
