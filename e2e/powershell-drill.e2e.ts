import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { LabSimulation } from '../electron/core/backends/lab/simulation.ts';
import { DoubleHub, FAKE_POWERSHELL } from '../electron/core/testing/powershell-double/double-hub.ts';
import { labDoubleEstate } from '../electron/core/testing/powershell-double/lab-double-estate.ts';
import { connectToCore } from './core-socket.ts';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';

/**
 * A full-site drill through the PowerShell backend, as an engineer would run it once the clusters are
 * connected: the server's shells reach the process-boundary double, whose hosts are a 60-VM lab
 * estate living at 60× (boots in about a second; the run's polls are the backend's real 10 s). The
 * run's wire cost (lines per site and per VM) is in its details.
 */
const START = Date.UTC(2026, 10, 25, 3);
const sim = new LabSimulation({ seed: 7, vmCount: 60, startTime: START });
const t0 = Date.now();
const hub = new DoubleHub(labDoubleEstate(sim, { live: { now: () => START + (Date.now() - t0) * 60 } }));
const SHOTS = '/tmp/shots-powershell-drill';
mkdirSync(SHOTS, { recursive: true });

let served: ServedConsole | null = null;
test.afterAll(async () => {
  await served?.stop();
  await hub.close();
});

test('a full-site drill through the PowerShell backend shows the lines it sent per VM in the run details', async ({ page }) => {
  test.setTimeout(300_000);
  await hub.listen();
  const env = { STANDBY_POWERSHELL: FAKE_POWERSHELL, STANDBY_DOUBLE_HUB: hub.path, STANDBY_DOUBLE_NODE: process.execPath };
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-e2e-psdrill-'));
  served = await serveConsole({ dataDir, env });
  let api = await connectToCore(served);
  for (const site of sim.world.sites.values()) {
    const clusters = [...sim.world.clusters.values()].filter((c) => c.siteId === site.id)
      .map((c) => ({ cluster: c.name, nodes: c.hostIds.map((id) => sim.world.hosts.get(id)!.name) }));
    await api.call('connections.save', { profile: { siteId: site.id, role: site.role, name: site.name, location: site.location, clusters, maxSessions: 4 } });
  }
  expect(await api.call('connections.setBackend', { backend: 'powershell' })).toMatchObject({ preferred: 'powershell', restartRequired: true });
  api.close();
  await served.stop();
  served = await serveConsole({ dataDir, env });
  api = await connectToCore(served);

  // The estate arrives over PowerShell (inventory of every node) before a plan can resolve on it.
  let runId: string | null = null;
  const deadline = Date.now() + 90_000;
  let last = '';
  while (runId === null && Date.now() < deadline) {
    const preflight = await api.attempt('recovery.preflight', { id: 'full-site', type: 'test-failover' });
    const report = preflight.body as { warnings: { id: string }[]; blockers: { message: string }[]; vmCount: number } | undefined;
    if (preflight.ok && report && report.blockers.length === 0 && report.vmCount > 0) {
      const started = await api.attempt('recovery.start', { id: 'full-site', type: 'test-failover', acceptedWarnings: report.warnings.map((w) => w.id) });
      if (started.ok) runId = (started.body as { id: string }).id;
      else last = started.error?.message ?? '';
    } else {
      last = preflight.ok ? JSON.stringify(report?.blockers.slice(0, 2)) : preflight.error?.message ?? '';
      await new Promise((r) => setTimeout(r, 2_000));
    }
  }
  expect(runId, `the drill did not start: ${last}`).not.toBeNull();
  const run = await api.call('recovery.get', { runId });
  expect(run.vms.length).toBeGreaterThan(40);
  await expect.poll(async () => (await api.call('recovery.get', { runId })).status, { timeout: 240_000, intervals: [2_000] }).toBe('completed');

  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${served.operatorUrl}#/drills`);
  await page.locator(`[data-testid="run-entry"][data-run-id="${runId}"]`).click();
  const wire = page.getByTestId('run-wire');
  await expect(wire).toBeVisible();
  const done = await api.call('recovery.get', { runId });
  const total = Object.values(done.wire.linesBySite as Record<string, number>).reduce((a, b) => a + b, 0);
  expect(done.wire.linesBySite['site-dr']).toBeGreaterThan(done.vms.length);
  await expect(page.getByTestId('run-wire-total')).toHaveText(`${total.toLocaleString('en-US')} lines`);
  await expect(page.getByTestId('run-wire-per-vm')).toHaveText(`${(total / done.vms.length).toFixed(1)} per VM`);
  await expect(wire).toContainText('Riverside');
  await page.screenshot({ path: join(SHOTS, 'run-wire-1366x768.png') });
  api.close();
});
