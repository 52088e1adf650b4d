import type { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const fakes = vi.hoisted(() => ({
  lock: true,
  app: undefined as unknown as EventEmitter & Record<string, ReturnType<typeof vi.fn>>,
  createCore: vi.fn(),
  windows: [] as { webPreferences: Record<string, unknown> }[],
}));

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  const app = Object.assign(new Emitter(), {
    requestSingleInstanceLock: vi.fn(() => fakes.lock),
    whenReady: vi.fn(() => Promise.resolve()),
    getPath: vi.fn((name: string) => `/nonexistent/standby-test/${name}`),
    getVersion: () => '0.1.0',
    quit: vi.fn(),
    exit: vi.fn(),
  });
  fakes.app = app as never;
  class WebContents extends Emitter { id = 1; setWindowOpenHandler() {} }
  class BrowserWindow extends Emitter {
    static getAllWindows = () => [];
    webContents = new WebContents();
    constructor(options: { webPreferences: Record<string, unknown> }) { super(); fakes.windows.push(options); }
    loadURL() { return Promise.resolve(); }
  }
  return {
    app, BrowserWindow,
    dialog: { showErrorBox: vi.fn() },
    ipcMain: { handle: vi.fn(), on: vi.fn(), removeHandler: vi.fn(), removeListener: vi.fn() },
    net: { fetch: vi.fn() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    safeStorage: { isEncryptionAvailable: () => true, encryptString: vi.fn(), decryptString: vi.fn() },
    session: { defaultSession: { webRequest: { onHeadersReceived: vi.fn() }, setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    shell: { openExternal: vi.fn() },
  };
});
vi.mock('electron-store', () => ({ default: class { store = {}; } }));
vi.mock('../core/core.ts', () => ({ createCore: fakes.createCore }));
vi.mock('./logger.ts', () => ({
  createLogger: () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), close: vi.fn() }),
}));
vi.mock('./store-file.ts', () => ({ keepUnusableStoreFileAside: () => 'missing' }));

describe('main entry', () => {
  beforeEach(() => {
    vi.resetModules();
    fakes.windows.length = 0;
    fakes.createCore.mockReset().mockResolvedValue({ handle: vi.fn(), subscribe: vi.fn(), dispose: vi.fn(async () => {}) });
  });

  it('quits at once when another Standby already runs, before starting a core', async () => {
    fakes.lock = false;
    await import('./main.ts');
    expect(fakes.app.quit).toHaveBeenCalled();
    expect(fakes.app.whenReady).not.toHaveBeenCalled();
    expect(fakes.createCore).not.toHaveBeenCalled();
  });

  it('starts the core with its data under userData, then opens one isolated console window', async () => {
    fakes.lock = true;
    await import('./main.ts');
    await vi.waitFor(() => expect(fakes.windows).toHaveLength(1));
    expect(fakes.createCore).toHaveBeenCalledWith(expect.objectContaining({
      dataDir: expect.stringMatching(/standby-test[\\/]userData[\\/]data$/),
    }));
    expect(fakes.windows[0]!.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false });
  });

  it('disposes the core before the process quits', async () => {
    fakes.lock = true;
    await import('./main.ts');
    await vi.waitFor(() => expect(fakes.windows).toHaveLength(1));
    const core = await fakes.createCore.mock.results[0]!.value as { dispose: ReturnType<typeof vi.fn> };
    const event = { preventDefault: vi.fn() };
    fakes.app.emit('will-quit', event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(core.dispose).toHaveBeenCalledTimes(1);
    await vi.waitFor(() => expect(fakes.app.quit).toHaveBeenCalled());
  });
});
