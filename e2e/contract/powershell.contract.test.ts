import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore } from '../../electron/core/core.ts';
import { startDoubleBackend } from '../../electron/core/testing/powershell-double/double-backend.ts';
import { memoryPorts, silentLogger } from '../../electron/core/testing/memory-ports.ts';
import { startServer } from '../../electron/server/server.ts';
import { createWebSocketTransport } from '../../renderer/transport/websocket-transport.ts';
import { contractSuite } from './contract-suite.ts';

const tokens = { operator: 'operator-token', viewer: 'viewer-token' };

/**
 * The contract with the core on the PowerShell backend: the same lab estate (seed 11, 60 VMs), read
 * by the scripts through node-powershell and the double, refreshed every second so patches flow.
 */
contractSuite('WebSocket, core on PowerShell through the double', async () => {
  const double = await startDoubleBackend({ seed: 11, vmCount: 60, refreshMs: 1000, time: 'live' });
  const staticDir = mkdtempSync(join(tmpdir(), 'standby-static-'));
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
  const core = await createCore(memoryPorts(), { source: double.backend, patchBatchMs: 50 });
  const server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir, tokens, logger: silentLogger() });
  const transport = createWebSocketTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=${tokens.operator}` });
  return {
    transport,
    async close() { transport.close(); await server.close(); await core.dispose(); await double.hub.close(); },
  };
}, { backend: 'powershell' });
