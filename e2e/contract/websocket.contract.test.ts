import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../shared/contract/client.ts';
import { ContractError } from '../../shared/contract/errors.ts';
import type { ConnectionState } from '../../shared/contract/transport.ts';
import { createCore, type Core } from '../../electron/core/core.ts';
import { memoryPorts, memorySettings, silentLogger } from '../../electron/core/testing/memory-ports.ts';
import { startServer, type RunningServer } from '../../electron/server/server.ts';
import { createWebSocketTransport } from '../../renderer/transport/websocket-transport.ts';
import { contractSuite, errorPolicySuite } from './contract-suite.ts';

const LAB = { theme: 'system', rtoTargetMinutes: 60, lab: { seed: 11, vmCount: 60 } };
const tokens = { operator: 'operator-token', viewer: 'viewer-token' };

async function serve(given?: Core): Promise<{ core: Core; server: RunningServer }> {
  const staticDir = mkdtempSync(join(tmpdir(), 'standby-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  const core = given ?? await createCore(memoryPorts({ settings: memorySettings(LAB) }), { patchBatchMs: 50 });
  const server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir, tokens, logger: silentLogger() });
  return { core, server };
}

async function overWebSocket(given?: Core) {
  const { core, server } = await serve(given);
  const transport = createWebSocketTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=${tokens.operator}` });
  return {
    transport,
    async close() { transport.close(); await server.close(); await core.dispose(); },
  };
}

contractSuite('WebSocket (browser server)', () => overWebSocket());

errorPolicySuite('WebSocket (browser server)', (core) => overWebSocket(core));

describe('WebSocket-only behaviour', () => {
  let core: Core;
  let server: RunningServer;
  beforeAll(async () => ({ core, server } = await serve()));
  afterAll(async () => { await server.close(); await core.dispose(); });

  it('a viewer link reads the estate but is refused every operate channel', async () => {
    const transport = createWebSocketTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=${tokens.viewer}` });
    const client = createClient(transport);
    expect((await client.request('session.info', {})).role).toBe('viewer');
    expect(Object.keys((await client.request('estate.snapshot', {})).vms).length).toBeGreaterThan(0);
    const error = await client.request('settings.update', { theme: 'dark' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect((error as ContractError).code).toBe('forbidden');
    transport.close();
  });

  it('a wrong token ends in the unauthorized state, not in endless retries', async () => {
    const transport = createWebSocketTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=wrong` });
    const states: ConnectionState[] = [];
    transport.onStateChange((s) => states.push(s));
    const deadline = Date.now() + 5000;
    while (!states.includes('unauthorized') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(states).toContain('unauthorized');
    transport.close();
  });
});
