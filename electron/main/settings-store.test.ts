import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Conf from 'conf';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSettingsStore } from './settings-store.ts';

// conf is the class electron-store extends (same file, same parsing); electron-store itself needs
// the Electron runtime, which tests do not have.
let dir: string;
const logger = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
const now = () => new Date('2026-11-25T10:15:30.123Z');
const open = ({ name, cwd }: { name: string; cwd: string }) => new Conf<Record<string, unknown>>({ configName: name, cwd });
const file = () => path.join(dir, 'settings.json');
const kept = () => fs.readdirSync(dir).filter((name) => name.startsWith('settings.corrupt-'));

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standby-settings-'));
  logger.warn.mockClear();
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('settings store', () => {
  it('reads nothing when no file exists, then stores what it is given', () => {
    const settings = createSettingsStore({ dir, open, logger, now });
    expect(settings.read()).toBeUndefined();
    settings.write({ theme: 'dark', rtoTargetMinutes: 30 });
    expect(JSON.parse(fs.readFileSync(file(), 'utf8'))).toEqual({ theme: 'dark', rtoTargetMinutes: 30 });
    expect(settings.read()).toEqual({ theme: 'dark', rtoTargetMinutes: 30 });
  });

  it('reads an existing file as it is', () => {
    fs.writeFileSync(file(), JSON.stringify({ theme: 'light' }));
    expect(createSettingsStore({ dir, open, logger, now }).read()).toEqual({ theme: 'light' });
  });

  it('keeps a corrupt file aside with its contents and starts from defaults', () => {
    fs.writeFileSync(file(), '{ "theme": "dark", ');
    const settings = createSettingsStore({ dir, open, logger, now });
    expect(kept()).toEqual(['settings.corrupt-2026-11-25T10-15-30-123Z.json']);
    expect(fs.readFileSync(path.join(dir, kept()[0]!), 'utf8')).toBe('{ "theme": "dark", ');
    expect(settings.read()).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(expect.stringContaining('damaged file was kept'), expect.objectContaining({ keptAs: path.join(dir, kept()[0]!) }));
    settings.write({ theme: 'light' });
    expect(JSON.parse(fs.readFileSync(file(), 'utf8'))).toEqual({ theme: 'light' });
    expect(kept()).toHaveLength(1);
  });

  it('keeps aside valid JSON that is not an object, which electron-store would read as {} and overwrite', () => {
    fs.writeFileSync(file(), '["not", "settings"]');
    createSettingsStore({ dir, open, logger, now });
    expect(kept()).toHaveLength(1);
    expect(fs.existsSync(file())).toBe(false);
  });

  it('keeps aside a file damaged while the console runs', () => {
    const settings = createSettingsStore({ dir, open, logger, now });
    settings.write({ theme: 'dark' });
    fs.writeFileSync(file(), 'theme = dark');
    expect(settings.read()).toBeUndefined();
    expect(kept()).toHaveLength(1);
  });
});
