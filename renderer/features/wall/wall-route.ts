/**
 * The NOC wall's address: /wall on the browser server (what `npm run serve -- --wall` prints), and
 * #/wall where the page is index.html itself (the Electron kiosk window, app://standby/index.html).
 */
export const WALL_PATH = '/wall';
export const WALL_HASH = '#/wall';
/** The wall hears the estate's patches at most this often, combined by the server (main.tsx). */
export const WALL_ESTATE_EVERY_MS = 2_000;

export function isWallPage(href: string): boolean {
  let url: URL;
  try { url = new URL(href); } catch { return false; }
  return url.pathname.replace(/\/+$/, '') === WALL_PATH || url.hash === WALL_HASH;
}
