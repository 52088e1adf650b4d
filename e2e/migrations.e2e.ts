import { expect, test, type Page } from '@playwright/test';
import { channels } from '../shared/contract/channels.ts';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';
import { connectToCore } from './core-socket.ts';

// The migration channels join the contract when the lead wires them (channels.ts + core.ts);
// until then every test here is a known gap, not a failure.
const wired = Object.hasOwn(channels, 'migration.queue');
test.fixme(!wired, 'migration.* and hosts.* are not yet spread into shared/contract/channels.ts and the core dispatcher');

let served: ServedConsole;
test.beforeAll(async () => { served = await serveConsole(); });
test.afterAll(async () => { await served?.stop(); });


async function openMigrations(page: Page, cluster = 'CL-A') {
  await page.goto(served.operatorUrl);
  await page.getByTestId('nav-migrations').click();
  await expect(page.getByTestId('migrations-view')).toBeVisible();
  await page.getByTestId('mig-cluster').selectOption({ label: cluster });
  await expect(page.getByTestId('mig-lanes')).toBeVisible();
}

test('a user drains a host: the queue runs to empty, the host shows 0 VMs and paused', async ({ page }) => {
  const api = await connectToCore(served);
  await api.call('lab.setSpeed', { speed: 600 });
  await openMigrations(page);
  await page.getByTestId('drain-host').selectOption({ value: 'site-pri/CL-A/HV-A02' });
  await page.getByTestId('drain-plan').click();
  await expect(page.getByTestId('drain-predicted')).toContainText(/Predicted/);
  // The preview says why each VM goes where it goes.
  await page.getByTestId('drain-plan-result').locator('summary').click();
  const moves = page.getByTestId('drain-moves').locator('li');
  await expect(moves.first()).toBeVisible();
  expect(await page.getByTestId('drain-move-reason').count()).toBe(await moves.count());
  await expect(page.getByTestId('drain-moves')).toContainText(/least loaded node that fits/);
  await page.getByTestId('drain-start').click();
  const drain = page.getByTestId('mig-drain').first();
  await expect(drain).toBeVisible();
  // Migrations are seen running, then the queue empties.
  await expect(page.getByTestId('mig-running-count')).not.toHaveText('0', { timeout: 20_000 });
  await api.call('lab.setSpeed', { speed: 'max' });
  await expect(drain).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(page.getByTestId('mig-queued-count')).toHaveText('0');
  await expect(page.getByTestId('mig-running-count')).toHaveText('0');
  const lane = page.getByTestId('lane-HV-A02');
  await expect(lane.getByTestId('lane-vms')).toHaveText('0');
  await expect(lane.getByTestId('lane-state')).toHaveText('Paused');
  await api.call('lab.setSpeed', { speed: 60 });
  api.close();
});

test('a Low-priority VM produces the quick-migration warning, and live migration is offered instead', async ({ page }) => {
  await openMigrations(page, 'CL-B');
  const plan = await connectToCore(served);
  // A host of CL-B that holds a running Low-priority VM.
  const snapshot = await plan.call('estate.snapshot', {});
  plan.close();
  const vms = Object.values(snapshot.vms) as { hostId: string; clusterId: string; priority: string; state: string }[];
  const hosts = Object.values(snapshot.hosts) as { id: string; name: string; clusterId: string }[];
  const host = hosts.find((h) => h.name.startsWith('HV-B') && vms.some((v) => v.hostId === h.id && v.priority === 'Low' && v.state === 'Running'))!;
  await page.getByTestId('drain-host').selectOption({ value: host.id });
  await page.getByTestId('drain-live-low').uncheck();
  await page.getByTestId('drain-plan').click();
  const warning = page.getByTestId('drain-quick-warning');
  await expect(warning).toContainText(/would be quick-migrated/);
  await expect(page.getByTestId('drain-start')).toBeDisabled();
  await page.getByTestId('drain-offer-live').click();
  await expect(warning).toContainText(/live-migrated instead/);
  await expect(page.getByTestId('drain-start')).toBeEnabled();
});

test('a node that fails mid-drain is handled and reported', async ({ page }) => {
  const api = await connectToCore(served);
  await api.call('lab.setSpeed', { speed: 60 });
  await openMigrations(page, 'CL-C');
  await page.getByTestId('drain-host').selectOption({ value: 'site-pri/CL-C/HV-C03' });
  await page.getByTestId('drain-plan').click();
  await page.getByTestId('drain-start').click();
  const drain = page.getByTestId('mig-drain').first();
  await expect(page.getByTestId('mig-running-count')).not.toHaveText('0', { timeout: 20_000 });
  await api.call('lab.injectFault', { kind: 'host-crash', host: 'HV-C03' });
  await api.call('lab.setSpeed', { speed: 'max' });
  await expect(drain).toHaveAttribute('data-status', 'failed', { timeout: 60_000 });
  await expect(drain.getByTestId('mig-drain-events')).toContainText(/went down during the drain/);
  await api.call('lab.setSpeed', { speed: 60 });
  api.close();
});
