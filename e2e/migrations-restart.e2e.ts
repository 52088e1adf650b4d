import { expect, test, type Page } from '@playwright/test';
import { channels } from '../shared/contract/channels.ts';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';
import { connectToCore } from './core-socket.ts';

// The user closes (or the machine kills) the console mid-drain: the drain is in the journal, and the
// console that comes back shows it, carries it on and finishes it.
const wired = Object.hasOwn(channels, 'migration.queue');
test.fixme(!wired, 'migration.* and hosts.* are not yet spread into shared/contract/channels.ts and the core dispatcher');


async function openMigrations(page: Page, s: ServedConsole, cluster = 'CL-A') {
  await page.goto(s.operatorUrl);
  await page.getByTestId('nav-migrations').click();
  await expect(page.getByTestId('migrations-view')).toBeVisible();
  await page.getByTestId('mig-cluster').selectOption({ label: cluster });
  await expect(page.getByTestId('mig-lanes')).toBeVisible();
}

interface DrainView { id: string; status: string; counts: { completed: number; running: number }; events: { message: string }[] }

test('a drain survives the server being killed mid-drain: it is shown again, carried on and finished', async ({ page }) => {
  test.setTimeout(180_000);
  let served = await serveConsole();
  const dataDir = served.dataDir;
  try {
    let api = await connectToCore(served);
    await api.call('lab.setSpeed', { speed: 60 });
    const hostId = 'site-pri/CL-A/HV-A03';
    const options = { liveMigrateLowPriority: true, avoidHostIds: [] };
    const started = await api.call('migration.startDrain', { hostId, options, acceptQuickMigrations: false }) as DrainView;
    const drainOf = async () => ((await api.call('migration.operations', {})) as { drains: DrainView[] }).drains.find((d) => d.id === started.id)!;
    // Kill while some VMs have moved and others are on their way.
    await expect.poll(async () => (await drainOf()).counts.completed, { timeout: 60_000, intervals: [100] }).toBeGreaterThan(1);
    expect((await drainOf()).status).toBe('running');
    api.close();
    await served.stop('SIGKILL');

    served = await serveConsole({ dataDir });
    api = await connectToCore(served);
    const back = await drainOf();
    expect(back.status).toBe('running');
    expect(back.events.map((e) => e.message).join('\n')).toMatch(/console restarted during this drain/);
    await api.call('lab.setSpeed', { speed: 'max' });
    await openMigrations(page, served);
    const drain = page.locator(`[data-testid="mig-drain"]`).filter({ hasText: 'HV-A03' }).first();
    await expect(drain).toHaveAttribute('data-status', 'completed', { timeout: 120_000 });
    const lane = page.getByTestId('lane-HV-A03');
    await expect(lane.getByTestId('lane-vms')).toHaveText('0');
    await expect(lane.getByTestId('lane-state')).toHaveText('Paused');
    const done = await drainOf();
    expect(done.events.map((e) => e.message).join('\n')).toMatch(/is drained: 0 VMs/);
    await api.call('lab.setSpeed', { speed: 60 });
    api.close();
  } finally {
    await served.stop();
  }
});
