import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('writes JSON lines to standby.log, with errors readable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'standby-logs-'));
    const out = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
    const logger = createLogger({ logDir: dir, console: out, now: () => new Date('2026-11-25T00:00:00Z') });
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    logger.warn('settings kept aside', { keptAs: 'x.json' });
    logger.error('failed', { error: new Error('disk full'), cycle });
    logger.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const lines = fs.readFileSync(path.join(dir, 'standby.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines[0]).toEqual({ time: '2026-11-25T00:00:00.000Z', level: 'warn', message: 'settings kept aside', keptAs: 'x.json' });
    expect(lines[1]).toMatchObject({ level: 'error', error: { name: 'Error', message: 'disk full' }, cycle: { self: '[cycle]' } });
    expect(out.warn).toHaveBeenCalledTimes(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
