import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Net, Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './app-url.ts';
import { CONTENT_SECURITY_POLICY } from './session-security.ts';

/**
 * The packaged renderer is served from app://standby/ rather than file://: a file:// page may read
 * any file the user can, has no real origin for the IPC sender check, and webRequest does not
 * reliably see it to add the CSP header. Must run before the app's 'ready' event.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** Serves files below rendererDir only; anything else is a 404, never a file outside it. */
export function serveRendererFiles(protocol: Pick<Protocol, 'handle'>, net: Pick<Net, 'fetch'>, rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveInside(root, request.url);
    if (file === undefined || request.method !== 'GET') return new Response('Not found', { status: 404 });
    let response: Response;
    try {
      response = await net.fetch(pathToFileURL(file).toString());
    } catch {
      return new Response('Not found', { status: 404 });
    }
    const headers = new Headers(response.headers);
    headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(response.body, { status: response.status, headers });
  });
}

export function resolveInside(root: string, requestUrl: string): string | undefined {
  let url: URL;
  let relative: string;
  try {
    url = new URL(requestUrl);
    relative = decodeURIComponent(url.pathname);
  } catch {
    return undefined;
  }
  // A backslash is a separator on Windows; no asset the renderer build emits has one.
  if (url.host !== APP_HOST || relative.includes('\0') || relative.includes('\\')) return undefined;
  const file = path.resolve(root, `.${relative === '/' ? '/index.html' : relative}`);
  return file.startsWith(root + path.sep) ? file : undefined;
}
