import os from 'node:os';
import path from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, net, Notification, protocol, safeStorage, screen, session } from 'electron';
import ElectronStore from 'electron-store';
import { createCore, type Core } from '../core/core.ts';
import { systemClock } from '../core/ports.ts';
import { startAlertNotifier } from './alert-notifier.ts';
import { electronPdfPrinter } from './electron-pdf.ts';
import { registerAppScheme, serveRendererFiles } from './app-protocol.ts';
import { PACKAGED_APP_URL } from './app-url.ts';
import { createConsoleWindow } from './console-window.ts';
import { createIpcBridge, type IpcBridge } from './ipc-bridge.ts';
import { createLogger } from './logger.ts';
import { createSecretStore } from './secret-store.ts';
import { hardenAllWebContents, secureSession } from './session-security.ts';
import { createSettingsStore } from './settings-store.ts';
import { handleSquirrelEvent } from './squirrel-startup.ts';
import { keepUnusableStoreFileAside } from './store-file.ts';
import { chooseWallDisplay, createWallWindow, wallRequest } from './wall-window.ts';

// Stack traces in standby.log should name the TypeScript sources (main.cjs.map ships alongside).
process.setSourceMapsEnabled(true);

// The bundle is CommonJS (.vite/build/main.cjs), so __dirname is the build folder.
const buildDir = __dirname;
const devServerUrl = typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' ? MAIN_WINDOW_VITE_DEV_SERVER_URL : undefined;
const rendererName = typeof MAIN_WINDOW_VITE_NAME === 'string' ? MAIN_WINDOW_VITE_NAME : 'main_window';
const appUrl = devServerUrl ?? PACKAGED_APP_URL;

if (handleSquirrelEvent(process.argv)) {
  app.quit();
} else if (!app.requestSingleInstanceLock()) {
  // A second copy would fight the first over the journals and the PowerShell sessions.
  app.quit();
} else {
  registerAppScheme(protocol);
  hardenAllWebContents(app);
  app.whenReady().then(start).catch((error: unknown) => {
    dialog.showErrorBox('Standby could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const logger = createLogger({ logDir: app.getPath('logs') });
  const userData = app.getPath('userData');
  const now = () => new Date();

  keepUnusableStoreFileAside(userData, 'secrets', logger, now);
  const secretFile = new ElectronStore<Record<string, string>>({ name: 'secrets', accessPropertiesByDotNotation: false });
  const core: Core = await createCore({
    settings: createSettingsStore({
      dir: userData, logger, now,
      open: ({ name, cwd }) => new ElectronStore<Record<string, unknown>>({ name, cwd }),
    }),
    secrets: createSecretStore(safeStorage, {
      get: (key) => secretFile.get(key),
      set: (key, value) => secretFile.set(key, String(value)),
      delete: (key) => secretFile.delete(key),
      has: (key) => secretFile.has(key),
    }),
    clock: systemClock,
    logger,
    dataDir: path.join(userData, 'data'),
    printPdf: electronPdfPrinter(BrowserWindow),
  });

  secureSession(session.defaultSession, { appUrl, devServerUrl });
  if (devServerUrl === undefined) serveRendererFiles(protocol, net, path.join(buildDir, '..', 'renderer', rendererName));
  const bridge: IpcBridge = createIpcBridge({ ipcMain, core, logger, actor: osUser() });

  const openConsole = () => {
    const window = createConsoleWindow({ preloadPath: path.join(buildDir, 'preload.cjs'), appUrl, logger });
    bridge.trust(window.webContents, appUrl);
    return window;
  };
  openConsole();
  const wall = wallRequest(process.argv);
  if (wall) {
    const { display, problem } = chooseWallDisplay(screen.getAllDisplays(), screen.getPrimaryDisplay(), wall.display);
    if (problem) logger.warn(problem);
    const window = createWallWindow({ display, preloadPath: path.join(buildDir, 'preload.cjs'), appUrl, logger });
    bridge.trust(window.webContents, appUrl, 'viewer');
  }
  const stopNotifier = await startAlertNotifier({
    core, logger,
    notifications: { isSupported: () => Notification.isSupported(), create: (o) => new Notification(o) },
    showAlerts: () => {
      const [window] = BrowserWindow.getAllWindows();
      const shown = window ?? openConsole();
      if (shown.isMinimized()) shown.restore();
      shown.focus();
    },
  }).catch((error: unknown) => {
    logger.warn('Desktop notifications are off: they could not start', { error: String(error) });
    return () => {};
  });
  logger.info('Standby started', { version: app.getVersion(), appUrl, userData });

  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (!window) { openConsole(); return; }
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) openConsole(); });
  app.on('window-all-closed', () => { if (process.platform !== 'darwin') app.quit(); });

  // The core flushes journals and closes PowerShell sessions before the process goes.
  let shutdown: 'running' | 'disposing' | 'done' = 'running';
  app.on('will-quit', (event) => {
    if (shutdown === 'done') return;
    event.preventDefault();
    if (shutdown === 'disposing') return;
    shutdown = 'disposing';
    stopNotifier();
    bridge.dispose();
    core.dispose()
      .catch((error: unknown) => logger.error('The core did not shut down cleanly', { error }))
      .finally(() => { shutdown = 'done'; logger.close(); app.quit(); });
  });
}

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USERNAME ?? process.env.USER ?? 'unknown user';
  }
}
