// `npm run screenshots`: the console as a user sees it, at a workstation (1366×768) and on the NOC
// wall (3840×2160), in both themes; and the NOC wall view at 1920×1080 and 3840×2160 with a WAN
// link degraded (so every panel has something to say), saved under .screenshots/ for a person to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, findChromium } from '../e2e/find-chromium.ts';
import { connectToCore } from '../e2e/core-socket.ts';
import { serveConsole, type ServedConsole } from '../e2e/serve-fixture.ts';
import { buildIfStale } from './serve.mjs';

const OUT = join(import.meta.dirname, '..', '.screenshots');
mkdirSync(OUT, { recursive: true });
// The fixture serves the builds as they are: shots of yesterday's renderer would mislead.
buildIfStale();
const served = await serveConsole({ args: ['--wall'] });
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
  await wallShots(browser, served);
} finally {
  await browser.close();
  await served.stop();
}

async function wallShots(browser: Browser, served: ServedConsole): Promise<void> {
  const api = await connectToCore(served);
  try {
    // A degraded primary→DR link and a running drain: RPO misses, alerts, WAN throughput, an ETA.
    await api.call('lab.setSpeed', { speed: 60 });
    await api.call('lab.injectFault', { kind: 'wan-degradation', link: 'primary-dr', bandwidthFactor: 0.05, extraLatencyMs: 0 });
    await api.call('migration.startDrain', { hostId: 'site-pri/CL-A/HV-A03', options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false });
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await api.call('lab.setSpeed', { speed: 1 });
    for (const [width, height] of [[1920, 1080], [3840, 2160]] as const) {
      for (const scheme of ['light', 'dark'] as const) {
        const page = await browser.newPage({ viewport: { width, height }, colorScheme: scheme });
        await page.goto(served.wallUrl!);
        await page.getByTestId('wall-heatmap').waitFor();
        await page.locator('.heat-cell[data-status]').first().waitFor();
        await page.waitForTimeout(1_500);
        const file = join(OUT, `wall-${width}x${height}-${scheme}.png`);
        await page.screenshot({ path: file });
        console.log(file);
        await page.close();
      }
    }
  } finally {
    api.close();
  }
}
