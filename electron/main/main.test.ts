import type { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const fakes = vi.hoisted(() => ({
  lock: true,
  app: undefined as unknown as EventEmitter & Record<string, ReturnType<typeof vi.fn>>,
  createCore: vi.fn(),
  windows: [] as { webPreferences: Record<string, unknown>; kiosk?: boolean; x?: number }[],
  notifications: [] as { options: { title: string; body: string; urgency: string }; shown: number }[],
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
    isDestroyed() { return false; }
  }
  class Notification {
    static isSupported = () => true;
    record: { options: { title: string; body: string; urgency: string }; shown: number };
    constructor(options: { title: string; body: string; urgency: string }) { this.record = { options, shown: 0 }; fakes.notifications.push(this.record); }
    on() { return this; }
    show() { this.record.shown += 1; }
  }
  return {
    app, BrowserWindow, Notification,
    dialog: { showErrorBox: vi.fn() },
    ipcMain: { handle: vi.fn(), on: vi.fn(), removeHandler: vi.fn(), removeListener: vi.fn() },
    net: { fetch: vi.fn() },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    safeStorage: { isEncryptionAvailable: () => true, encryptString: vi.fn(), decryptString: vi.fn() },
    session: { defaultSession: { webRequest: { onHeadersReceived: vi.fn() }, setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } },
    shell: { openExternal: vi.fn() },
    screen: {
      getAllDisplays: () => [{ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }, { id: 2, bounds: { x: 1920, y: 0, width: 3840, height: 2160 } }],
      getPrimaryDisplay: () => ({ id: 1, bounds: { x: 0, y: 0, width: 1920, height: 1080 } }),
    },
    powerSaveBlocker: { start: vi.fn(() => 1), stop: vi.fn() },
  };
});
vi.mock('electron-store', () => ({ default: class { store = {}; } }));
vi.mock('../core/core.ts', () => ({ createCore: fakes.createCore }));
vi.mock('./logger.ts', () => ({
  createLogger: () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), close: vi.fn() }),
}));
vi.mock('./store-file.ts', () => ({ keepUnusableStoreFileAside: () => 'missing' }));

/** A core that answers the two reads the notifier makes and lets the test publish on its streams. */
function fakeCore(desktopNotifications: boolean) {
  const listeners = new Map<string, (event: unknown) => void>();
  return {
    listeners,
    handle: vi.fn(async (channel: string) => {
      if (channel === 'settings.get') return { theme: 'system', rtoTargetMinutes: 60, desktopNotifications, lab: { seed: 1, vmCount: 10 } };
      if (channel === 'alerts.list') return { alerts: [], seq: 0 };
      throw new Error(`unexpected ${channel}`);
    }),
    subscribe: vi.fn((stream: string, listener: (event: unknown) => void) => { listeners.set(stream, listener); return () => listeners.delete(stream); }),
    dispose: vi.fn(async () => {}),
  };
}

const alert = { id: 'a1', kind: 'health', severity: 'critical', vmId: 'p:EHRDB01', vmName: 'EHRDB01', message: 'Replication health is Critical.', raisedAt: 1, raisedWallAt: 1, clearedAt: null, acknowledged: null };

describe('main entry', () => {
  beforeEach(() => {
    vi.resetModules();
    fakes.windows.length = 0;
    fakes.notifications.length = 0;
    fakes.createCore.mockReset().mockResolvedValue(fakeCore(true));
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

  it('with --wall, also opens the kiosk wall on the second display, trusted as a viewer', async () => {
    fakes.lock = true;
    const argv = process.argv;
    process.argv = [...argv, '--wall'];
    try {
      await import('./main.ts');
      await vi.waitFor(() => expect(fakes.windows).toHaveLength(2));
    } finally {
      process.argv = argv;
    }
    expect(fakes.windows[1]).toMatchObject({ kiosk: true, x: 1920, webPreferences: { sandbox: true, contextIsolation: true } });
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

  it('shows a desktop notification when the core raises an alert, unless the setting turns them off', async () => {
    fakes.lock = true;
    await import('./main.ts');
    const core = await fakes.createCore.mock.results[0]!.value as ReturnType<typeof fakeCore>;
    await vi.waitFor(() => expect(core.listeners.has('alerts.changed')).toBe(true));
    core.listeners.get('alerts.changed')!({ seq: 1, changed: [alert], removed: [] });
    expect(fakes.notifications).toEqual([{ options: { title: 'Critical: EHRDB01', body: 'Replication health is Critical.', urgency: 'critical' }, shown: 1 }]);
    core.listeners.get('settings.changed')!({ theme: 'system', rtoTargetMinutes: 60, desktopNotifications: false, lab: { seed: 1, vmCount: 10 } });
    core.listeners.get('alerts.changed')!({ seq: 2, changed: [{ ...alert, id: 'a2', vmName: 'PACS01' }], removed: [] });
    expect(fakes.notifications).toHaveLength(1);
  });
});
