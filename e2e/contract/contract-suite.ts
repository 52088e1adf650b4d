import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from '../../shared/contract/client.ts';
import { ContractError } from '../../shared/contract/errors.ts';
import type { Transport } from '../../shared/contract/transport.ts';
import { applyPatches } from '../../shared/model/apply-patches.ts';
import type { PatchBatch } from '../../shared/model/estate.ts';
import type { Core } from '../../electron/core/core.ts';

export interface Harness {
  transport: Transport;
  close(): Promise<void>;
}

async function rejection(promise: Promise<unknown>): Promise<ContractError> {
  try { await promise; } catch (error) { return error as ContractError; }
  throw new Error('expected the call to be refused');
}

/**
 * The same behaviour over every transport: what the renderer can rely on whether it runs in the
 * Electron window (IPC) or in a browser (WebSocket). The core behind it is real; only the carrier differs.
 */
export function contractSuite(name: string, start: () => Promise<Harness>, expected: { backend: 'lab' | 'powershell'; patchWithinMs?: number } = { backend: 'lab' }): void {
  describe(`contract over ${name}`, () => {
    let harness: Harness;
    let client: Client;
    beforeAll(async () => {
      harness = await start();
      client = createClient(harness.transport);
    });
    afterAll(async () => { await harness.close(); });

    it(`tells who is connected, as operator, to the ${expected.backend === 'lab' ? 'lab' : 'PowerShell backend'}`, async () => {
      const info = await client.request('session.info', {});
      expect(info).toMatchObject({ role: 'operator', backend: expected.backend });
    });

    it('delivers a snapshot that matches the contract: 3 sites, the lab estate (on PowerShell: read from it by the scripts)', async () => {
      const snapshot = await client.request('estate.snapshot', {});
      expect(Object.values(snapshot.sites).map((s) => s.role).sort()).toEqual(['cloud', 'dr', 'primary']);
      expect(Object.values(snapshot.vms).filter((v) => v.siteId === 'site-pri')).toHaveLength(60);
      expect(Object.values(snapshot.hosts).every((h) => h.memoryAssignedBytes <= h.memoryBytes)).toBe(true);
    });

    it('streams patches newer than the snapshot that move the estate forward', async () => {
      const batches: PatchBatch[] = [];
      const unsubscribe = client.subscribe('estate.patches', (batch) => batches.push(batch));
      const snapshot = await client.request('estate.snapshot', {});
      // A refresh through real PowerShell (remoting round trips per cluster) takes seconds, not ms.
      const deadline = Date.now() + (expected.patchWithinMs ?? 5000);
      while (!batches.some((b) => b.seq > snapshot.seq) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      unsubscribe();
      const later = batches.filter((b) => b.seq > snapshot.seq).reduce(applyPatches, snapshot);
      expect(later.seq).toBeGreaterThan(snapshot.seq);
      expect(later.clock.now).toBeGreaterThan(snapshot.clock.now);
    });

    it('changes a setting, answers with it as stored, and announces it on settings.changed', async () => {
      const announced: string[] = [];
      const unsubscribe = client.subscribe('settings.changed', (s) => announced.push(s.theme));
      await new Promise((r) => setTimeout(r, 50));
      const stored = await client.request('settings.update', { theme: 'dark' });
      expect(stored.theme).toBe('dark');
      expect((await client.request('settings.get', {})).theme).toBe('dark');
      const deadline = Date.now() + 2000;
      while (announced.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      unsubscribe();
      expect(announced).toContain('dark');
    });

    it('refuses a request that breaks the schema with the field at fault, before it leaves the page', async () => {
      const error = await rejection(client.request('settings.update', { rtoTargetMinutes: 0 }));
      expect(error.code).toBe('bad-request');
      expect(error.where).toBe('rtoTargetMinutes');
    });

    it('refuses the same bad request when it bypasses the client (the core validates too)', async () => {
      const error = await rejection(harness.transport.request('settings.update', { rtoTargetMinutes: 'an hour' }));
      expect(error).toMatchObject({ code: 'bad-request', where: 'rtoTargetMinutes' });
    });

    it('takes a recovery point and chosen VMs only where they mean something (repoint; cancel: VMs), and passes them on to the core', async () => {
      const misplaced = await rejection(harness.transport.request('recovery.finish', { runId: 'r1', action: 'commit', policy: { kind: 'latest' } }));
      expect(misplaced).toMatchObject({ code: 'bad-request', where: 'policy' });
      const vms = await rejection(harness.transport.request('recovery.finish', { runId: 'r1', action: 'reverse', vms: ['EHRDB01'] }));
      expect(vms).toMatchObject({ code: 'bad-request', where: 'vms' });
      const unknown = await rejection(client.request('recovery.finish', { runId: 'no-such-run', action: 'repoint', policy: { kind: 'point-in-time', at: 0 }, vms: ['EHRDB01'] }));
      expect(unknown).toMatchObject({ code: 'not-found', message: expect.stringMatching(/no recovery run "no-such-run"/) });
    });

    it('refuses a channel that is not in the contract', async () => {
      const error = await rejection(harness.transport.request('estate.dropAllTables', {}));
      expect(error.code).toBe('unknown-channel');
    });
  });
}

/** A core whose handlers fail: one with a message for the operator, one with text that is nobody's business. */
export function failingCore(): Core {
  return {
    handle: (channel) => Promise.reject(channel === 'alerts.list'
      ? new ContractError('not-found', 'There is no alert list on this console.')
      : new Error('ENOENT: no such file, open C:\\Users\\alice\\AppData\\Standby\\secrets.bin')),
    subscribe: () => () => {},
    dispose: async () => {},
  };
}

/** The error policy, the same over every transport: ContractError messages pass, internal text does not. */
export function errorPolicySuite(name: string, start: (core: Core) => Promise<Harness>): void {
  describe(`error policy over ${name}`, () => {
    let harness: Harness;
    beforeAll(async () => { harness = await start(failingCore()); });
    afterAll(async () => { await harness.close(); });

    it('passes a ContractError through with its code and message', async () => {
      const error = await rejection(harness.transport.request('alerts.list', {}));
      expect(error).toMatchObject({ code: 'not-found', message: 'There is no alert list on this console.' });
    });

    it('answers any other failure inside a handler with a generic message, never its text', async () => {
      const error = await rejection(harness.transport.request('settings.get', {}));
      expect(error).toMatchObject({ code: 'internal', message: 'The console failed to handle this request; details are in its log.' });
      expect(error.message).not.toMatch(/ENOENT|secrets/);
    });
  });
}
