import { BrowserWindow, powerSaveBlocker, type Display } from 'electron';
import type { LoggerPort } from '../core/ports.ts';
import { CONSOLE_WEB_PREFERENCES, keepToAppPages } from './console-window.ts';

/** `Standby.exe --wall` opens the NOC wall beside the console; `--wall=2` or `--wall=<display id>` picks the screen. */
export const WALL_SWITCH = '--wall';

/** The display asked for after --wall=, or null for "choose one"; undefined when there is no --wall. */
export function wallRequest(argv: readonly string[]): { display: string | null } | undefined {
  for (const arg of argv) {
    if (arg === WALL_SWITCH) return { display: null };
    if (arg.startsWith(`${WALL_SWITCH}=`)) return { display: arg.slice(WALL_SWITCH.length + 1).trim() || null };
  }
  return undefined;
}

type DisplayLike = Pick<Display, 'id' | 'bounds'>;

/**
 * The display the wall goes on: by number (1 is the first the OS lists) or by id; without a choice,
 * the first one that is not the primary (a NOC PC drives its wall as a second screen), else the
 * primary. A choice that matches nothing falls back the same way and says so.
 */
export function chooseWallDisplay<D extends DisplayLike>(displays: readonly D[], primary: D, wanted: string | null): { display: D; problem: string | null } {
  const fallback = displays.find((d) => d.id !== primary.id) ?? primary;
  if (wanted === null) return { display: fallback, problem: null };
  const n = Number(wanted);
  const byNumber = Number.isInteger(n) && n >= 1 && n <= displays.length ? displays[n - 1] : undefined;
  const chosen = byNumber ?? displays.find((d) => String(d.id) === wanted);
  if (chosen) return { display: chosen, problem: null };
  const list = displays.map((d, i) => `${i + 1} (id ${d.id}, ${d.bounds.width}×${d.bounds.height})`).join(', ');
  return { display: fallback, problem: `--wall=${wanted} matches no display; the wall opened on display id ${fallback.id}. Displays: ${list}.` };
}

/** The renderer's wall route in the app's own page (renderer/features/wall/wall-route.ts). */
export function wallUrl(appUrl: string): string {
  return `${appUrl.replace(/#.*$/, '')}#/wall`;
}

export interface WallWindowOptions {
  display: DisplayLike;
  preloadPath: string;
  appUrl: string;
  logger: LoggerPort;
}

/**
 * A kiosk window covering one display, showing the wall. Same isolation and navigation policy as
 * the console; the caller trusts it on the IPC bridge as a viewer, so it is read-only in the core.
 * It keeps the display awake, and reloads itself if its renderer dies: nobody is there to do it.
 */
export function createWallWindow(options: WallWindowOptions): BrowserWindow {
  const { appUrl, logger, display } = options;
  const url = wallUrl(appUrl);
  // As the console window: the settings electronegativity cannot see are in CONSOLE_WEB_PREFERENCES.
  const window = new BrowserWindow({ // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
    title: 'Standby — NOC wall',
    ...display.bounds,
    kiosk: true,
    fullscreen: true,
    frame: false,
    autoHideMenuBar: true,
    show: false,
    backgroundColor: '#101418',
    webPreferences: { ...CONSOLE_WEB_PREFERENCES, preload: options.preloadPath }, // eng-disable PRELOAD_JS_CHECK
  });
  const contents = window.webContents;
  keepToAppPages(contents, appUrl, logger);
  const awake = powerSaveBlocker.start('prevent-display-sleep');
  window.once('closed', () => powerSaveBlocker.stop(awake));
  contents.on('render-process-gone', (_event, details) => {
    logger.warn('The wall page died; reloading it', { reason: details.reason });
    if (!window.isDestroyed()) void window.loadURL(url).catch((error: unknown) => logger.error('The wall page failed to reload', { error }));
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(url).catch((error: unknown) => logger.error('The wall page failed to load', { url, error }));
  return window;
}
