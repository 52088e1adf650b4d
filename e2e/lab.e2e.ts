import { expect, test } from '@playwright/test';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';

let served: ServedConsole;
test.beforeAll(async () => { served = await serveConsole(); });
test.afterAll(async () => { await served.stop(); });

test('the lab panel sets the speed, and the status bar clock follows', async ({ page }) => {
  await page.goto(served.operatorUrl);
  await page.getByTestId('lab-toggle').click();
  const lab = page.getByTestId('lab-panel');
  await expect(lab.getByTestId('lab-speed-1')).toHaveAttribute('aria-checked', 'true');
  await lab.getByTestId('lab-speed-60').click();
  await expect(page.getByTestId('lab-clock')).toContainText('×60');
  await lab.getByTestId('lab-speed-pause').click();
  await expect(page.getByTestId('lab-clock')).toContainText('paused');
  await lab.getByTestId('lab-speed-max').click();
  await expect(page.getByTestId('lab-clock')).toContainText('max speed');
  await lab.getByTestId('lab-speed-1').click();
  await expect(page.getByTestId('lab-clock')).toContainText('×1');
});

test('every fault kind has a description, and a host crash is injected, listed and cleared', async ({ page }) => {
  await page.goto(served.operatorUrl);
  await page.getByTestId('lab-toggle').click();
  const lab = page.getByTestId('lab-panel');
  const kinds = await lab.getByTestId('fault-kind').locator('option').allTextContents();
  expect(kinds).toEqual(['WAN cut', 'WAN degradation', 'Host crash', 'Primary site loss', 'Replica storage full', 'Replica Broker down', 'VM fails to boot', 'Backend call timeout']);
  await lab.getByTestId('fault-kind').selectOption('host-crash');
  await expect(lab).toContainText('The node loses power');
  // Without a host the form says what is missing instead of sending.
  await lab.getByTestId('fault-inject').click();
  await expect(lab).toContainText('Choose the host that crashes.');
  await lab.getByTestId('fault-host').selectOption('HV-C12');
  await lab.getByTestId('fault-inject').click();
  const fault = lab.getByTestId('lab-fault');
  await expect(fault).toHaveCount(1);
  await expect(fault).toHaveAttribute('data-kind', 'host-crash');
  await expect(fault).toContainText('HV-C12');
  await expect(page.getByTestId('lab-toggle')).toContainText('1 fault');
  await expect(lab.getByTestId('lab-events')).toContainText(/HV-C12/, { timeout: 15_000 });
  await fault.getByTestId('lab-fault-clear').click();
  await expect(lab.getByTestId('lab-fault')).toHaveCount(0);
});

test('a viewer can open the lab panel; its controls are disabled and say why', async ({ page }) => {
  await page.goto(served.viewerUrl);
  await page.getByTestId('lab-toggle').click();
  const lab = page.getByTestId('lab-panel');
  await expect(lab).toContainText(/Viewer \(read-only\)/);
  // The server refuses them too (topology.e2e.ts speaks the protocol around the UI to show it).
  for (const control of [lab.getByTestId('lab-speed-600'), lab.getByTestId('fault-inject')]) {
    await expect(control).toBeDisabled();
    await expect(control).toHaveAttribute('title', /Viewer \(read-only\): only an operator/);
  }
  await expect(lab.getByTestId('lab-speed-600')).toHaveAttribute('aria-checked', 'false');
});
