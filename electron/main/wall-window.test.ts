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
    onceHandlers = new Map<string, Handler>();
    loadURL = vi.fn(async (_url: string) => {});
    options: Record<string, unknown> & { webPreferences: Record<string, unknown> };
    constructor(options: FakeBrowserWindow['options']) { this.options = options; FakeBrowserWindow.created.push(this); }
    on() { return this; }
    once(name: string, handler: Handler) { this.onceHandlers.set(name, handler); return this; }
    isDestroyed() { return false; }
    show() {}
  }
  return {
    BrowserWindow: FakeBrowserWindow,
    shell: { openExternal: vi.fn(async (_url: string) => {}) },
    powerSaveBlocker: { start: vi.fn(() => 42), stop: vi.fn() },
  };
});
vi.mock('electron', () => electron);

const { chooseWallDisplay, createWallWindow, wallRequest, wallUrl } = await import('./wall-window.ts');

const APP_URL = 'app://standby/index.html';
const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const display = (id: number, x: number) => ({ id, bounds: { x, y: 0, width: 3840, height: 2160 } });

describe('--wall', () => {
  it('is off without the switch; picks a display by number or id, or leaves the choice open', () => {
    expect(wallRequest(['Standby.exe', '--foo'])).toBeUndefined();
    expect(wallRequest(['Standby.exe', '--wall'])).toEqual({ display: null });
    expect(wallRequest(['Standby.exe', '--wall=2'])).toEqual({ display: '2' });
    expect(wallRequest(['Standby.exe', '--wall='])).toEqual({ display: null });
  });

  it('chooses the first screen that is not the primary, then by number (1-based) or display id', () => {
    const primary = display(10, 0);
    const displays = [primary, display(11, 3840), display(12, 7680)];
    expect(chooseWallDisplay(displays, primary, null)).toEqual({ display: displays[1], problem: null });
    expect(chooseWallDisplay([primary], primary, null)).toEqual({ display: primary, problem: null });
    expect(chooseWallDisplay(displays, primary, '3').display).toBe(displays[2]);
    expect(chooseWallDisplay(displays, primary, '10').display).toBe(primary);
  });

  it('says which displays exist when the choice matches none, and still opens the wall', () => {
    const primary = display(10, 0);
    const { display: chosen, problem } = chooseWallDisplay([primary, display(11, 3840)], primary, '7');
    expect(chosen.id).toBe(11);
    expect(problem).toBe('--wall=7 matches no display; the wall opened on display id 11. Displays: 1 (id 10, 3840×2160), 2 (id 11, 3840×2160).');
  });

  it('points the app page at the wall route, replacing any hash', () => {
    expect(wallUrl(APP_URL)).toBe('app://standby/index.html#/wall');
    expect(wallUrl('http://localhost:5173/#/replication')).toBe('http://localhost:5173/#/wall');
  });
});

describe('wall window', () => {
  beforeEach(() => { electron.BrowserWindow.created.length = 0; });

  function open() {
    createWallWindow({ display: display(11, 3840), preloadPath: '/build/preload.cjs', appUrl: APP_URL, logger });
    const window = electron.BrowserWindow.created.at(-1)!;
    return { window, windowOnce: window.onceHandlers };
  }

  it('is a kiosk covering the chosen display, isolated like the console, showing the wall route', () => {
    const { window } = open();
    expect(window.options).toMatchObject({ kiosk: true, fullscreen: true, frame: false, x: 3840, y: 0, width: 3840, height: 2160 });
    expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, preload: '/build/preload.cjs' });
    expect(window.loadURL).toHaveBeenCalledWith('app://standby/index.html#/wall');
  });

  it('keeps to the app: navigation elsewhere is refused and window.open denied', () => {
    const { window } = open();
    const event = { url: 'http://evil.example/', preventDefault: vi.fn() };
    window.webContents.handlers.get('will-navigate')!(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(window.webContents.openHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
  });

  it('keeps the display awake while it is open, and reloads the wall when its renderer dies', () => {
    electron.powerSaveBlocker.start.mockClear();
    electron.powerSaveBlocker.stop.mockClear();
    const { window, windowOnce } = open();
    expect(electron.powerSaveBlocker.start).toHaveBeenCalledWith('prevent-display-sleep');
    window.loadURL.mockClear();
    window.webContents.handlers.get('render-process-gone')!({}, { reason: 'crashed' });
    expect(window.loadURL).toHaveBeenCalledWith('app://standby/index.html#/wall');
    windowOnce.get('closed')!();
    expect(electron.powerSaveBlocker.stop).toHaveBeenCalledWith(42);
  });
});
