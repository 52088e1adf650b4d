import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../core/core.ts';
import { memoryPorts, memorySettings, silentLogger } from '../core/testing/memory-ports.ts';
import { createConfSettings } from './conf-settings.ts';
import { startServer, type RunningServer } from './server.ts';
import { estateSnapshotWire } from '../../shared/contract/channels.ts';
import type { EstateSnapshot, PatchBatch } from '../../shared/model/estate.ts';
import { applyBatches } from '../../shared/model/apply-patches.ts';

let core: Core;
let server: RunningServer;
const tokens = { operator: 'op-token-123', viewer: 'viewer-token-456' };
let staticDir: string;

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'standby-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Standby</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(staticDir, '..', 'secret.txt'), 'do not serve');
  core = await createCore(memoryPorts({ settings: memorySettings({ theme: 'system', rtoTargetMinutes: 60, lab: { seed: 1, vmCount: 20 } }) }));
  server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir, tokens, logger: silentLogger() });
});
afterAll(async () => {
  await server.close();
  await core.dispose();
});

interface Conversation { frames: Record<string, unknown>[]; closed: Promise<{ code: number; reason: string }>; socket: WebSocket }
function connect(token: string | null): Promise<Conversation> {
  const url = `ws://127.0.0.1:${server.port}/ws${token === null ? '' : `?token=${token}`}`;
  const socket = new WebSocket(url);
  const frames: Record<string, unknown>[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  return new Promise((resolve, reject) => {
    socket.on('open', () => resolve({ frames, closed, socket }));
    socket.on('error', reject);
  });
}
async function until<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const response = (c: Conversation, id: number) => until(() => c.frames.find((f) => f.t === 'res' && f.id === id));

describe('browser server', () => {
  it('closes a connection without a token, or with a wrong one, with code 4401', async () => {
    for (const token of [null, 'nope', tokens.operator + 'x']) {
      const c = await connect(token);
      expect((await c.closed).code).toBe(4401);
      expect(c.frames).toEqual([]);
    }
  });

  it('greets with the role the token grants and answers requests', async () => {
    const c = await connect(tokens.operator);
    await until(() => c.frames.find((f) => f.t === 'hello'));
    expect(c.frames[0]).toMatchObject({ t: 'hello', role: 'operator' });
    c.socket.send(JSON.stringify({ t: 'req', id: 1, ch: 'estate.snapshot', body: {} }));
    const res = await response(c, 1);
    expect(res.ok).toBe(true);
    // Sent in the channel's compact form; decoded, it is the snapshot.
    const snapshot = estateSnapshotWire.decode(res.body) as EstateSnapshot;
    expect(Object.keys(snapshot.sites)).toHaveLength(3);
    c.socket.close();
  });

  it('refuses a viewer on an operate channel, in the server, and leaves settings unchanged', async () => {
    const c = await connect(tokens.viewer);
    c.socket.send(JSON.stringify({ t: 'req', id: 7, ch: 'settings.update', body: { theme: 'dark' } }));
    const res = await response(c, 7);
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    c.socket.send(JSON.stringify({ t: 'req', id: 8, ch: 'settings.get', body: {} }));
    expect(((await response(c, 8)).body as { theme: string }).theme).toBe('system');
    c.socket.close();
  });

  it('answers malformed requests with what was wrong instead of dropping the connection', async () => {
    const c = await connect(tokens.operator);
    c.socket.send('{not json');
    c.socket.send(JSON.stringify({ t: 'req', id: 3, ch: 'settings.update', body: { rtoTargetMinutes: 'an hour' } }));
    const res = await response(c, 3);
    expect(res).toMatchObject({ ok: false, error: { code: 'bad-request', where: 'rtoTargetMinutes' } });
    c.socket.send(JSON.stringify({ t: 'req', id: 4, ch: 'no.such', body: {} }));
    expect(await response(c, 4)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(c.socket.readyState).toBe(WebSocket.OPEN);
    c.socket.close();
  });

  it('reports a snapshot its wire form refuses as a failed request, and keeps serving', async () => {
    const broken = { ...core, handle: async (ch: string, body: unknown, ctx: never) => (ch === 'estate.snapshot' ? { seq: 1 } : core.handle(ch, body, ctx)) } as Core;
    const other = await startServer({ core: broken, host: '127.0.0.1', port: 0, staticDir, tokens, logger: silentLogger() });
    try {
      const socket = new WebSocket(`ws://127.0.0.1:${other.port}/ws?token=${tokens.operator}`);
      const frames: Record<string, unknown>[] = [];
      socket.on('message', (data) => frames.push(JSON.parse(data.toString())));
      await new Promise((resolve) => socket.on('open', resolve));
      socket.send(JSON.stringify({ t: 'req', id: 1, ch: 'estate.snapshot', body: {} }));
      socket.send(JSON.stringify({ t: 'req', id: 2, ch: 'settings.get', body: {} }));
      expect(await until(() => frames.find((f) => f.id === 1))).toMatchObject({ ok: false, error: { code: 'internal' } });
      expect(await until(() => frames.find((f) => f.id === 2))).toMatchObject({ ok: true });
      socket.close();
    } finally {
      await other.close();
    }
  });

  it('forwards stream events after a subscription and stops after unsubscribe', async () => {
    const c = await connect(tokens.operator);
    c.socket.send(JSON.stringify({ t: 'sub', stream: 'settings.changed' }));
    await new Promise((r) => setTimeout(r, 50));
    await core.handle('settings.update', { rtoTargetMinutes: 45 }, { role: 'operator', actor: 't' });
    const evt = await until(() => c.frames.find((f) => f.t === 'evt' && f.stream === 'settings.changed'));
    expect((evt.body as { rtoTargetMinutes: number }).rtoTargetMinutes).toBe(45);
    c.socket.close();
  });

  it('paces the estate for a subscriber that asks (everyMs): fewer batches, and the same estate once applied', async () => {
    const c = await connect(tokens.operator);
    const start = (await core.handle('estate.snapshot', {}, { role: 'operator', actor: 't' })) as EstateSnapshot;
    c.socket.send(JSON.stringify({ t: 'sub', stream: 'estate.patches', everyMs: 1_000 }));
    const plain = await connect(tokens.operator);
    plain.socket.send(JSON.stringify({ t: 'sub', stream: 'estate.patches' }));
    await new Promise((r) => setTimeout(r, 50));
    await core.handle('lab.setSpeed', { speed: 600 }, { role: 'operator', actor: 't' });
    await new Promise((r) => setTimeout(r, 2_600));
    await core.handle('lab.setSpeed', { speed: 'pause' }, { role: 'operator', actor: 't' });
    await new Promise((r) => setTimeout(r, 1_200));
    const batches = (f: Conversation) => f.frames.filter((x) => x.t === 'evt' && x.stream === 'estate.patches').map((x) => x.body as PatchBatch);
    expect(batches(plain).length).toBeGreaterThanOrEqual(8);
    expect(batches(c).length).toBeLessThanOrEqual(4);
    const end = (await core.handle('estate.snapshot', {}, { role: 'operator', actor: 't' })) as EstateSnapshot;
    const applied = applyBatches(start, batches(c));
    expect(applied.seq).toBe(end.seq);
    expect(applied.vms).toEqual(end.vms);
    c.socket.close();
    plain.socket.close();
  });

  it('refuses a pace outside 250 ms to 60 s with what was wrong', async () => {
    const c = await connect(tokens.operator);
    c.socket.send(JSON.stringify({ t: 'sub', stream: 'estate.patches', everyMs: 5 }));
    c.socket.send(JSON.stringify({ t: 'req', id: 1, ch: 'session.info', body: {} }));
    expect((await response(c, 1)).ok).toBe(true);
    expect(c.frames.some((f) => f.t === 'evt')).toBe(false);
    c.socket.close();
  });

  it('serves the renderer with a CSP, falls back to index.html, and never serves outside its folder', async () => {
    const index = await fetch(`${server.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await (await fetch(`${server.origin}/assets/app.js`)).text()).toBe('console.log(1)');
    expect(await (await fetch(`${server.origin}/topology/deep/link`)).text()).toContain('<title>Standby</title>');
    const escape = await fetch(`${server.origin}/..%2fsecret.txt`);
    expect(await escape.text()).not.toContain('do not serve');
  });
});

describe('conf settings port', () => {
  it('keeps a corrupt settings file aside and starts from nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-conf-'));
    writeFileSync(join(dir, 'settings.json'), '{"theme": "dark",');
    const logger = silentLogger();
    const port = createConfSettings(dir, logger);
    expect(port.read()).toEqual({});
    const kept = readdirSync(dir).find((f) => f.startsWith('settings.corrupt-'));
    expect(kept).toBeDefined();
    expect(readFileSync(join(dir, kept!), 'utf8')).toBe('{"theme": "dark",');
    expect(logger.lines.join('\n')).toContain('could not be read');
    port.write({ theme: 'light' });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toEqual({ theme: 'light' });
  });
});
