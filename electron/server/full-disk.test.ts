import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../core/core.ts';
import { memoryPorts, silentLogger } from '../core/testing/memory-ports.ts';
import { fullSitePlan } from '../core/recovery/default-plan.ts';
import { createConfSettings } from './conf-settings.ts';

/**
 * The whole console on a real, tiny filesystem that runs out of space: a tmpfs mounted for the test
 * (root only, as in CI; elsewhere the test says it was skipped). Every write path meets the real
 * kernel's ENOSPC, not a simulated one.
 */
const root = mkdtempSync(join(tmpdir(), 'standby-fulldisk-'));
const mounted = (() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', root], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
afterAll(() => { if (mounted) execFileSync('umount', ['-l', root]); });

const operator = { role: 'operator' as const, actor: 'test' };
const FULL = /the disk is full \(ENOSPC\)/;

/** Writes a filler file until the kernel says the disk is full. */
function fillDisk(): string {
  const filler = join(root, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  return filler;
}

function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp$|\.tmp-|~$/.test(f));
}

async function start(): Promise<Core> {
  const logger = silentLogger();
  mkdirSync(join(root, 'settings'), { recursive: true });
  return createCore(memoryPorts({ dataDir: join(root, 'data'), logger, settings: createConfSettings(join(root, 'settings'), logger) }));
}

describe.runIf(mounted)('the console on a disk that fills up (tmpfs)', () => {
  it('refuses every write with "the disk is full", leaves nothing half-done, keeps what was acknowledged, and works again once space is freed', { timeout: 60_000 }, async () => {
    let core = await start();
    await core.handle('settings.update', { lab: { seed: 3, vmCount: 20 } }, operator);
    await core.dispose();
    core = await start();
    const plan = await core.handle('plans.create', { plan: { ...fullSitePlan(), name: 'Kept' } }, operator) as { id: string; revision: number };
    const preflight = await core.handle('recovery.preflight', { id: 'full-site', type: 'test-failover' }, operator) as { warnings: { id: string }[] };
    const snapshot = await core.handle('estate.snapshot', {}, operator) as { hosts: Record<string, { id: string; siteId: string; state: string }> };
    const host = Object.values(snapshot.hosts).find((h) => h.siteId === 'site-pri')!;

    const filler = fillDisk();
    const refused = async (channel: string, body: unknown) => {
      await expect(core.handle(channel, body, operator), channel).rejects.toThrow(FULL);
    };
    await refused('settings.update', { theme: 'dark' });
    await refused('plans.create', { plan: { ...fullSitePlan(), name: 'Never' } });
    await refused('plans.update', { id: plan.id, expectedRevision: 1, plan: { ...fullSitePlan(), name: 'Kept', description: 'never' } });
    await refused('migration.startDrain', { hostId: host.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false });
    await refused('lab.injectFault', { kind: 'wan-cut', link: 'dr-cloud' });
    await refused('recovery.start', { id: 'full-site', type: 'test-failover', acceptedWarnings: preflight.warnings.map((w) => w.id) });
    await refused('connections.save', { profile: {
      siteId: 'site-pri', role: 'primary', name: 'Primary', location: 'here', clusters: [{ cluster: 'CL-X' }], username: '',
      timeouts: { connectMs: 10_000, commandMs: 10_000, operationMs: 30_000, keepAliveMs: 60_000 },
    } });
    // Nothing half-done: the node was not paused, no run or drain exists, no temporary file is left.
    const after = await core.handle('estate.snapshot', {}, operator) as typeof snapshot;
    expect(after.hosts[host.id]!.state).toBe('Up');
    expect((await core.handle('recovery.list', {}, operator) as { runs: unknown[] }).runs).toEqual([]);
    expect(await core.handle('migration.operations', {}, operator)).toEqual({ drains: [], rolling: [] });
    expect((await core.handle('lab.status', {}, operator) as { faults: unknown[] }).faults).toEqual([]);
    expect(leftovers(root)).toEqual([]);

    rmSync(filler);
    await core.handle('settings.update', { theme: 'dark' }, operator);
    const updated = await core.handle('plans.update', { id: plan.id, expectedRevision: 1, plan: { ...fullSitePlan(), name: 'Kept', description: 'after' } }, operator) as { revision: number };
    expect(updated.revision).toBe(2);
    await core.dispose();

    // A restart finds everything that was acknowledged, and nothing that was refused.
    core = await start();
    expect((await core.handle('plans.get', { id: plan.id }, operator) as { plan: unknown }).plan).toMatchObject({ revision: 2, description: 'after' });
    expect((await core.handle('plans.list', {}, operator) as { plans: { name: string }[] }).plans.map((p) => p.name).sort()).toEqual(['Full site', 'Kept']);
    expect((await core.handle('settings.get', {}, operator) as { theme: string }).theme).toBe('dark');
    expect((await core.handle('lab.status', {}, operator) as { faults: unknown[] }).faults).toEqual([]);
    await core.dispose();
  });
});
