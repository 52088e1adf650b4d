import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';

/** What a control a viewer cannot use says on hover (renderer/platform/read-only.ts). */
const VIEWER_REASON = /^Viewer \(read-only\): only an operator can/;

let served: ServedConsole;
test.beforeAll(async () => { served = await serveConsole(); });
test.afterAll(async () => { await served.stop(); });

async function openReplication(page: Page, url: string) {
  await page.goto(`${url}#/replication`);
  await expect(page.getByTestId('view-replication')).toBeVisible();
  await expect(page.getByTestId('replication-row').first()).toBeVisible();
}

test('the grid lists every protected VM with its replica host, and sorts and filters', async ({ page }) => {
  await openReplication(page, served.operatorUrl);
  await expect(page.getByTestId('replication-count')).toHaveText(/^596 VMs$/);
  await expect(page.getByTestId('replication-summary')).toContainText('596');
  const first = page.getByTestId('replication-row').first();
  // Replica host is the DR copy's host.
  await expect(first.getByRole('gridcell').nth(4)).toHaveText(/^DRHV-/);
  await page.getByTestId('sort-name').click();
  await expect(first.getByRole('gridcell').nth(1)).toHaveText('ADT01');
  await page.getByTestId('sort-name').click();
  await expect(page.getByRole('columnheader', { name: /Name/ })).toHaveAttribute('aria-sort', 'descending');
  await page.getByTestId('replication-search').fill('EHRDB0');
  await expect(page.getByTestId('replication-count')).toHaveText(/of 596 VMs/);
  await expect(page.getByTestId('replication-row').first()).toContainText('EHRDB0');
  await page.getByTestId('filter-tier').selectOption('2');
  await expect(page.getByTestId('replication-empty')).toBeVisible();
  await page.getByTestId('filter-clear').click();
  await page.getByTestId('group-by').selectOption('cluster');
  await expect(page.getByTestId('replication-group').first()).toContainText('CL-A');
});

test('rows are selected by checkbox, shift-click and keyboard, and the detail drawer shows history', async ({ page }) => {
  await openReplication(page, served.operatorUrl);
  await page.getByTestId('sort-name').click();
  const rows = page.getByTestId('replication-row');
  await rows.nth(0).locator('.rc-check').click();
  await rows.nth(4).locator('.rc-check').click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('action-bar')).toContainText('5 VMs selected');
  await rows.nth(0).focus();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('action-bar')).toHaveCount(0);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Space');
  await page.keyboard.press('Shift+ArrowDown');
  await expect(page.getByTestId('action-bar')).toContainText('2 VMs selected');
  await page.keyboard.press('Enter');
  const drawer = page.getByTestId('vm-drawer');
  await expect(drawer).toBeVisible();
  await expect(drawer.getByTestId('drawer-title')).toHaveText(/\S/);
  await expect(drawer).toContainText('Recovery point settings');
  await expect(drawer.getByTestId('history-charts').or(drawer.getByTestId('history-empty'))).toBeVisible();
  await drawer.getByTestId('history-day').click();
  await expect(drawer.getByTestId('history-day')).toHaveAttribute('aria-checked', 'true');
});

test('the grid exports the current filter as CSV', async ({ page }) => {
  await openReplication(page, served.operatorUrl);
  await page.getByTestId('filter-tier').selectOption('0');
  const shown = Number((await page.getByTestId('replication-count').textContent())!.match(/^([\d,]+)/)![1]!.replace(/,/g, ''));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
  expect(download.suggestedFilename()).toMatch(/^standby-replication-.*\.csv$/);
  const text = readFileSync((await download.path())!, 'utf8');
  const lines = text.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
  expect(lines[0]).toContain('Name,Tier,Site');
  expect(lines).toHaveLength(shown + 1);
  expect(lines.slice(1).every((l) => l.split(',')[1] === 'T0')).toBe(true);
});

test('a viewer sees the grid and can select, but the actions here and on other screens are disabled and say why', async ({ page }) => {
  await openReplication(page, served.viewerUrl);
  await expect(page.getByTestId('role')).toContainText(/viewer/i);
  await page.getByTestId('replication-row').first().locator('.rc-check').click();
  for (const action of ['suspend', 'resume', 'resynchronize', 'set-frequency']) {
    await expect(page.getByTestId(`action-${action}`)).toBeDisabled();
    await expect(page.getByTestId(`action-${action}`)).toHaveAttribute('title', VIEWER_REASON);
  }
  // The other screens that act say the same before anyone tries; what only reads stays open.
  await page.getByTestId('nav-migrations').click();
  const limit = page.getByRole('spinbutton', { name: 'Maximum concurrent migrations of HV-A01' });
  await expect(limit).toBeDisabled();
  await expect(limit).toHaveAttribute('title', VIEWER_REASON);
  await expect(page.getByTestId('drain-plan')).toBeEnabled();
  await page.getByTestId('nav-failover').click();
  await page.getByTestId('tab-plans').click();
  await expect(page.getByTestId('plan-new')).toBeDisabled();
  await expect(page.getByTestId('plan-new')).toHaveAttribute('title', VIEWER_REASON);
});

test('a resync from the grid completes and is shown done only after read-back', async ({ page }) => {
  await openReplication(page, served.operatorUrl);
  await page.getByTestId('sort-name').click();
  const row = page.getByTestId('replication-row').first();
  const name = (await row.getByRole('gridcell').nth(1).textContent())!;
  await row.locator('.rc-check').click();
  await page.getByTestId('action-resynchronize').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText(name);
  await page.getByTestId('confirm-go').click();
  const results = page.getByTestId('action-results');
  const result = results.getByTestId('action-result');
  await expect(result).toHaveAttribute('data-outcome', 'done', { timeout: 30_000 });
  await expect(result).toContainText(name);
  await expect(result).toContainText(/read back: /);
  await expect(page.getByTestId('action-tally')).toHaveText('1 done');
  // Whole, above the grid: it used to shrink to a sliver that looked tucked under the sticky header.
  const banner = (await results.boundingBox())!;
  expect(banner.y + banner.height).toBeLessThanOrEqual((await page.locator('.repl-header').boundingBox())!.y + 1);
  expect(await results.evaluate((el) => el.scrollHeight - el.clientHeight)).toBeLessThanOrEqual(1);
});

test('a frequency change on a selection is confirmed, read back, and shown in the grid', async ({ page }) => {
  await openReplication(page, served.operatorUrl);
  await page.getByTestId('filter-tier').selectOption('0');
  await page.getByTestId('sort-name').click();
  const rows = page.getByTestId('replication-row');
  // Rows 1 and 2 of tier 0 (every 30 s): the resync test acts on the first row of the whole grid.
  const names = [(await rows.nth(1).getByRole('gridcell').nth(1).textContent())!, (await rows.nth(2).getByRole('gridcell').nth(1).textContent())!];
  await expect(rows.nth(1).locator('.rc-freq')).toHaveText('30 s');
  await rows.nth(1).locator('.rc-check').click();
  await rows.nth(2).locator('.rc-check').click({ modifiers: ['Shift'] });
  await page.getByTestId('action-set-frequency').click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('Set-VMReplication -ReplicationFrequencySec');
  // Extended replication offers 5 and 15 minutes only, as Hyper-V allows.
  await dialog.getByTestId('frequency-relationship').selectOption('Extended');
  await expect(dialog.getByTestId('frequency-value').locator('option[value="30"]')).toBeDisabled();
  await dialog.getByTestId('frequency-relationship').selectOption('Simple');
  await dialog.getByTestId('frequency-value').selectOption('900');
  await dialog.getByTestId('confirm-go').click();
  const result = page.getByTestId('action-results').getByTestId('action-result');
  await expect(result).toHaveCount(2, { timeout: 30_000 });
  await expect(page.getByTestId('action-tally')).toHaveText('2 done');
  for (const name of names) await expect(result.filter({ hasText: name })).toContainText(/read back: .*every 15 min/);
  await expect(rows.filter({ hasText: names[0]! }).locator('.rc-freq')).toHaveText('15 min');
  await expect(rows.filter({ hasText: names[1]! }).locator('.rc-freq')).toHaveText('15 min');
});

test('a WAN cut injected in the lab turns rows Warning or Critical within seconds and raises an alert', async ({ page }) => {
  await openReplication(page, served.operatorUrl);
  await expect(page.getByTestId('summary-normal')).toContainText('596');
  await expect(page.getByTestId('alerts-counter')).toHaveAttribute('data-count', '0');
  await page.getByTestId('lab-toggle').click();
  const lab = page.getByTestId('lab-panel');
  await expect(lab).toBeVisible();
  await lab.getByTestId('lab-speed-600').click();
  await expect(lab.getByTestId('lab-speed-600')).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('lab-clock')).toContainText('×600');
  await lab.getByTestId('fault-kind').selectOption('wan-cut');
  await expect(lab).toContainText('The link goes down');
  await lab.getByTestId('fault-link').selectOption('primary-dr');
  await lab.getByTestId('fault-inject').click();
  await expect(lab.getByTestId('lab-fault')).toHaveCount(1);
  await expect(lab.getByTestId('lab-link-primary-dr')).toHaveAttribute('data-state', 'down');
  await page.getByTestId('filter-health').selectOption('attention');
  // Sorted by health, worst first: the first row is Warning or Critical once the core says so.
  await expect(page.getByTestId('replication-row').first()).toHaveAttribute('data-health', /^(Warning|Critical)$/, { timeout: 20_000 });
  const count = async () => Number(await page.getByTestId('alerts-counter').getAttribute('data-count'));
  await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(0);
  // Pause so no new alert arrives, then acknowledge one: the unacknowledged count drops by one.
  await lab.getByTestId('lab-speed-pause').click();
  await expect(page.getByTestId('lab-clock')).toContainText('paused');
  await page.waitForTimeout(1500);
  await page.getByTestId('alerts-counter').click();
  const alerts = page.getByTestId('alerts-panel');
  // By now the cut may be recognised: its VM alerts are then inside the WAN incident.
  const incident = alerts.getByTestId('incident-toggle');
  if (await incident.count() > 0) await incident.first().click();
  await expect(alerts.getByTestId('alert-item').first()).toBeVisible();
  const before = await count();
  await alerts.getByTestId('ack-one').first().click();
  await expect.poll(count).toBe(before - 1);
  // Clear the fault and slow down again so the lab is left as found.
  await page.getByTestId('lab-toggle').click();
  await lab.getByTestId('lab-fault-clear').click();
  await expect(lab.getByTestId('lab-fault')).toHaveCount(0);
  await lab.getByTestId('lab-speed-1').click();
});
