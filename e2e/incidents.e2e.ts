import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { webhookReceiver } from '../electron/core/testing/webhook-receiver.ts';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';

// Issue 18 item 1: a WAN cut is one incident holding the per-VM alerts, and a webhook hears it once.
let served: ServedConsole;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
test.beforeAll(async () => { [served, receiver] = await Promise.all([serveConsole(), webhookReceiver([200])]); });
test.afterAll(async () => { await served.stop(); await receiver.close(); });

const SHOTS = process.env.STANDBY_SHOTS ?? join('test-results', 'incidents-shots');

async function openAlerts(page: Page, url: string) {
  await page.goto(`${url}#/replication`);
  await expect(page.getByTestId('replication-row').first()).toBeVisible();
  await page.getByTestId('alerts-counter').click();
  await expect(page.getByTestId('alerts-panel')).toBeVisible();
  return page.getByTestId('alerts-panel');
}

test('a WAN cut is one incident holding the per-VM alerts; the webhook gets it once; acknowledging them all asks first', async ({ page }) => {
  test.setTimeout(120_000);
  const panel = await openAlerts(page, served.operatorUrl);
  // Configure the webhook and test it.
  await panel.getByTestId('notification-channels').locator('summary').click();
  await panel.getByTestId('webhook-enabled').check();
  await panel.getByTestId('webhook-url').fill(receiver.url);
  await panel.getByTestId('webhook-test').click();
  await expect(panel.getByTestId('channel-result')).toHaveText(/Webhook test delivered \(HTTP 200\)/);
  expect(receiver.delivered()).toEqual([expect.objectContaining({ type: 'test' })]);
  await panel.getByTestId('notification-channels').locator('summary').click();

  // Cut the WAN at 60×.
  await page.getByTestId('lab-toggle').click();
  const lab = page.getByTestId('lab-panel');
  await lab.getByTestId('lab-speed-60').click();
  await lab.getByTestId('fault-kind').selectOption('wan-cut');
  await lab.getByTestId('fault-link').selectOption('primary-dr');
  await lab.getByTestId('fault-inject').click();
  await expect(lab.getByTestId('lab-fault')).toHaveCount(1);
  await page.getByTestId('lab-toggle').click();
  if (!(await panel.isVisible())) await page.getByTestId('alerts-counter').click();

  const incident = panel.getByTestId('incident');
  await expect(incident).toHaveCount(1, { timeout: 30_000 });
  await expect(incident).toHaveAttribute('data-kind', 'wan-link');
  await expect(incident).toContainText(/WAN link from .+ to .+ is down/);
  // The per-VM alerts are inside it, not beside it.
  await expect.poll(async () => Number(await incident.getByTestId('incident-members').getAttribute('data-count')), { timeout: 30_000 }).toBeGreaterThan(20);
  await expect(panel.getByTestId('alert-list')).toHaveCount(0);
  await expect(incident.getByTestId('delivery')).toHaveText(/Webhook delivered/, { timeout: 20_000 });
  await incident.getByTestId('incident-toggle').click();
  await expect(incident.getByTestId('incident-vm-list').getByTestId('alert-item').first()).toBeVisible();
  // Tier 0 critical first.
  await expect(incident.getByTestId('alert-item').first()).toContainText('tier 0');

  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'alerts-wan-cut-1366x768.png') });
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(SHOTS, 'alerts-wan-cut-3840x2160.png') });
  await page.setViewportSize({ width: 1366, height: 768 });

  // Ten more simulated minutes of the cut: still one message at the receiver, and it was the incident.
  await page.waitForTimeout(10_000);
  const incidents = receiver.delivered().filter((b) => (b as { type: string }).type === 'incident');
  expect(incidents).toHaveLength(1);
  expect(incidents[0]).toMatchObject({ incident: { kind: 'wan-link', severity: 'critical' } });
  expect(receiver.delivered().filter((b) => (b as { type: string }).type === 'alerts')).toEqual([]);

  // Acknowledge all: it asks first; afterwards the status bar says they are still ongoing.
  await page.getByTestId('lab-toggle').click();
  await lab.getByTestId('lab-speed-pause').click();
  await page.getByTestId('lab-toggle').click();
  if (!(await panel.isVisible())) await page.getByTestId('alerts-counter').click();
  await panel.getByTestId('ack-all').click();
  await expect(panel.getByTestId('ack-confirm')).toContainText(/Acknowledge [\d,]+ alerts\?/);
  await panel.getByTestId('ack-confirm-yes').click();
  await expect(page.getByTestId('alerts-counter')).toHaveAttribute('data-count', '0');
  await expect(page.getByTestId('alerts-acked')).toContainText('ongoing');
  await expect(page.getByTestId('alerts-counter')).toHaveClass(/tone-warn/);

  // The viewer sees the incident but cannot acknowledge, and is told why.
  const viewer = await page.context().newPage();
  const viewerPanel = await openAlerts(viewer, served.viewerUrl);
  await viewerPanel.getByRole('radio', { name: 'Ongoing' }).click();
  await expect(viewerPanel.getByTestId('incident')).toHaveCount(1);
  await expect(viewerPanel.getByTestId('ack-all')).toBeDisabled();
  await expect(viewerPanel.getByTestId('ack-all').locator('..')).toHaveAttribute('title', /only an operator/);
  await viewer.close();

  // Leave the lab as found.
  await page.getByTestId('lab-toggle').click();
  await lab.getByTestId('lab-fault-clear').click();
  await expect(lab.getByTestId('lab-fault')).toHaveCount(0);
  await lab.getByTestId('lab-speed-1').click();
});
