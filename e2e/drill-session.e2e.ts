import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';
import { connectToCore } from './core-socket.ts';

const SHOTS = '/tmp/shots-drill-session';
mkdirSync(SHOTS, { recursive: true });
const ROOT = join(import.meta.dirname, '..');

async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}-1366x768.png`) });
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(SHOTS, `${name}-3840x2160.png`) });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.waitForTimeout(150);
}

/** `npm run serve -- token add NAME --role operator` as a person issuing a token does; answers the token. */
function issueToken(dataDir: string, name: string, role: 'operator' | 'signer' = 'operator'): string {
  const out = spawnSync(process.execPath, ['scripts/serve.mjs', '--no-build', 'token', 'add', name, '--role', role, '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8' });
  expect(out.status, out.stderr).toBe(0);
  return /^ {2}(\S+)$/m.exec(out.stdout)![1]!;
}

/** A drill of the default plan started and finished over the protocol: history for the trend chart. */
async function drillOverApi(api: Awaited<ReturnType<typeof connectToCore>>): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const preflight = await api.call('recovery.preflight', { id: 'full-site', type: 'test-failover' });
    const started = await api.attempt('recovery.start', { id: 'full-site', type: 'test-failover', acceptedWarnings: preflight.warnings.map((w: { id: string }) => w.id) });
    if (!started.ok) { if (attempt < 3) continue; throw new Error(JSON.stringify(started.error)); }
    const runId = (started.body as { id: string }).id;
    await expect.poll(async () => (await api.call('recovery.get', { runId })).status, { timeout: 120_000 }).toBe('completed');
    await api.call('recovery.finish', { runId, action: 'cleanup' });
    await expect.poll(async () => (await api.call('recovery.get', { runId })).finishes[0]?.status, { timeout: 60_000 }).toBe('done');
    return runId;
  }
}

test.describe('a drill an auditor accepts: named people sign off, and the plan keeps its history', () => {
  let served: ServedConsole;
  let owner: string;
  let nurse: string;
  test.beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'standby-e2e-drill-'));
    owner = issueToken(dataDir, 'B. Owner');
    // The clinical lead signs off and may do nothing else: a signer's token.
    nurse = issueToken(dataDir, 'A. Nurse', 'signer');
    served = await serveConsole({ dataDir });
  });
  test.afterAll(async () => { await served?.stop(); });

  test('a drill with a checklist, two sign-offs by two named tokens, then the trend chart and a comparison', async ({ page, browser }) => {
    test.setTimeout(420_000);
    const api = await connectToCore(served);
    await api.call('lab.setSpeed', { speed: 'max' });
    // A drill before this one, so the trend has more than one point.
    const earlier = await drillOverApi(api);

    await page.goto(`${served.origin}/?token=${owner}#/drills`);
    await expect(page.getByTestId('view-drills')).toBeVisible();
    await expect(page.getByTestId('actor')).toContainText('B. Owner');
    await page.getByTestId('new-run').click();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('preflight-verdict')).toContainText(/No blockers|All checks passed/, { timeout: 30_000 });
    const warnings = page.getByTestId('preflight-warnings').getByRole('checkbox');
    for (let i = 0; i < await warnings.count(); i++) await warnings.nth(i).check();
    await page.getByTestId('wizard-next').click();

    // The checklist: who is in the room, which roles sign off, which applications get verified.
    const form = page.getByTestId('drill-checklist-form');
    await expect(form).toBeVisible();
    await form.getByTestId('attendee-name').first().fill('C. Infra');
    await form.getByTestId('add-attendee').click();
    await form.getByTestId('attendee-name').nth(1).fill('B. Owner');
    await form.getByTestId('attendee-apps').nth(1).fill('EHR');
    await form.getByTestId('add-attendee').click();
    await form.getByTestId('attendee-name').nth(2).fill('A. Nurse');
    await form.getByTestId('attendee-role').nth(2).selectOption('clinical');
    await form.getByTestId('signoff-role-clinical').check();
    await form.getByTestId('drill-applications').fill('EHR, LIS');
    await shoot(page, '01-checklist');
    await page.getByTestId('start-run').click();
    const monitor = page.getByTestId('run-monitor');
    await expect(monitor).toBeVisible();
    const runId = (await monitor.getAttribute('data-run-id'))!;
    await expect(page.getByTestId('run-status')).toHaveText(/Completed/, { timeout: 120_000 });

    const session = page.getByTestId('drill-session');
    await expect(session.getByTestId('drill-checklist')).toContainText('B. Owner');
    await expect(session.getByTestId('drill-signed-in-as')).toHaveText('Signing as B. Owner');
    const ehr = session.locator('[data-testid="drill-app"][data-app="EHR"]');
    await ehr.getByTestId('sign-verified').click();
    await expect(ehr).toHaveAttribute('data-verdict', 'verified');
    await expect(ehr).toContainText('B. Owner (Application owner)');

    // The clinical lead signs from her own browser, with her own token.
    const other = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const nursePage = await other.newPage();
    await nursePage.goto(`${served.origin}/?token=${nurse}#/drills`);
    await nursePage.locator(`[data-testid="run-entry"][data-run-id="${runId}"]`).click();
    const lis = nursePage.locator('[data-testid="drill-app"][data-app="LIS"]');
    await expect(lis.getByTestId('sign-failed')).toBeDisabled();
    await lis.getByRole('textbox').fill('Results screen shows no results for today');
    await lis.getByTestId('sign-failed').click();
    await expect(lis).toHaveAttribute('data-verdict', 'failed');
    await expect(lis).toContainText('A. Nurse (Clinical)');
    // A signer cannot start anything: the console says why before she tries, and the server refuses.
    await expect(nursePage.getByTestId('actor')).toContainText('A. Nurse');
    const nurseApi = await connectToCore(served, `${served.origin}/?token=${nurse}`);
    const refused = await nurseApi.attempt('recovery.start', { id: 'full-site', type: 'test-failover', acceptedWarnings: [] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(refused.error!.message).toMatch(/as a signer \(drill sign-offs only\)/);
    nurseApi.close();
    await other.close();

    // Both reach the first page through the run's events, and the core holds them attributed.
    await expect(page.locator('[data-testid="drill-app"][data-app="LIS"]')).toHaveAttribute('data-verdict', 'failed');
    await page.getByTestId('drill-log').locator('summary').click();
    await shoot(page, '02-drill-session');
    const run = await api.call('recovery.get', { runId });
    expect(run.checklist.attendees.map((a: { name: string }) => a.name)).toEqual(['C. Infra', 'B. Owner', 'A. Nurse']);
    expect(run.signOffs.map((s: { application: string; verdict: string; by: { name: string } }) => [s.application, s.verdict, s.by.name])).toEqual([['EHR', 'verified', 'B. Owner'], ['LIS', 'failed', 'A. Nurse']]);
    expect(run.createdBy).toBe('B. Owner');

    await page.getByTestId('finish-cleanup').click();
    await expect(page.getByTestId('finish-cleanup-status')).toContainText(/^Done/, { timeout: 60_000 });
    await expect(page.getByTestId('drill-closed')).toContainText('cleanup by B. Owner');

    // The evidence pack of this drill carries both sign-offs, attributed, in its JSON and in its PDF.
    await page.getByTestId('evidence-make').click();
    await expect(page.getByTestId('evidence-verdict')).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
    await page.getByTestId('evidence').scrollIntoViewIfNeeded();
    await shoot(page, '02b-evidence');
    const dir = join(served.dataDir, 'evidence', runId);
    const pack = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as { attestations: { signOffs: { application: string; verdict: string; by: { name: string } }[] } };
    expect(pack.attestations.signOffs.map((s) => [s.application, s.verdict, s.by.name])).toEqual([['EHR', 'verified', 'B. Owner'], ['LIS', 'failed', 'A. Nurse']]);
    const text = spawnSync('pdftotext', ['-layout', join(dir, 'evidence.pdf'), '-'], { encoding: 'utf8' });
    expect(text.status, text.stderr).toBe(0);
    for (const line of ['B. Owner', 'A. Nurse', 'Results screen shows no results for today']) expect(text.stdout).toContain(line);
    const pages = spawnSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', join(dir, 'evidence.pdf'), join(SHOTS, 'evidence-page')], { encoding: 'utf8' });
    expect(pages.status, pages.stderr).toBe(0);

    // The plan: its drill cadence and history; two runs compared.
    const { plan } = await api.call('plans.get', { id: 'full-site' });
    await api.call('plans.update', { id: 'full-site', expectedRevision: plan.revision, plan: { name: plan.name, description: plan.description, groups: plan.groups, dependencies: plan.dependencies, settings: { ...plan.settings, drillCadenceDays: 30 } } });
    await page.getByTestId('tab-plans').click();
    await expect(page.getByTestId('drill-due')).toContainText(/Drill every 30 days · next drill due/);
    const history = page.getByTestId('plan-history');
    await expect(history.getByTestId('plan-history-run')).toHaveCount(2);
    await expect(history.locator(`[data-run-id="${runId}"]`)).toContainText('1');
    // Achieved and tier 0, one dot per run each; the wizard predicted the drill it started (its confirm
    // step rehearses the plan), so a predicted line too, and the prediction beside the achieved figure.
    await expect(history.getByTestId('trend-chart').locator('.recharts-line')).toHaveCount(3);
    await expect.poll(() => history.getByTestId('trend-chart').locator('.recharts-line-dots circle').count()).toBeGreaterThanOrEqual(5);
    await expect(history.getByTestId('trend-chart').locator('.recharts-legend-wrapper')).toContainText('Predicted');
    await expect(history.locator(`[data-run-id="${runId}"]`)).toContainText(/\d+ min \d+ s\s*\d+ min \d+ s/);
    for (const series of ['Achieved RTO', 'Tier 0', 'Failures']) await expect(history.getByTestId('trend-chart').locator('.recharts-legend-wrapper')).toContainText(series);
    await expect(history.getByTestId('trend-chart')).toContainText('target 1 h');
    await history.getByTestId('compare-pick').nth(0).check();
    await history.getByTestId('compare-pick').nth(1).check();
    await expect(history.getByTestId('compare-runs')).toContainText('Run #1 and run #2 side by side');
    await expect(history.getByTestId('compare-runs')).toContainText('Applications failed');
    await history.scrollIntoViewIfNeeded();
    await history.getByTestId('trend-chart').scrollIntoViewIfNeeded();
    await shoot(page, '03-trend-chart');
    await history.getByTestId('compare-runs').scrollIntoViewIfNeeded();
    await shoot(page, '04-compare');
    expect(earlier).not.toBe(runId);

    // A plan with the same cadence never drilled is overdue: on the plan and as an alert.
    const copy = await api.call('plans.duplicate', { id: 'full-site', name: 'Full site (copy)' });
    await expect.poll(async () => (await api.call('alerts.list', {})).alerts.filter((a: { kind: string; vmId: string }) => a.kind === 'drill-overdue').map((a: { vmId: string; message: string }) => [a.vmId, a.message]))
      .toEqual([[`plan:${copy.id}`, 'Full site (copy): never drilled; a drill is due every 30 days.']]);
    await page.getByTestId('tab-runs').click();
    await page.getByTestId('tab-plans').click();
    await expect(page.locator(`[data-testid="plan-entry"][data-plan-id="${copy.id}"]`).getByTestId('plan-entry-overdue')).toBeVisible();

    // The audit log names the people, not an address.
    const audit = readFileSync(join(served.dataDir, 'audit', 'audit.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { actor: string; action: string });
    expect(audit.filter((e) => e.action.startsWith('drill sign-off')).map((e) => [e.action, e.actor])).toEqual([['drill sign-off: verified', 'B. Owner'], ['drill sign-off: failed', 'A. Nurse']]);
    expect(audit.find((e) => e.action === 'recovery run started: test-failover' && e.actor === 'B. Owner')).toBeDefined();
    await api.call('lab.setSpeed', { speed: 60 });
    api.close();
  });
});
