// `npm run screenshots`: the console as a user sees it, at a workstation (1366×768) and on the NOC
// wall (3840×2160), in both themes, saved under .screenshots/ for a person to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../e2e/find-chromium.ts';
import { serveConsole } from '../e2e/serve-fixture.ts';

const OUT = join(import.meta.dirname, '..', '.screenshots');
mkdirSync(OUT, { recursive: true });
const served = await serveConsole();
const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
try {
  for (const [label, width, height] of [['workstation', 1366, 768], ['wall', 3840, 2160]] as const) {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
      await page.goto(served.operatorUrl);
      await page.getByTestId('topology-tree').waitFor();
      await page.getByRole('treeitem', { name: /^HV-A01\b/ }).click();
      await page.keyboard.press('ArrowRight');
      await page.waitForTimeout(500);
      const file = join(OUT, `topology-${label}-${scheme}.png`);
      await page.screenshot({ path: file });
      console.log(file);
      await page.close();
    }
  }
} finally {
  await browser.close();
  await served.stop();
}
