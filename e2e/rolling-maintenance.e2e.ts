import { expect, test, type Page } from '@playwright/test';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';
import { connectToCore } from './core-socket.ts';

// Issue 18, "rolling maintenance that finishes": several nodes at a time, carry on after a stop,
// and Resume of a drained host with failback, all driven from the migrations view.
let served: ServedConsole;
test.beforeAll(async () => { served = await serveConsole(); });
test.afterAll(async () => { await served?.stop(); });

async function openMigrations(page: Page, cluster: string) {
  await page.goto(served.operatorUrl);
  await page.getByTestId('nav-migrations').click();
  await expect(page.getByTestId('migrations-view')).toBeVisible();
  await page.getByTestId('mig-cluster').selectOption({ label: cluster });
  await expect(page.getByTestId('mig-lanes')).toBeVisible();
}

async function startRolling(page: Page, nodesAtOnce: number) {
  await page.getByTestId('rolling-patch').selectOption('wait');
  await page.getByTestId('rolling-minutes').fill('5');
  await page.getByTestId('rolling-at-once').fill(String(nodesAtOnce));
  await page.getByTestId('rolling-plan-button').click();
  await expect(page.getByTestId('rolling-plan')).toContainText(/running side by side/);
  await expect(page.getByTestId('rolling-unfit')).toHaveCount(0);
  await page.getByTestId('rolling-start').click();
  const rolling = page.getByTestId('mig-rolling').first();
  await expect(rolling).toBeVisible();
  return rolling;
}

test('a 3-at-a-time rolling maintenance finishes: every node done', async ({ page }) => {
  test.setTimeout(300_000);
  const api = await connectToCore(served);
  await openMigrations(page, 'CL-A');
  await api.call('lab.setSpeed', { speed: 'max' });
  const rolling = await startRolling(page, 3);
  await expect(rolling).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  await expect(rolling.locator('li[data-phase]')).toHaveCount(12);
  await expect(rolling.locator('li[data-phase="done"]')).toHaveCount(12);
  await api.call('lab.setSpeed', { speed: 60 });
  api.close();
});

test('a rolling maintenance stopped midway carries on and finishes without redoing nodes', async ({ page }) => {
  test.setTimeout(300_000);
  const api = await connectToCore(served);
  await openMigrations(page, 'CL-B');
  await api.call('lab.setSpeed', { speed: 'max' });
  const rolling = await startRolling(page, 3);
  await expect(rolling.locator('li[data-phase="done"]').first()).toBeVisible({ timeout: 120_000 });
  await rolling.getByRole('button', { name: 'Stop' }).click();
  await expect(rolling).toHaveAttribute('data-status', 'cancelled');
  const doneBefore = (await rolling.locator('li[data-phase="done"]').allTextContents()).map((t) => t.split(':')[0]!);
  expect(doneBefore.length).toBeGreaterThan(0);
  await rolling.getByTestId('mig-rolling-carry-on').click();
  await expect(rolling).toHaveAttribute('data-status', 'completed', { timeout: 240_000 });
  await expect(rolling.locator('li[data-phase="done"]')).toHaveCount(12);
  // Each node that was done before the stop was drained once, not again.
  const ops = await api.call('migration.operations', {});
  const run = ops.rolling.find((r: { clusterName: string }) => r.clusterName === 'CL-B');
  const drains = ops.drains.filter((d: { parentId: string | null }) => d.parentId === run.id);
  for (const name of doneBefore) expect(drains.filter((d: { hostName: string }) => d.hostName === name)).toHaveLength(1);
  await api.call('lab.setSpeed', { speed: 60 });
  api.close();
});

test('a drained host is resumed from the hosts table and its VMs fail back', async ({ page }) => {
  test.setTimeout(180_000);
  const api = await connectToCore(served);
  await openMigrations(page, 'CL-C');
  const lane = page.getByTestId('lane-HV-C05');
  const before = Number(await lane.getByTestId('lane-vms').textContent());
  expect(before).toBeGreaterThan(0);
  await page.getByTestId('drain-host').selectOption({ value: 'site-pri/CL-C/HV-C05' });
  await page.getByTestId('drain-plan').click();
  await api.call('lab.setSpeed', { speed: 'max' });
  await page.getByTestId('drain-start').click();
  await expect(page.getByTestId('mig-drain').first()).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
  await expect(lane.getByTestId('lane-state')).toHaveText('Paused');
  await expect(lane.getByTestId('lane-vms')).toHaveText('0');
  await lane.getByTestId('lane-resume').click();
  await expect(lane.getByTestId('lane-state')).toHaveText('Up');
  await expect(lane.getByTestId('lane-vms')).toHaveText(String(before), { timeout: 120_000 });
  await expect(page.getByTestId('mig-drain-events').first()).toContainText(/Failback to HV-C05 finished/);
  await api.call('lab.setSpeed', { speed: 60 });
  api.close();
});
