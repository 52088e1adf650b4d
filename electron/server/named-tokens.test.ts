import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../core/core.ts';
import { memoryPorts, memorySettings, silentLogger } from '../core/testing/memory-ports.ts';
import { startServer, type RunningServer } from './server.ts';
import { runTokenCommand } from './token-command.ts';
import { tokenFile, TokenRegistry } from './token-registry.ts';

const issuedToken = (out: { stdout: string }) => /^ {2}(\S+)$/m.exec(out.stdout)![1]!;

describe('npm run serve -- token', () => {
  it('issues a token to a named person, keeps only its hash, lists it and revokes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-tokens-'));
    const added = runTokenCommand(['add', 'A. Nurse', '--role', 'operator', '--data-dir', dir], () => Date.UTC(2026, 11, 3, 9));
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const token = issuedToken(added);
    expect(token.length).toBeGreaterThanOrEqual(32);
    const file = readFileSync(tokenFile(dir), 'utf8');
    expect(file).not.toContain(token);
    expect(file).toContain('A. Nurse');
    expect(new TokenRegistry(tokenFile(dir)).identify(token)).toEqual({ name: 'A. Nurse', role: 'operator' });

    const list = runTokenCommand(['list', '--data-dir', dir]);
    expect(list.stdout).toMatch(/[a-f0-9]{8} {2}operator {2}live {5}2026-12-03 09:00 {2}A\. Nurse/);
    expect(runTokenCommand(['add', 'a. nurse', '--role', 'viewer', '--data-dir', dir])).toMatchObject({ code: 1, stderr: expect.stringContaining('already holds a live token') });

    expect(runTokenCommand(['revoke', 'a. NURSE', '--data-dir', dir])).toMatchObject({ code: 0 });
    expect(new TokenRegistry(tokenFile(dir)).identify(token)).toBeNull();
    expect(runTokenCommand(['list', '--data-dir', dir]).stdout).toContain('revoked');
    expect(runTokenCommand(['revoke', 'A. Nurse', '--data-dir', dir])).toMatchObject({ code: 1, stderr: expect.stringContaining('No live token') });

    // An application owner signs off drills and may do nothing else: a signer.
    const owner = runTokenCommand(['add', 'C. Owner', '--role', 'signer', '--data-dir', dir]);
    expect(owner.code).toBe(0);
    expect(new TokenRegistry(tokenFile(dir)).identify(/^ {2}(\S+)$/m.exec(owner.stdout)![1]!)).toEqual({ name: 'C. Owner', role: 'signer' });
  });

  it('refuses wrong arguments saying which, and a damaged file naming it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-tokens-'));
    expect(runTokenCommand(['add', 'B. Doctor', '--data-dir', dir])).toMatchObject({ code: 2, stderr: expect.stringContaining('needs --role') });
    expect(runTokenCommand(['add', 'B. Doctor', '--role', 'admin', '--data-dir', dir])).toMatchObject({ code: 2, stderr: expect.stringContaining('--role must be operator, signer or viewer (got "admin")') });
    expect(runTokenCommand(['add', 'B.', 'Doctor', '--role', 'viewer', '--data-dir', dir])).toMatchObject({ code: 2, stderr: expect.stringContaining('one name') });
    expect(runTokenCommand(['grant', '--data-dir', dir])).toMatchObject({ code: 2, stderr: expect.stringContaining('no command "grant"') });
    writeFileSync(tokenFile(dir), '{"version":1,"tokens":[{"id":"zz"}]}');
    expect(runTokenCommand(['list', '--data-dir', dir])).toMatchObject({ code: 1, stderr: expect.stringContaining('tokens.0.id') });
  });
});

describe('browser server with issued tokens', () => {
  let core: Core;
  let server: RunningServer;
  let dataDir: string;
  const tokens = { operator: 'op-token-123', viewer: null };
  let registry: TokenRegistry;

  beforeAll(async () => {
    const ports = memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 1, vmCount: 20 } }) });
    dataDir = ports.dataDir;
    core = await createCore(ports);
    registry = new TokenRegistry(tokenFile(dataDir));
    server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir: dataDir, tokens: { ...tokens, issued: registry }, logger: silentLogger() });
  });
  afterAll(async () => {
    await server.close();
    await core.dispose();
  });

  /** Opens a connection, sends one request, answers its response frame (or the close when refused). */
  async function ask(token: string, ch: string, body: unknown): Promise<{ hello?: Record<string, unknown>; res?: Record<string, unknown>; closed?: number }> {
    const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(token)}`);
    const frames: Record<string, unknown>[] = [];
    return new Promise((resolve, reject) => {
      socket.on('message', (data) => {
        const frame = JSON.parse(data.toString()) as Record<string, unknown>;
        frames.push(frame);
        if (frame.t === 'hello') socket.send(JSON.stringify({ t: 'req', id: 1, ch, body }));
        if (frame.t === 'res') { socket.close(); resolve({ hello: frames[0]!, res: frame }); }
      });
      socket.on('close', (code) => { if (code !== 1005 && code !== 1000) resolve({ closed: code }); });
      socket.on('error', reject);
    });
  }

  it('records the holder\'s name in the audit log and answers it in session.info; the start-up token stays unnamed', async () => {
    const { token } = registry.add('A. Nurse', 'operator');
    const viewer = registry.add('C. Clerk', 'viewer');
    const info = await ask(token, 'session.info', {});
    expect(info.hello).toMatchObject({ role: 'operator' });
    expect(info.res).toMatchObject({ ok: true, body: { role: 'operator', actor: 'A. Nurse' } });
    expect(await ask(token, 'settings.update', { theme: 'dark' })).toMatchObject({ res: { ok: true } });
    expect(await ask(viewer.token, 'settings.update', { theme: 'light' })).toMatchObject({ res: { ok: false, error: { code: 'forbidden' } } });
    expect(await ask(tokens.operator, 'session.info', {})).toMatchObject({ res: { body: { actor: 'operator token, browser 127.0.0.1' } } });
    const audit = readFileSync(join(dataDir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { actor: string; action: string });
    expect(audit.filter((e) => e.action === 'Change settings').map((e) => e.actor)).toEqual(['A. Nurse']);
  });

  it('refuses a revoked token on the next connection and closes the ones it has open, without a restart', async () => {
    const { token } = registry.add('D. Locum', 'operator');
    expect(await ask(token, 'session.info', {})).toMatchObject({ res: { ok: true } });
    const open = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(token)}`);
    const closed = new Promise<{ code: number; reason: string }>((resolve) => open.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    await new Promise((resolve) => open.once('message', resolve));
    runTokenCommand(['revoke', 'D. Locum', '--data-dir', dataDir]);
    expect(await closed).toEqual({ code: 4401, reason: 'Your access token was revoked' });
    expect(await ask(token, 'session.info', {})).toEqual({ closed: 4401 });
  });
});
