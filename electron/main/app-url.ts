/**
 * The console's own pages: the Vite dev server during `electron-forge start`, the app:// scheme
 * when packaged. Both the navigation guard and the IPC sender check ask the same question here.
 */

/** Host of the packaged renderer under the app:// scheme (see app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'standby';
export const PACKAGED_APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * Same scheme, host and port. Compared by parts because Node's URL reports the origin of a
 * non-special scheme such as app:// as "null", which would make every app:// URL look alike.
 */
export function isSameOrigin(candidate: string, appUrl: string): boolean {
  const a = parse(candidate);
  const b = parse(appUrl);
  return a !== undefined && b !== undefined && a.protocol === b.protocol && a.host === b.host && a.host !== '';
}

function parse(url: string): URL | undefined {
  try { return new URL(url); } catch { return undefined; }
}
