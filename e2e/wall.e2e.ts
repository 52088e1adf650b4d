import { expect, test, type Page } from '@playwright/test';
import { channels } from '../shared/contract/channels.ts';
import { connectToCore } from './core-socket.ts';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';

// The NOC wall, opened with the link `npm run serve -- --wall` prints (the viewer token), at 1920×1080.
test.use({ viewport: { width: 1920, height: 1080 } });

const OPERATE = Object.entries(channels).filter(([, def]) => def.access === 'operate').map(([name]) => name);

async function openWall(page: Page, served: ServedConsole): Promise<void> {
  expect(served.wallUrl, 'npm run serve -- --wall prints the wall link').toMatch(/\/wall\?token=/);
  await page.goto(served.wallUrl!);
  await expect(page.getByTestId('wall-heatmap')).toBeVisible();
  await expect(page.getByTestId('wall-stale')).toHaveCount(0);
}

const count = (page: Page, status: string) => page.getByTestId(`heat-count-${status}`).getAttribute('data-count').then(Number);

test.describe('the wall', () => {
  let served: ServedConsole;
  test.beforeEach(async () => { served = await serveConsole({ args: ['--wall'] }); });
  test.afterEach(async () => { await served.stop(); });

  test('with the viewer token it shows the whole estate on one screen, read-only, in type readable at 5 m', async ({ page }) => {
    const api = await connectToCore(served);
    const estate = await api.call('estate.snapshot', {}) as { vms: Record<string, { replication: { mode: string; relationship: string } | null }>; clock: { now: number } };
    api.close();
    const protectedVms = Object.values(estate.vms).filter((vm) => vm.replication?.mode === 'Primary' && vm.replication.relationship === 'Simple').length;
    expect(protectedVms).toBeGreaterThan(500);

    await openWall(page, served);
    await expect(page.locator('.heat-cell[data-status]')).toHaveCount(protectedVms);
    await expect(page.getByTestId('heat-cluster')).not.toHaveCount(0);
    await expect(page.getByTestId('wall-role')).toHaveAttribute('data-role', 'viewer');
    await expect(page.getByTestId('wall-backend')).toContainText('Lab');
    await expect(page.getByTestId('rpo-tier-0')).toBeVisible();
    await expect(page.getByTestId('wall-clock')).toHaveAttribute('data-epoch-ms', /\d+/);
    const layout = await page.evaluate(() => ({
      scroll: document.documentElement.scrollHeight - innerHeight + (document.documentElement.scrollWidth - innerWidth),
      bodyPx: parseFloat(getComputedStyle(document.body).fontSize),
      // Every visible text element, to catch anything smaller than body type.
      smallest: Math.min(...[...document.querySelectorAll('.wall-grid *, .wall-head *')]
        .filter((el) => el.childNodes.length > 0 && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent!.trim() !== '') && !el.closest('.heat-cells, .heat-legend .heat-cell, svg'))
        .map((el) => parseFloat(getComputedStyle(el).fontSize))),
      lastCellBottom: Math.max(...[...document.querySelectorAll('.heat-cell[data-status]')].map((el) => el.getBoundingClientRect().bottom)),
    }));
    expect(layout.scroll).toBe(0);
    expect(layout.bodyPx).toBeGreaterThanOrEqual(24);
    expect(layout.smallest).toBeGreaterThanOrEqual(24);
    expect(layout.lastCellBottom).toBeLessThanOrEqual(1080);
  });

  test('a WAN cut turns the affected cells within a few simulated minutes', async ({ page }) => {
    const api = await connectToCore(served);
    try {
      await api.call('lab.setSpeed', { speed: 60 });
      await openWall(page, served);
      await expect.poll(() => count(page, 'ok'), { timeout: 20_000 }).toBeGreaterThan(300);
      const healthyBefore = await count(page, 'ok');
      const tier0 = (await api.call('replication.summary', {}) as { byTier: { tier: number; protectedVms: number }[] }).byTier.find((t) => t.tier === 0)!.protectedVms;
      const fault = await api.call('lab.injectFault', { kind: 'wan-cut', link: 'primary-dr' }) as { id: string; injectedAt: number };
      // Tier 0 replicates every 30 s with a 2-minute RPO: its cells must turn once that runs out.
      await expect.poll(async () => healthyBefore - await count(page, 'ok'), { timeout: 30_000, intervals: [250] }).toBeGreaterThanOrEqual(tier0);
      const shownAt = Number(await page.getByTestId('wall-clock').getAttribute('data-epoch-ms'));
      const simulatedSec = (shownAt - fault.injectedAt) / 1000;
      console.log(`wall showed ${tier0}+ cells turned ${simulatedSec.toFixed(0)} simulated s after the cut`);
      expect(simulatedSec).toBeLessThanOrEqual(6 * 60);
      const turned = page.locator('.heat-cell[data-status="breach"], .heat-cell[data-status="critical"]');
      await expect(turned.first()).toHaveAttribute('title', /RPO missed|Critical/);
      await api.call('lab.clearFault', { faultId: fault.id });
    } finally {
      api.close();
    }
  });

  test('a stopped stream shows staleness: banner, dimming and the time of the data; it clears by itself', async ({ page }) => {
    await openWall(page, served);
    served.process.kill('SIGSTOP');
    try {
      const banner = page.getByTestId('wall-stale');
      await expect(banner).toBeVisible({ timeout: 10_000 });
      await expect(banner).toHaveAttribute('data-reason', 'silent');
      await expect(banner).toContainText(/No update for \d+ s · data from \d\d:\d\d:\d\d/);
      await expect(page.getByTestId('wall')).toHaveAttribute('data-stale', 'true');
      // Dimmed through a 0.3 s transition: read until it has run.
      await expect.poll(() => page.locator('.wall-grid').evaluate((el) => Number(getComputedStyle(el).opacity))).toBeLessThan(0.6);
    } finally {
      served.process.kill('SIGCONT');
    }
    await expect(page.getByTestId('wall-stale')).toHaveCount(0, { timeout: 15_000 });
  });

  test('a server killed with SIGKILL and restarted is recovered by itself, with fresh data', async ({ page }) => {
    test.setTimeout(120_000);
    const port = new URL(served.origin).port;
    const operator = new URL(served.operatorUrl).searchParams.get('token')!;
    const viewer = new URL(served.viewerUrl).searchParams.get('token')!;
    await served.stop();
    const env = { STANDBY_TOKEN: operator, STANDBY_VIEWER_TOKEN: viewer };
    served = await serveConsole({ args: ['--wall', '--port', port], env, dataDir: served.dataDir });
    await openWall(page, served);
    const before = Number(await page.getByTestId('wall-clock').getAttribute('data-epoch-ms'));

    await served.stop('SIGKILL');
    await expect(page.getByTestId('wall-stale')).toHaveAttribute('data-reason', 'disconnected', { timeout: 10_000 });
    await page.waitForTimeout(3_000);
    served = await serveConsole({ args: ['--wall', '--port', port], env, dataDir: served.dataDir });
    const backAt = Date.now();
    await expect(page.getByTestId('wall-stale')).toHaveCount(0, { timeout: 15_000 });
    console.log(`wall fresh again ${Date.now() - backAt} ms after the server printed its links`);
    // The restarted lab's clock, not the one from before the kill left on screen.
    await expect.poll(async () => Number(await page.getByTestId('wall-clock').getAttribute('data-epoch-ms'))).not.toBe(before);
    await expect(page.locator('.heat-cell[data-status]')).not.toHaveCount(0);
  });

  test('every mutating channel is refused for the wall\'s token, and the wall page sends none', async ({ page }) => {
    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (frame) => {
      const ch = (JSON.parse(String(frame.payload)) as { ch?: string }).ch;
      if (ch) sent.push(ch);
    }));
    await openWall(page, served);
    await page.waitForTimeout(2_000);
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.filter((ch) => OPERATE.includes(ch))).toEqual([]);

    const wallToken = new URL(served.wallUrl!).searchParams.get('token');
    expect(wallToken).toBe(new URL(served.viewerUrl).searchParams.get('token'));
    const wall = await connectToCore(served, served.wallUrl!.replace('/wall?', '/?'));
    const operator = await connectToCore(served);
    try {
      const speedBefore = (await operator.call('lab.status', {}) as { speed: unknown }).speed;
      expect(OPERATE.length).toBeGreaterThan(10);
      for (const ch of OPERATE) {
        const answer = await wall.attempt(ch, ch === 'lab.setSpeed' ? { speed: 600 } : {});
        expect(answer, ch).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      }
      expect((await operator.call('lab.status', {}) as { speed: unknown }).speed).toBe(speedBefore);
      expect((await wall.attempt('estate.snapshot', {})).ok).toBe(true);
    } finally {
      wall.close();
      operator.close();
    }
  });
});
