import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { connectToCore } from './core-socket.ts';
import { serveConsole } from './serve-fixture.ts';

const SHOTS = '/tmp/shots-catch-up';
mkdirSync(SHOTS, { recursive: true });

/**
 * After a WAN cut the backlog ships all at once and tier 0 waits behind tier 2. "Catch up tier 0
 * first" holds tiers 1 and 2 until tier 0 is within RPO, then resumes them by itself.
 */
test('after a WAN cut, catch-up by tier brings tier 0 within RPO before tier 2, then resumes tiers 1 and 2 by itself', async ({ page }) => {
  test.setTimeout(240_000);
  const served = await serveConsole();
  try {
    const api = await connectToCore(served);
    await api.call('lab.setSpeed', { speed: 600 });
    const cut = await api.call('lab.injectFault', { kind: 'wan-cut', link: 'primary-dr' });
    // Forty minutes of lab time without the link: every tier misses its RPO, the backlog grows.
    const cutAt = (await api.call('replication.summary', {})).at;
    await expect.poll(async () => (await api.call('replication.summary', {})).at - cutAt, { timeout: 60_000 }).toBeGreaterThan(40 * 60_000);
    // Slow enough that tier 0 cannot catch up on its own (34 lab minutes, ~3.5 min here) before the click.
    await api.call('lab.setSpeed', { speed: 10 });
    await api.call('lab.clearFault', { faultId: cut.id });

    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${served.operatorUrl}#/replication`);
    const panel = page.getByTestId('catch-up');
    await expect(panel).toBeVisible({ timeout: 30_000 });
    await expect(panel.getByTestId('backlog-tier-0')).toContainText(/T0 .*B/);
    await panel.getByTestId('catch-up-start').click();
    await panel.getByTestId('catch-up-confirm').click();
    await expect(panel.getByTestId('catch-up-state')).toHaveAttribute('data-status', 'holding', { timeout: 60_000 });
    await expect(panel.getByTestId('catch-up-state')).toContainText(/VMs suspended since .* by operator token/);
    await page.screenshot({ path: join(SHOTS, 'catch-up-holding-1366x768.png') });
    await page.setViewportSize({ width: 3840, height: 2160 });
    await page.screenshot({ path: join(SHOTS, 'catch-up-holding-3840x2160.png') });
    await page.setViewportSize({ width: 1366, height: 768 });
    await api.call('lab.setSpeed', { speed: 60 });

    // It ends by itself when tier 0 is within RPO; at that moment tier 2 is still catching up.
    let atDone: { byTier: { tier: number; pctWithinRpo: number }[]; catchUp: { status: string; resumedBy: string | null } } | null = null;
    await expect.poll(async () => {
      const summary = await api.call('replication.summary', {});
      if (summary.catchUp?.status === 'done' && !atDone) atDone = summary;
      return summary.catchUp?.status;
    }, { timeout: 120_000, intervals: [250] }).toBe('done');
    expect(atDone!.catchUp.resumedBy).toBe('Standby (tier 0 within RPO)');
    expect(atDone!.byTier.find((t) => t.tier === 0)!.pctWithinRpo).toBe(100);
    expect(atDone!.byTier.find((t) => t.tier === 2)!.pctWithinRpo).toBeLessThan(100);
    await expect(page.getByTestId('catch-up-state')).toBeHidden();
    api.close();
  } finally {
    await served.stop();
  }
});
