import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, vi } from 'vitest';
import { createCore } from '../../electron/core/core.ts';
import { PWSH, PWSH_MISSING } from '../../electron/core/testing/powershell-double/real-pwsh.ts';
import { startEmulatedBackend } from '../../electron/core/testing/hyperv-emulation/emulated-backend.ts';
import { memoryPorts, silentLogger } from '../../electron/core/testing/memory-ports.ts';
import { startServer } from '../../electron/server/server.ts';
import { createWebSocketTransport } from '../../renderer/transport/websocket-transport.ts';
import { contractSuite } from './contract-suite.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const tokens = { operator: 'operator-token', viewer: 'viewer-token' };

/**
 * The contract with the core on the PowerShell backend in real PowerShell: node-powershell runs pwsh,
 * session.ps1 holds PSSessions over SSH to one loopback address per node, and the host scripts run
 * there against the Hyper-V / FailoverClusters emulation over the same lab estate (seed 11, 60 VMs).
 */
if (PWSH) {
  contractSuite('WebSocket, core on PowerShell in real pwsh over SSH to the cmdlet emulation', async () => {
    const emulated = await startEmulatedBackend({ seed: 11, vmCount: 60, refreshMs: 1000, time: 'live', hostsPerCluster: 1 });
    const staticDir = mkdtempSync(join(tmpdir(), 'standby-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html>');
    const core = await createCore(memoryPorts(), { source: emulated.backend, patchBatchMs: 50 });
    const server = await startServer({ core, host: '127.0.0.1', port: 0, staticDir, tokens, logger: silentLogger() });
    const transport = createWebSocketTransport({ url: `ws://127.0.0.1:${server.port}/ws?token=${tokens.operator}` });
    return {
      transport,
      async close() { transport.close(); await server.close(); await core.dispose(); await emulated.dispose(); },
    };
  }, { backend: 'powershell', patchWithinMs: 60_000 });
} else {
  describe.skip(`contract on real PowerShell (${PWSH_MISSING})`, () => {});
}
