import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';

const SHOTS = '/tmp/shots-failover';
mkdirSync(SHOTS, { recursive: true });

let served: ServedConsole;
test.beforeAll(async () => { served = await serveConsole(); });
test.afterAll(async () => { await served.stop(); });

async function openPlans(page: Page) {
  await page.goto(`${served.operatorUrl}#/failover`);
  await page.getByTestId('tab-plans').click();
  await expect(page.getByTestId('plans-view')).toBeVisible();
  await expect(page.getByTestId('plan-entry').first()).toBeVisible();
}

test('an invalid plan file in the plans folder is listed with its file, JSON path and problem, and not loaded', async ({ page }) => {
  await openPlans(page);
  const good = JSON.parse(readFileSync(join(served.dataDir, 'plans', 'full-site.json'), 'utf8')) as { id: string; name: string; groups: { members: unknown[] }[] };
  good.id = 'broken';
  good.name = 'Broken plan';
  good.groups[1]!.members[0] = { query: 'tier:1', vm: 'EHRDB01' };
  writeFileSync(join(served.dataDir, 'plans', 'broken.json'), JSON.stringify(good, null, 2));
  writeFileSync(join(served.dataDir, 'plans', 'torn.json'), '{\n  "name": "torn",\n');
  await page.reload();
  await page.getByTestId('tab-plans').click();
  const invalid = page.getByTestId('invalid-plans');
  await expect(invalid).toBeVisible();
  await expect(invalid.getByTestId('invalid-plan').filter({ hasText: 'broken.json' })).toContainText('groups[1].members[0]');
  await expect(invalid.getByTestId('invalid-plan').filter({ hasText: 'torn.json' })).toContainText(/not valid JSON/);
  // Nothing of the broken file is used.
  await expect(page.getByTestId('plan-entry').filter({ hasText: 'Broken plan' })).toHaveCount(0);
  await page.screenshot({ path: join(SHOTS, '12-plans-invalid-1366x768.png') });
});

test('importing an invalid plan file is refused with the file, path and problem', async ({ page }) => {
  await openPlans(page);
  const chooser = page.waitForEvent('filechooser');
  await page.getByTestId('plan-import').click();
  await (await chooser).setFiles({
    name: 'night-shift.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ name: 'Night shift', groups: [{ name: 'Tier 0', members: [{ vm: '' }] }] })),
  });
  const notice = page.getByTestId('plans-notice');
  await expect(notice).toContainText('night-shift.json was not imported');
  await expect(notice).toContainText('groups[0].members[0]');
  await page.screenshot({ path: join(SHOTS, '13-plans-import-refused-1366x768.png') });
  // A valid one is imported and selected.
  const chooser2 = page.waitForEvent('filechooser');
  await page.getByTestId('plan-import').click();
  await (await chooser2).setFiles({
    name: 'ehr-only.json', mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify({ name: 'EHR only', groups: [{ name: 'EHR', members: [{ query: 'app:ehr' }] }] })),
  });
  await expect(notice).toContainText('Imported “EHR only”');
  await expect(page.getByTestId('plan-detail')).toContainText('EHR only');
});

test('a plan is duplicated, edited with live validation, saved and exported', async ({ page }) => {
  await openPlans(page);
  await page.getByTestId('plan-entry').filter({ hasText: 'Full site' }).first().click();
  await expect(page.getByTestId('plan-resolution')).toContainText(/\d+ VMs resolve/);
  await expect(page.getByTestId('plan-group')).toHaveCount(3);
  await page.getByTestId('plan-duplicate').click();
  await expect(page.getByTestId('plan-detail')).toContainText('Full site (copy)');
  await page.getByTestId('plan-edit').click();
  const editor = page.getByTestId('plan-json');
  const text = await editor.inputValue();
  const draft = JSON.parse(text) as { name: string; groups: { name: string }[] };
  draft.groups[0]!.name = '';
  await editor.fill(JSON.stringify(draft, null, 2));
  await expect(page.getByTestId('plan-problems-live')).toContainText('groups[0].name');
  await expect(page.getByTestId('plan-save')).toBeDisabled();
  await page.screenshot({ path: join(SHOTS, '14-plan-editor-1366x768.png') });
  draft.groups[0]!.name = 'Tier 0 first';
  draft.name = 'Full site — night';
  await editor.fill(JSON.stringify(draft, null, 2));
  await expect(page.getByTestId('plan-save')).toBeEnabled();
  await page.getByTestId('plan-save').click();
  await expect(page.getByTestId('plans-notice')).toContainText('Saved “Full site — night” (revision 2)');
  await expect(page.getByTestId('plan-detail')).toContainText('Tier 0 first');
  const download = page.waitForEvent('download');
  await page.getByTestId('plan-export').click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('full-site-copy.json');
  const exported = JSON.parse(readFileSync(await file.path(), 'utf8')) as { name: string; revision: number };
  expect(exported).toMatchObject({ name: 'Full site — night', revision: 2 });
});
