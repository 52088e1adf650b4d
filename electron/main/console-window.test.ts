import { beforeEach, describe, expect, it, vi } from 'vitest';

const electron = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => unknown;
  class FakeWebContents {
    handlers = new Map<string, Handler>();
    openHandler: Handler | undefined;
    on(name: string, handler: Handler) { this.handlers.set(name, handler); return this; }
    setWindowOpenHandler(handler: Handler) { this.openHandler = handler; }
  }
  class FakeBrowserWindow {
    static created: FakeBrowserWindow[] = [];
    webContents = new FakeWebContents();
    loadURL = vi.fn(async (_url: string) => {});
    options: { webPreferences: Record<string, unknown> };
    constructor(options: { webPreferences: Record<string, unknown> }) { this.options = options; FakeBrowserWindow.created.push(this); }
    once() { return this; }
    show() {}
  }
  return { BrowserWindow: FakeBrowserWindow, shell: { openExternal: vi.fn(async (_url: string) => {}) } };
});
vi.mock('electron', () => electron);

const { createConsoleWindow } = await import('./console-window.ts');

const APP_URL = 'app://standby/index.html';
const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

function open(appUrl = APP_URL) {
  createConsoleWindow({ preloadPath: '/build/preload.cjs', appUrl, logger });
  const window = electron.BrowserWindow.created.at(-1)!;
  return window;
}

function navigate(window: ReturnType<typeof open>, url: string) {
  const event = { url, preventDefault: vi.fn() };
  window.webContents.handlers.get('will-navigate')!(event);
  return event;
}

describe('console window', () => {
  beforeEach(() => {
    electron.BrowserWindow.created.length = 0;
    electron.shell.openExternal.mockClear();
  });

  it('isolates the renderer: context isolation, sandbox, no Node, web security, no middle-click windows, our preload', () => {
    const prefs = open().options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
      webSecurity: true, webviewTag: false, disableBlinkFeatures: 'Auxclick', preload: '/build/preload.cjs',
    });
  });

  it('loads the app URL it was given', () => {
    expect(open('http://localhost:5173').loadURL).toHaveBeenCalledWith('http://localhost:5173');
  });

  it('prevents navigation away from the app and opens only allowed https links externally', () => {
    const window = open();
    const https = navigate(window, 'https://learn.microsoft.com/hyper-v');
    expect(https.preventDefault).toHaveBeenCalled();
    expect(electron.shell.openExternal).toHaveBeenCalledWith('https://learn.microsoft.com/hyper-v');

    electron.shell.openExternal.mockClear();
    for (const url of [
      'http://evil.example/', 'file:///C:/Windows/System32/calc.exe', 'app://other/index.html', 'javascript:alert(1)',
      'https://evil.example/', 'https://learn.microsoft.com.evil.example/', 'http://learn.microsoft.com/hyper-v',
      'https://learn.microsoft.com:8443/', 'https://user@learn.microsoft.com/', 'ms-settings:privacy', 'smb://fileserver/share',
    ]) {
      expect(navigate(window, url).preventDefault, url).toHaveBeenCalled();
    }
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('lets the app reload its own page', () => {
    expect(navigate(open(), 'app://standby/index.html').preventDefault).not.toHaveBeenCalled();
  });

  it('denies every window.open, handing allowed https links to the browser', () => {
    const handler = open().webContents.openHandler!;
    expect(handler({ url: 'https://example.com/runbook' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'https://github.com/standby/issues' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(handler({ url: APP_URL })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal.mock.calls).toEqual([['https://github.com/standby/issues']]);
  });
});
