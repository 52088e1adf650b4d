import { mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../shared/contract/errors.ts';
import { createCore } from './core.ts';
import { memoryPorts, memorySettings, silentLogger } from './testing/memory-ports.ts';

const operator = { role: 'operator' as const, actor: 'test' };
const viewer = { role: 'viewer' as const, actor: 'wall' };

async function rejection(promise: Promise<unknown>): Promise<ContractError> {
  try {
    await promise;
  } catch (error) {
    return error as ContractError;
  }
  throw new Error('expected a rejection');
}

describe('createCore', () => {
  it('serves the lab estate by default, seeded from settings', async () => {
    const core = await createCore(memoryPorts({ settings: memorySettings({ theme: 'dark', rtoTargetMinutes: 60, lab: { seed: 42, vmCount: 50 } }) }));
    const snapshot = (await core.handle('estate.snapshot', {}, viewer)) as { backend: { seed: number }; vms: Record<string, { siteId: string }> };
    expect(snapshot.backend.seed).toBe(42);
    expect(Object.values(snapshot.vms).filter((v) => v.siteId === 'site-pri')).toHaveLength(50);
    await core.dispose();
  });

  it('refuses unknown channels, malformed requests and viewers on operate channels, with codes and places', async () => {
    const core = await createCore(memoryPorts());
    expect((await rejection(core.handle('estate.delete', {}, operator))).code).toBe('unknown-channel');
    const bad = await rejection(core.handle('settings.update', { rtoTargetMinutes: -5 }, operator));
    expect(bad.code).toBe('bad-request');
    expect(bad.where).toBe('rtoTargetMinutes');
    const extra = await rejection(core.handle('settings.update', { colour: 'pink' }, operator));
    expect(extra.code).toBe('bad-request');
    const forbidden = await rejection(core.handle('settings.update', { theme: 'dark' }, viewer));
    expect(forbidden.code).toBe('forbidden');
    expect(forbidden.message).toMatch(/read-only/);
    // A signer may give a drill sign-off (attest) and nothing that changes the estate; a viewer neither.
    const signer = { role: 'signer' as const, actor: 'A. Nurse' };
    const asSigner = await rejection(core.handle('settings.update', { theme: 'dark' }, signer));
    expect(asSigner).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/as a signer \(drill sign-offs only\)/) });
    const signOff = { runId: 'no-such-run', application: 'EHR', verdict: 'verified' };
    expect((await rejection(core.handle('recovery.signOff', signOff, signer))).code).not.toBe('forbidden');
    expect(await rejection(core.handle('recovery.signOff', signOff, viewer))).toMatchObject({ code: 'forbidden', message: expect.stringMatching(/records a sign-off/) });
    await core.dispose();
  });

  it('stores a settings change and tells every subscriber', async () => {
    const settings = memorySettings();
    const core = await createCore(memoryPorts({ settings }));
    const seen: unknown[] = [];
    core.subscribe('settings.changed', (s) => seen.push(s.theme));
    const stored = (await core.handle('settings.update', { theme: 'dark' }, operator)) as { theme: string };
    expect(stored.theme).toBe('dark');
    expect((settings.stored as { theme: string }).theme).toBe('dark');
    expect(seen).toEqual(['dark']);
    await core.dispose();
  });

  it('fails a settings change the store cannot save, with a sentence, and keeps the old settings', async () => {
    const settings = memorySettings();
    const core = await createCore(memoryPorts({ settings }));
    settings.write = () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); };
    const failed = await rejection(core.handle('settings.update', { theme: 'dark' }, operator));
    expect(failed.message).toMatch(/^Could not save the settings: the disk is full/);
    expect(((await core.handle('settings.get', {}, operator)) as { theme: string }).theme).not.toBe('dark');
    await core.dispose();
  });

  it('fails a settings change whose audit record cannot be saved, with a sentence, and announces nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'standby-test-'));
    mkdirSync(join(dataDir, 'audit'));
    symlinkSync('/dev/full', join(dataDir, 'audit', 'audit.jsonl')); // every write: ENOSPC
    const core = await createCore(memoryPorts({ dataDir }));
    const seen: unknown[] = [];
    core.subscribe('settings.changed', (s) => seen.push(s.theme));
    const failed = await rejection(core.handle('settings.update', { theme: 'dark' }, operator));
    expect(failed).toBeInstanceOf(ContractError);
    expect(failed.message).toMatch(/^Could not save the audit log: the disk is full/);
    expect(seen).toEqual([]);
    await core.dispose().catch(() => {});
  });

  it('keeps the valid part of damaged stored settings and says so', async () => {
    const logger = silentLogger();
    const core = await createCore(memoryPorts({ logger, settings: memorySettings({ theme: 'dark', rtoTargetMinutes: 'soon', lab: { seed: 9, vmCount: 40 } }) }));
    const settings = (await core.handle('settings.get', {}, operator)) as { theme: string; rtoTargetMinutes: number; lab: { seed: number } };
    expect(settings.theme).toBe('dark');
    expect(settings.lab.seed).toBe(9);
    expect(settings.rtoTargetMinutes).toBe(60);
    expect(logger.lines.some((l) => l.includes('rtoTargetMinutes'))).toBe(true);
    await core.dispose();
  });

  it('streams estate patches to subscribers', async () => {
    const core = await createCore(memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 1, vmCount: 20 } }) }), { patchBatchMs: 10 });
    const batch = await new Promise<{ seq: number }>((resolve) => { core.subscribe('estate.patches', resolve); });
    expect(batch.seq).toBeGreaterThan(0);
    await core.dispose();
  });
});

describe('audit of console-level changes', () => {
  it('records who injected and cleared a lab fault and who changed settings', async () => {
    const ports = memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 2, vmCount: 20 } }) });
    const core = await createCore(ports);
    const fault = (await core.handle('lab.injectFault', { kind: 'wan-cut', link: 'primary-dr' }, { role: 'operator', actor: 'instructor' })) as { id: string };
    await core.handle('lab.clearFault', { faultId: fault.id }, { role: 'operator', actor: 'instructor' });
    await expect(core.handle('lab.clearFault', { faultId: 'nope' }, { role: 'operator', actor: 'instructor' })).rejects.toBeInstanceOf(ContractError);
    await core.handle('settings.update', { theme: 'dark' }, { role: 'operator', actor: 'alice' });
    await core.dispose();
    const entries = readFileSync(join(ports.dataDir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { actor: string; action: string; result: string });
    expect(entries.map((e) => [e.actor, e.action, e.result])).toEqual([
      ['instructor', 'Inject lab fault wan-cut', 'ok'],
      ['instructor', 'Clear lab fault', 'ok'],
      ['instructor', 'Clear lab fault', 'error'],
      ['alice', 'Change settings', 'ok'],
    ]);
  });
});
