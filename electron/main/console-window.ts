import { BrowserWindow, shell, type WebContents } from 'electron';
import type { LoggerPort } from '../core/ports.ts';
import { isSameOrigin } from './app-url.ts';
import { EXTERNAL_HOSTS, isAllowedExternal } from './external-links.ts';

export interface ConsoleWindowOptions {
  /** Absolute path of the bundled preload (.vite/build/preload.cjs). */
  preloadPath: string;
  /** The Vite dev server URL, or app://standby/index.html when packaged. */
  appUrl: string;
  logger: LoggerPort;
}

export const CONSOLE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  webSecurity: true,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
  // Middle-click opens links through the window-open handler anyway; one way in fewer.
  disableBlinkFeatures: 'Auxclick',
} as const;

/**
 * The console window. It only ever shows the app's own page: links elsewhere leave the app (https
 * only, in the user's browser) and everything else is refused, so an injected link cannot turn the
 * window, and with it the preload bridge, over to another site.
 */
export function createConsoleWindow(options: ConsoleWindowOptions): BrowserWindow {
  const { appUrl, logger } = options;
  // Electronegativity reads only literal webPreferences: isolation, sandbox and Auxclick are set in
  // CONSOLE_WEB_PREFERENCES (tested in console-window.test.ts); the preload is our one typed bridge.
  const window = new BrowserWindow({ // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
    title: 'Standby',
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    backgroundColor: '#101418',
    webPreferences: { ...CONSOLE_WEB_PREFERENCES, preload: options.preloadPath }, // eng-disable PRELOAD_JS_CHECK
  });
  keepToAppPages(window.webContents, appUrl, logger);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl).catch((error: unknown) => logger.error('The console page failed to load', { appUrl, error }));
  return window;
}

/**
 * The navigation policy of every window showing the app: it only ever shows the app's own page;
 * links elsewhere leave the app (https only, in the user's browser) and everything else is refused.
 */
export function keepToAppPages(contents: WebContents, appUrl: string, logger: LoggerPort): void {
  const leave = (url: string, how: string) => {
    if (isAllowedExternal(url)) {
      // Only https links to EXTERNAL_HOSTS get here (isAllowedExternal, tested).
      void shell.openExternal(url).catch( // eng-disable OPEN_EXTERNAL_JS_CHECK
        (error: unknown) => logger.warn('Could not open a link in the browser', { url, error }));
    } else {
      logger.warn(`Refused ${how} to a page outside the console and its allowed links (${EXTERNAL_HOSTS.join(', ')})`, { url: url.slice(0, 500) });
    }
  };

  contents.on('will-navigate', (event) => {
    if (isSameOrigin(event.url, appUrl)) return; // the app reloading itself (dev server full reload)
    event.preventDefault();
    leave(event.url, 'navigation');
  });
  contents.on('will-redirect', (event) => {
    if (!isSameOrigin(event.url, appUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    leave(url, 'a new window');
    return { action: 'deny' };
  });
}
