import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * What every HTTP answer of the server carries, whatever the path or the error: the page may talk
 * only to the server that served it, is never framed, and its type is never sniffed.
 */
export const SERVER_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
  "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': SERVER_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** Set before anything is written: writeHead merges them into every status, 200 to 500. */
export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}

/** The names the console answers to without being configured: this machine's own. */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]', '::1'];

/**
 * Which Host and Origin headers the server accepts. A web page the operator visits can make the
 * browser connect to 127.0.0.1 (directly, or by a DNS name it points there: DNS rebinding), but it
 * cannot choose the Origin the browser sends nor, once rebinding, a Host that is ours.
 */
export interface HostPolicy {
  /** Host names (no port), lower case: loopback names plus the listening address and configured ones. */
  hosts: ReadonlySet<string>;
}

export function hostPolicy(listenHost: string, configured: readonly string[] = []): HostPolicy {
  const hosts = new Set(LOOPBACK);
  const add = (name: string) => { const n = name.trim().toLowerCase(); if (n) hosts.add(n.includes(':') && !n.startsWith('[') ? `[${n}]` : n); };
  // A wildcard address is not a name anyone browses to: the configured names say which are.
  if (listenHost !== '0.0.0.0' && listenHost !== '::') add(listenHost);
  for (const name of configured) add(name);
  return { hosts };
}

/** The host name of a Host header ("a.b:4280" → "a.b", "[::1]:80" → "[::1]"), lower case; null when malformed. */
function hostName(header: string): string | null {
  try {
    return new URL(`http://${header}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Why a request may not go on, or null when it may: the Host must be one of ours; an Origin, when
 * the client sends one (browsers always do on a WebSocket), must be this very server (same host
 * and port as the Host header). Clients that are not browsers send none and need the token anyway.
 */
export function refusal(req: IncomingMessage, policy: HostPolicy): string | null {
  const host = req.headers.host;
  const name = host ? hostName(host) : null;
  if (!host || !name || !policy.hosts.has(name)) return `the Host "${String(host ?? '').slice(0, 100)}" is not a name of this console (start it with --allow-host NAME to add one)`;
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return `the Origin "${origin.slice(0, 100)}" is not a web origin`;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host.toLowerCase() !== host.toLowerCase()) {
    return `a page from ${origin.slice(0, 100)} may not use this console`;
  }
  return null;
}

/** The request's URL, or null when it cannot be read (a bad percent-escape, a malformed path). */
export function requestPath(req: IncomingMessage): { pathname: string; searchParams: URLSearchParams } | null {
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    return { pathname: decodeURIComponent(url.pathname), searchParams: url.searchParams };
  } catch {
    return null;
  }
}

/** A plain-text error answer (with the security headers, as every answer). */
export function answer(res: ServerResponse, status: number, text: string): void {
  applySecurityHeaders(res);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`${text}\n`);
}

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' };

/** The same answer written straight onto a socket (an upgrade the server does not take), headers included. */
export function rawAnswer(status: number, text: string): string {
  const body = `${text}\n`;
  const headers = { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' };
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${body}`;
}
