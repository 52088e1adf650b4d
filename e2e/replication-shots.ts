// Screenshots of the replication view, the lab panel and the alert list at a workstation
// (1366×768) and on the NOC wall (3840×2160): `node e2e/replication-shots.ts [outDir]`.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from './find-chromium.ts';
import { serveConsole } from './serve-fixture.ts';

const OUT = process.argv[2] ?? '/tmp/shots-repl';
mkdirSync(OUT, { recursive: true });
const served = await serveConsole();
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  // Make the estate interesting first: cut the WAN and run the lab fast for a while.
  const setup = await browser.newPage();
  await setup.goto(`${served.operatorUrl}#/replication`);
  await setup.getByTestId('replication-grid').waitFor();
  await setup.getByTestId('lab-toggle').click();
  await setup.getByTestId('lab-speed-600').click();
  await setup.getByTestId('fault-kind').selectOption('wan-cut');
  await setup.getByTestId('fault-inject').click();
  await setup.waitForTimeout(4000);
  await setup.getByTestId('lab-speed-60').click();
  await setup.close();
  for (const [label, width, height] of [['workstation', 1366, 768], ['wall', 3840, 2160]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
      await page.goto(`${served.operatorUrl}#/replication`);
      await page.getByTestId('replication-grid').waitFor();
      await page.getByTestId('replication-row').first().waitFor();
      await page.waitForTimeout(800);
      await page.screenshot({ path: join(OUT, `replication-${label}-${scheme}.png`) });
      if (scheme === 'light') {
        await page.getByTestId('replication-row').first().click();
        await page.getByTestId('vm-drawer').waitFor();
        await page.waitForTimeout(1200);
        await page.screenshot({ path: join(OUT, `drawer-${label}.png`) });
        await page.getByTestId('replication-row').nth(1).locator('input[type=checkbox]').click({ force: true });
        await page.getByTestId('replication-row').nth(3).locator('.rc-check').click({ modifiers: ['Shift'] });
        await page.getByTestId('action-resynchronize').click();
        await page.getByTestId('confirm-dialog').waitFor();
        await page.screenshot({ path: join(OUT, `confirm-${label}.png`) });
        await page.keyboard.press('Escape');
        await page.getByTestId('lab-toggle').click();
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(OUT, `lab-${label}.png`) });
        await page.getByTestId('alerts-counter').click();
        await page.waitForTimeout(500);
        await page.screenshot({ path: join(OUT, `alerts-${label}.png`) });
      }
      await page.close();
    }
  }
  console.log(`screenshots in ${OUT}`);
} finally {
  await browser.close();
  await served.stop();
}
