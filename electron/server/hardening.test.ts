import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_PLAN_FILE_CHARS } from '../../shared/contract/limits.ts';
import { createCore, type Core } from '../core/core.ts';
import { memoryPorts, memorySettings, silentLogger } from '../core/testing/memory-ports.ts';
import { pinnedTokenProblem } from './access-tokens.ts';
import { CONNECTION_LIMITS } from './connection-limits.ts';
import { SECURITY_HEADERS } from './request-guard.ts';
import { rawWsClient } from '../core/testing/raw-ws-client.ts';
import { startServer, type RunningServer } from './server.ts';
import { createTokenThrottle } from './token-throttle.ts';

const tokens = { operator: 'op-token-123', viewer: null };
let core: Core;
let staticDir: string;
const servers: RunningServer[] = [];
const logger = silentLogger();

async function serve(extra: Partial<Parameters<typeof startServer>[0]> = {}): Promise<RunningServer> {
  const server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir, tokens, logger, ...extra });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  staticDir = mkdtempSync(join(tmpdir(), 'standby-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Standby</title>');
  mkdirSync(join(staticDir, 'assets'));
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  core = await createCore(memoryPorts({ settings: memorySettings({ lab: { seed: 1, vmCount: 20 } }) }));
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await core.dispose();
});

/** A raw HTTP request: fetch will not send a Host of our choosing. */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => { body += chunk.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function expectSecurityHeaders(headers: Record<string, string | string[] | undefined>): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(headers[name.toLowerCase()], name).toBe(value);
}

/** Opens a socket with the given headers; resolves with the first thing that happens to it. */
function openSocket(port: number, query: string, headers: Record<string, string> = {}): Promise<{ opened: boolean; status?: number; close?: { code: number; reason: string }; socket: WebSocket }> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/ws${query}`, { headers });
  return new Promise((resolve) => {
    socket.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode!, socket }));
    socket.on('close', (code, reason) => resolve({ opened: false, close: { code, reason: reason.toString() }, socket }));
    socket.on('message', () => resolve({ opened: true, socket }));
    socket.on('error', () => {});
  });
}

describe('HTTP answers', () => {
  it('all carry the security headers, a malformed URL gets 400 and a foreign Host 403', async () => {
    const { port } = await serve();
    const cases = [
      [await get(port, '/'), 200], [await get(port, '/assets/app.js'), 200], [await get(port, '/', {}, 'POST'), 405],
      [await get(port, '/%E0%A4%A'), 400], [await get(port, '/', { Host: 'attacker.example:80' }), 403],
      [await get(port, '/', { Origin: 'http://attacker.example' }), 403],
    ] as const;
    for (const [res, status] of cases) {
      expect(res.status).toBe(status);
      expectSecurityHeaders(res.headers);
    }
    expect(cases[3][0].body).toMatch(/not a valid URL/);
    expect(cases[4][0].body).toMatch(/Host "attacker\.example:80" is not a name of this console/);
  });
});

describe('the WebSocket', () => {
  it('refuses a page from another origin, and a rebound DNS name, even with the right token', async () => {
    const { port } = await serve({ allowedHosts: ['standby.corp.example'] });
    const token = `?token=${tokens.operator}`;
    expect(await openSocket(port, token, { Origin: 'http://attacker.example' })).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket(port, token, { Origin: `http://127.0.0.1:${port + 1}` })).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket(port, token, { Host: `attacker.example:${port}`, Origin: `http://attacker.example:${port}` })).toMatchObject({ opened: false, status: 403 });
    expect(await openSocket(port, token, { Origin: `http://127.0.0.1:${port}` })).toMatchObject({ opened: true });
    expect(await openSocket(port, token, { Host: `localhost:${port}`, Origin: `http://localhost:${port}` })).toMatchObject({ opened: true });
    expect(await openSocket(port, token, { Host: `standby.corp.example:${port}`, Origin: `http://standby.corp.example:${port}` })).toMatchObject({ opened: true });
    expect(await openSocket(port, '/%E0%A4%A')).toMatchObject({ opened: false, status: 400 });
  });

  it('throttles wrong tokens: after the limit even the right one must wait', async () => {
    const { port } = await serve({ throttle: createTokenThrottle({ maxFailures: 3, windowMs: 60_000 }) });
    for (let i = 0; i < 3; i++) expect((await openSocket(port, '?token=guess')).close).toMatchObject({ code: 4401, reason: 'Missing or wrong access token' });
    expect((await openSocket(port, `?token=${tokens.operator}`)).close).toMatchObject({ code: 4401, reason: expect.stringMatching(/^Too many wrong access tokens; try again in \d+ s$/) });
  });

  it('refuses requests beyond the in-flight limit with an answer, and answers every one', async () => {
    const { port } = await serve({ limits: { ...CONNECTION_LIMITS, maxInFlight: 2 } });
    const { socket } = await openSocket(port, `?token=${tokens.operator}`);
    const answers: { id: number; ok: boolean; error?: { message: string } }[] = [];
    socket.on('message', (data) => { const f = JSON.parse(data.toString()) as { t: string }; if (f.t === 'res') answers.push(f as never); });
    for (let id = 1; id <= 30; id++) socket.send(JSON.stringify({ t: 'req', id, ch: 'plans.list', body: {} }));
    await until(() => answers.length === 30);
    expect(answers.filter((a) => a.ok).length).toBeGreaterThanOrEqual(2);
    expect(answers.filter((a) => !a.ok).map((a) => a.error!.message)).toContain('2 requests of this connection are still being answered; wait for them before sending more.');
    socket.close();
  });

  it('closes a client that does not read before it holds more than the limit', async () => {
    const { port } = await serve({ limits: { ...CONNECTION_LIMITS, hardBufferedBytes: 256 * 1024 } });
    const reader = await rawWsClient(port, `/ws?token=${tokens.operator}`);
    reader.stopReading(); // a frozen tab: nothing it is sent is read
    // Past what the kernel's socket buffers absorb on loopback (up to tens of MB), the server holds the rest.
    for (let id = 1; id <= 12_000; id++) reader.send(JSON.stringify({ t: 'req', id, ch: 'estate.snapshot', body: {} }));
    await until(() => logger.lines.some((l) => /Closing a connection that would hold \d+ bytes it does not read \(limit 262144\)/.test(l)), 20_000);
    reader.socket.destroy();
  }, 40_000);

  it('closes a peer that stopped answering pings', async () => {
    const { port } = await serve({ limits: { ...CONNECTION_LIMITS, pingMs: 200 } });
    const peer = await rawWsClient(port, `/ws?token=${tokens.operator}`);
    peer.stopReading(); // the pings are not read, so no pong comes back
    await until(() => logger.lines.some((l) => /stopped answering pings/.test(l)), 10_000);
  });

  it('takes a plan import as large as the schema allows, so the two limits agree', async () => {
    const { port } = await serve();
    const { socket } = await openSocket(port, `?token=${tokens.operator}`);
    const answer = new Promise<{ ok: boolean; error?: { code: string; message: string } }>((resolve) => socket.on('message', (data) => {
      const f = JSON.parse(data.toString()) as { t: string; id: number };
      if (f.t === 'res' && f.id === 7) resolve(f as never);
    }));
    // The worst case for the frame: every character a control character, six bytes once encoded.
    socket.send(JSON.stringify({ t: 'req', id: 7, ch: 'plans.import', body: { fileName: 'big.json', text: '\u0001'.repeat(MAX_PLAN_FILE_CHARS) } }));
    expect(await answer).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/^big\.json: not valid JSON/) } });
    socket.close();
  }, 30_000);
});

describe('names a person types back', () => {
  it('refuse control characters', async () => {
    for (const name of ['Full\nsite', 'Tab\there', 'nul\u0000']) {
      await expect(core.handle('plans.create', { plan: { name, groups: [] } }, { role: 'operator', actor: 't' })).rejects.toMatchObject({ code: 'bad-request', where: 'plan.name' });
    }
  });
});

describe('a pinned token', () => {
  it('is refused under 128 bits, and a random one passes', () => {
    expect(pinnedTokenProblem('STANDBY_TOKEN', 'password123')).toMatch(/^STANDBY_TOKEN is too weak to guard the console \(about \d+ bits; at least 128/);
    expect(pinnedTokenProblem('STANDBY_TOKEN', randomBytes(8).toString('hex'))).not.toBeNull();
    expect(pinnedTokenProblem('STANDBY_TOKEN', 'a'.repeat(60))).not.toBeNull();
    expect(pinnedTokenProblem('STANDBY_TOKEN', randomBytes(16).toString('hex'))).toBeNull();
    expect(pinnedTokenProblem('STANDBY_TOKEN', randomBytes(24).toString('base64url'))).toBeNull();
  });
});

async function until(fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

