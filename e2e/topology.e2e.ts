import { expect, test } from '@playwright/test';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';

let served: ServedConsole;
test.beforeAll(async () => { served = await serveConsole(); });
test.afterAll(async () => { await served.stop(); });

test('a user opens the console and sees the three sites of the lab estate', async ({ page }) => {
  await page.goto(served.operatorUrl);
  await expect(page.getByTestId('connection-state')).toContainText(/connected/i);
  const tree = page.getByTestId('topology-tree');
  await expect(tree).toBeVisible();
  await expect(page.getByTestId('site-switcher')).toContainText('Riverside');
  await page.getByRole('button', { name: 'Collapse all' }).click();
  await expect(tree.getByRole('treeitem', { level: 1 })).toHaveCount(3);
  await expect(tree.getByRole('treeitem', { name: /^Northgate/ })).toBeVisible();
  await expect(tree.getByRole('treeitem', { name: /^Riverside/ })).toBeVisible();
  await expect(tree.getByRole('treeitem', { name: /^Cloud region/ })).toBeVisible();
  // The lab clock runs: it shows a time and changes.
  const clock = page.getByTestId('lab-clock');
  const first = await clock.textContent();
  await expect.poll(async () => clock.textContent(), { timeout: 5000 }).not.toBe(first);
});

test('a user expands a host and sees its VMs with capacity', async ({ page }) => {
  await page.goto(served.operatorUrl);
  const tree = page.getByTestId('topology-tree');
  const host = tree.getByRole('treeitem', { name: /^HV-A01\b/ });
  await expect(host).toBeVisible();
  await expect(host).toHaveAttribute('aria-expanded', 'false');
  await host.click();
  await page.keyboard.press('ArrowRight');
  await expect(host).toHaveAttribute('aria-expanded', 'true');
  const vmRows = tree.getByRole('treeitem', { level: 4 });
  await expect(vmRows.first()).toBeVisible();
  expect(await vmRows.count()).toBeGreaterThan(5);
  await expect(host).toContainText(/CPU|%/);
});

test('a user finds one VM among 600 by typing its name', async ({ page }) => {
  await page.goto(served.operatorUrl);
  await expect(page.getByTestId('topology-tree').getByRole('treeitem', { name: /^HV-A01\b/ })).toBeVisible();
  await page.keyboard.press('/');
  const search = page.getByTestId('topology-search');
  await expect(search).toBeFocused();
  await search.fill('EHRDB07');
  const tree = page.getByTestId('topology-tree');
  // The primary, its replica at DR and its extended replica in the cloud: three copies of one VM.
  await expect(tree.getByRole('treeitem', { name: /^EHRDB07\b/ })).toHaveCount(3);
  await expect(tree.getByRole('treeitem', { name: /^EHRDB01\b/ })).toHaveCount(0);
  await search.fill('no-such-vm-anywhere');
  await expect(tree.getByRole('treeitem', { level: 4 })).toHaveCount(0);
});

test('keyboard alone walks the tree', async ({ page }) => {
  await page.goto(served.operatorUrl);
  const tree = page.getByTestId('topology-tree');
  await expect(tree.getByRole('treeitem', { name: /^HV-A01\b/ })).toBeVisible();
  await tree.getByRole('treeitem', { level: 1 }).first().focus();
  await page.keyboard.press('ArrowDown');
  await expect(tree.getByRole('treeitem', { name: /^CL-A\b/ })).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(tree.getByRole('treeitem', { name: /^CL-A\b/ })).toHaveAttribute('aria-expanded', 'false');
});

test('a viewer link shows the estate read-only and the server refuses its changes', async ({ page }) => {
  await page.goto(served.viewerUrl);
  await expect(page.getByTestId('status-bar')).toContainText(/viewer/i);
  await expect(page.getByTestId('topology-tree').getByRole('treeitem', { name: /^Northgate/ })).toBeVisible();
  // Go around the UI: speak the protocol directly with the viewer token, as a curious user could.
  const answer = await page.evaluate(async () => {
    const token = new URL(location.href).searchParams.get('token') ?? sessionStorage.getItem('standby.token') ?? '';
    const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
    return await new Promise<unknown>((resolve) => {
      ws.onmessage = (m) => {
        const frame = JSON.parse(m.data as string);
        if (frame.t === 'hello') ws.send(JSON.stringify({ t: 'req', id: 1, ch: 'settings.update', body: { theme: 'dark' } }));
        if (frame.t === 'res') resolve(frame);
      };
    });
  });
  expect(answer).toMatchObject({ ok: false, error: { code: 'forbidden' } });
});

test('a wrong link says so instead of spinning', async ({ page }) => {
  await page.goto(`${served.origin}/?token=not-the-token`);
  await expect(page.getByTestId('connection-state')).toContainText(/token|link|unauthori/i);
});
