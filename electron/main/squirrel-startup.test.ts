import { describe, expect, it, vi } from 'vitest';
import { handleSquirrelEvent } from './squirrel-startup.ts';

const execPath = 'C:\\Users\\alice\\AppData\\Local\\standby\\app-0.1.0\\standby.exe';

describe('Squirrel installer events', () => {
  it('creates shortcuts on install and quits', () => {
    const runUpdate = vi.fn();
    expect(handleSquirrelEvent(['standby.exe', '--squirrel-install', '0.1.0'], { platform: 'win32', execPath, runUpdate })).toBe(true);
    expect(runUpdate).toHaveBeenCalledWith(['--createShortcut=standby.exe']);
  });

  it('removes shortcuts on uninstall', () => {
    const runUpdate = vi.fn();
    expect(handleSquirrelEvent(['standby.exe', '--squirrel-uninstall'], { platform: 'win32', execPath, runUpdate })).toBe(true);
    expect(runUpdate).toHaveBeenCalledWith(['--removeShortcut=standby.exe']);
  });

  it('is a normal start otherwise, and on other platforms', () => {
    const runUpdate = vi.fn();
    expect(handleSquirrelEvent(['standby.exe'], { platform: 'win32', execPath, runUpdate })).toBe(false);
    expect(handleSquirrelEvent(['electron', '--squirrel-install'], { platform: 'linux', execPath, runUpdate })).toBe(false);
    expect(runUpdate).not.toHaveBeenCalled();
  });
});
