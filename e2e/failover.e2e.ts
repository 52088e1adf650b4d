import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';
import { connectToCore } from './core-socket.ts';

const SHOTS = '/tmp/shots-failover';
mkdirSync(SHOTS, { recursive: true });


/** The same page at the operator's workstation size and on the NOC wall. */
async function shoot(page: Page, name: string) {
  await page.screenshot({ path: join(SHOTS, `${name}-1366x768.png`) });
  await page.setViewportSize({ width: 3840, height: 2160 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS, `${name}-3840x2160.png`) });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.waitForTimeout(100);
}

async function acceptAllWarnings(page: Page) {
  const warnings = page.getByTestId('preflight-warnings');
  if (await warnings.count() === 0) return;
  const boxes = warnings.getByRole('checkbox');
  for (let i = 0; i < await boxes.count(); i++) {
    const box = boxes.nth(i);
    if (!(await box.isChecked())) await box.check();
  }
}

/**
 * Clicks start on the confirmation step. The core checks again at start; when the estate changed in
 * between (lab at full speed), the wizard goes back to the preflight with the new checks to accept.
 */
async function startRun(page: Page, planName?: string) {
  for (let attempt = 0; attempt < 4; attempt++) {
    if (planName) await page.getByTestId('confirm-plan-name').fill(planName);
    await page.getByTestId('start-run').click();
    const outcome = await Promise.race([
      page.getByTestId('run-monitor').waitFor().then(() => 'started' as const),
      page.getByTestId('preflight-notice').waitFor().then(() => 'back' as const),
    ]);
    if (outcome === 'started') return;
    await expect(page.getByTestId('preflight-verdict')).toContainText(/No blockers|All checks passed/, { timeout: 30_000 });
    await acceptAllWarnings(page);
    await page.getByTestId('wizard-next').click();
  }
  throw new Error('The run did not start after four tries');
}

async function openView(page: Page, served: ServedConsole, view: 'failover' | 'drills') {
  await page.goto(`${served.operatorUrl}#/${view}`);
  await expect(page.getByTestId(`view-${view}`)).toBeVisible();
}

test.describe('failover wizard on one console', () => {
  let served: ServedConsole;
  test.beforeAll(async () => { served = await serveConsole(); });
  test.afterAll(async () => { await served.stop(); });

  test('a test-failover drill of the default plan runs through the wizard to cleanup', async ({ page }) => {
    test.setTimeout(180_000);
    const api = await connectToCore(served);
    await api.call('lab.setSpeed', { speed: 'max' });
    await openView(page, served, 'drills');
    const wizard = page.getByTestId('failover-wizard');
    await expect(wizard).toBeVisible();
    // Step 1: plan and run type. The default plan is chosen, and what it resolves to is shown.
    await expect(wizard.getByRole('radio', { name: /Full site/ })).toBeChecked();
    await expect(page.getByTestId('wizard-resolution')).toContainText(/\d+ VMs in 3 groups/);
    await expect(wizard.getByRole('radio', { name: /Test failover/ })).toBeChecked();
    await expect(wizard.getByRole('radio', { name: /Unplanned failover/ })).toBeDisabled();
    await shoot(page, '01-choose');
    await page.getByTestId('wizard-next').click();
    // Step 2: recovery point policy.
    await expect(wizard.getByRole('radio', { name: /^Latest The newest/ })).toBeChecked();
    await shoot(page, '02-policy');
    await page.getByTestId('wizard-next').click();
    // Step 3: preflight; each warning must be accepted before Next is possible.
    await expect(page.getByTestId('preflight-verdict')).toContainText(/No blockers|All checks passed/, { timeout: 30_000 });
    // The lab has replicas whose test VM would start unplugged or join production: a drill says so.
    await expect(page.getByTestId('preflight-warnings')).toContainText(/External switch 'vSwitch-Prod'.*HL7IE05/);
    await shoot(page, '03-preflight');
    if (await page.getByTestId('preflight-warnings').count() > 0) await expect(page.getByTestId('wizard-next')).toBeDisabled();
    await acceptAllWarnings(page);
    await expect(page.getByTestId('wizard-next')).toBeEnabled();
    await page.getByTestId('wizard-next').click();
    // Step 4: a drill touches no production: no name to type.
    await expect(page.getByTestId('confirm-panel')).toContainText('Test failover of “Full site”');
    await expect(page.getByTestId('confirm-plan-name')).toHaveCount(0);
    await shoot(page, '04-confirm-test');
    await startRun(page);
    // Live run.
    const monitor = page.getByTestId('run-monitor');
    await expect(monitor).toBeVisible();
    await expect(page.getByTestId('run-groups').getByTestId('run-group')).toHaveCount(3);
    await expect(page.getByTestId('run-elapsed')).toContainText(/of 1 h target/);
    await expect(page.getByTestId('run-boot-limits')).toHaveText('boots at once: 4 per host, 16 per cluster');
    await shoot(page, '05-live-run');
    await expect(page.getByTestId('run-status')).toHaveText(/Completed/, { timeout: 120_000 });
    await expect(page.getByTestId('summary-verdict')).toContainText(/All healthy/);
    await shoot(page, '06-finish-test');
    // Finish: clean up the test VMs.
    await page.getByTestId('finish-cleanup').click();
    await expect(page.getByTestId('finish-cleanup-status')).toContainText(/^Done/, { timeout: 60_000 });
    await expect(page.getByTestId('finish-cleanup')).toBeDisabled();
    const runId = await monitor.getAttribute('data-run-id');
    const run = await api.call('recovery.get', { runId });
    expect(run.finishes).toEqual([expect.objectContaining({ action: 'cleanup', status: 'done' })]);
    await shoot(page, '07-cleaned-up');
    await api.call('lab.setSpeed', { speed: 60 });
    api.close();
  });

  test('an unplanned full-site failover after primary-site loss reaches all healthy and reports RTO and RPO', async ({ page }) => {
    test.setTimeout(180_000);
    const api = await connectToCore(served);
    await api.call('lab.injectFault', { kind: 'primary-site-loss' });
    // The data lost is counted up to the run's start: keep the lab near real time while the operator
    // goes through the wizard, as a real one would be, then run as fast as possible.
    await api.call('lab.setSpeed', { speed: 60 });
    await openView(page, served, 'failover');
    await page.getByTestId('new-run').click();
    const wizard = page.getByTestId('failover-wizard');
    await wizard.getByRole('radio', { name: /Full site/ }).check();
    await wizard.getByRole('radio', { name: /Unplanned failover/ }).check();
    // Which way the run goes is named on every page of the wizard.
    await expect(page.getByTestId('wizard-direction')).toContainText(/From .*primary.* to .*DR/);
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('wizard-direction')).toContainText(/From .*primary.* to .*DR/);
    await wizard.getByRole('radio', { name: /^Latest The newest/ }).check();
    await page.getByTestId('wizard-next').click();
    // With the primary site gone nothing blocks an unplanned failover.
    await expect(page.getByTestId('preflight-verdict')).toContainText(/No blockers|All checks passed/, { timeout: 30_000 });
    await shoot(page, '08-preflight-unplanned');
    await acceptAllWarnings(page);
    await page.getByTestId('wizard-next').click();
    // The most dangerous run asks for the plan name, typed exactly.
    const start = page.getByTestId('start-run');
    await expect(start).toBeDisabled();
    await page.getByTestId('confirm-plan-name').fill('full site');
    await expect(start).toBeDisabled();
    await shoot(page, '09-confirm-unplanned');
    await page.getByTestId('confirm-plan-name').fill('Full site');
    await expect(start).toBeEnabled();
    await startRun(page, 'Full site');
    await expect(page.getByTestId('run-monitor')).toBeVisible();
    await api.call('lab.setSpeed', { speed: 'max' });
    await shoot(page, '10-live-unplanned');
    await expect(page.getByTestId('run-status')).toHaveText(/Completed/, { timeout: 120_000 });
    await expect(page.getByTestId('summary-verdict')).toContainText(/All healthy/);
    await expect(page.getByTestId('summary-rto')).toContainText(/\d+ (s|min|h)/);
    await expect(page.getByTestId('summary-rpo')).toContainText(/\d+ (s|min|h|d)/);
    // Per VM: every row done, with an RTO and an RPO.
    const firstRow = page.getByTestId('run-vm').first();
    await expect(firstRow).toHaveAttribute('data-status', 'done');
    await expect(firstRow.locator('.c-rto')).toHaveText(/\d/);
    await expect(firstRow.locator('.c-rpo')).toHaveText(/\d/);
    // RTO counted from the site loss, and said so; RPO measured to when the primary was last seen.
    await expect(page.getByTestId('summary-rto-from')).toContainText(/counted from the site loss/);
    await expect(page.getByTestId('summary-rpo-basis')).toContainText(/last seen alive/);
    await expect(page.getByTestId('summary-tiers')).toContainText(/Tier 0/);
    await shoot(page, '11-summary-unplanned');
    const runId = await page.getByTestId('run-monitor').getAttribute('data-run-id');
    const summary = await api.call('recovery.summary', { runId });
    expect(summary.rtoFrom.basis).toBe('site-lost');
    // Reverse while the primary site is still down: refused once, with the reason, not 596 failures.
    await page.getByTestId('finish-reverse').click();
    await expect(page.getByTestId('run-action-feedback')).toContainText(/Replication cannot be reversed yet.*down/);
    await shoot(page, '11b-reverse-refused');
    expect(summary.vmsNotRecovered).toBe(0);
    expect(summary.vmsSkipped).toBe(0);
    expect(summary.vmsHealthy).toBe(summary.vms.length);
    expect(summary.achievedRtoSec).toBeGreaterThan(0);
    expect(summary.maxRpoSec).not.toBeNull();
    expect(summary.vms.every((vm: { rpoSec: number | null; rtoSec: number | null }) => vm.rpoSec !== null && vm.rtoSec !== null)).toBe(true);
    // Before committing, another recovery point: the replicas are taken back and fail over again.
    await page.getByTestId('finish-repoint').click();
    await expect(page.getByTestId('repoint-form')).toBeVisible();
    await shoot(page, '11c-repoint-form');
    page.once('dialog', (dialog) => { expect(dialog.message()).toMatch(/Take the failover of \d+ VMs back/); void dialog.accept(); });
    await page.getByTestId('repoint-confirm').click();
    await expect(page.getByTestId('finish-repoint-status')).toContainText(/^Done/, { timeout: 120_000 });
    await expect(page.getByTestId('summary-verdict')).toContainText(/All healthy/);
    await shoot(page, '11d-repoint-done');
    // Commit is offered and works; after it the failover cannot be taken back.
    await page.getByTestId('finish-commit').click();
    await expect(page.getByTestId('finish-commit-status')).toContainText(/^Done/, { timeout: 60_000 });
    await expect(page.getByTestId('finish-repoint')).toBeDisabled();
    await expect(page.getByTestId('finish-repoint')).toHaveAttribute('title', /committed/);
    api.close();
  });

  test('a viewer watches a run but cannot act, and says so', async ({ page }) => {
    await page.goto(`${served.viewerUrl}#/failover`);
    await expect(page.getByTestId('view-failover')).toBeVisible();
    const entry = page.getByTestId('run-entry').first();
    await expect(entry).toBeVisible();
    await entry.click();
    await expect(page.getByTestId('run-monitor')).toBeVisible();
    await expect(page.getByTestId('run-finish')).toContainText(/Read-only \(viewer\)/);
    await expect(page.getByTestId('finish-reverse')).toBeDisabled();
    await expect(page.getByTestId('finish-repoint')).toBeDisabled();
  });
});

test('a manual step waits for a click, and a failed VM waits for retry, skip or abort', async ({ page }) => {
  test.setTimeout(120_000);
  const served = await serveConsole();
  try {
    const api = await connectToCore(served);
    await api.call('plans.create', { plan: {
      name: 'EHR pair',
      groups: [
        { name: 'Databases', members: [{ vm: 'EHRDB01' }, { vm: 'EHRDB02' }], after: [{ kind: 'manual', name: 'Check the EHR database', instructions: 'Log in to EHRDB01 and run the consistency check.' }] },
        { name: 'Apps', members: [{ vm: 'EHRAPP01' }] },
      ],
    } });
    // The replica of EHRDB02 will not start: its failover waits for the operator.
    await api.call('lab.injectFault', { kind: 'primary-site-loss' });
    await api.call('lab.injectFault', { kind: 'vm-boot-failure', vm: 'EHRDB02', mode: 'start-error' });
    await openView(page, served, 'failover');
    const wizard = page.getByTestId('failover-wizard');
    await wizard.getByRole('radio', { name: /EHR pair/ }).check();
    await wizard.getByRole('radio', { name: /Unplanned failover/ }).check();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('preflight-verdict')).toContainText(/No blockers|All checks passed/, { timeout: 30_000 });
    await acceptAllWarnings(page);
    await page.getByTestId('wizard-next').click();
    await api.call('lab.setSpeed', { speed: 600 });
    await startRun(page, 'EHR pair');
    const attention = page.getByTestId('run-attention');
    const failure = attention.getByTestId('attention-item').filter({ hasText: 'EHRDB02' });
    await expect(failure).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId('run-vm').filter({ hasText: 'EHRDB02' })).toHaveAttribute('data-status', 'waiting-operator');
    await shoot(page, '15-failure-decision');
    await failure.getByRole('button', { name: 'Skip this VM' }).click();
    const manual = attention.getByTestId('attention-item').filter({ hasText: 'Check the EHR database' });
    await expect(manual).toContainText('Log in to EHRDB01 and run the consistency check.', { timeout: 60_000 });
    await expect(page.getByTestId('run-status')).toHaveText(/Running/);
    await shoot(page, '16-manual-step');
    await manual.getByRole('button', { name: /Done/ }).click();
    await expect(page.getByTestId('run-status')).toHaveText(/Completed/, { timeout: 60_000 });
    await expect(page.getByTestId('summary-verdict')).toContainText(/2 of 3 VMs healthy · 3 failed over · 1 skipped/);
    // A skipped VM is a miss: never "within the target".
    await expect(page.getByTestId('summary-rto-verdict')).toContainText(/missed/);
    const run = await api.call('recovery.get', { runId: await page.getByTestId('run-monitor').getAttribute('data-run-id') });
    expect(run.groups[0].after[0]).toMatchObject({ status: 'done', confirmedBy: expect.any(String) });
    expect(run.vms.find((v: { name: string }) => v.name === 'EHRDB02').status).toBe('skipped');
    api.close();
  } finally {
    await served.stop();
  }
});

test('a run survives the server being killed mid-run and fails each VM over exactly once', async ({ page }) => {
  test.setTimeout(240_000);
  let served = await serveConsole();
  const dataDir = served.dataDir;
  try {
    let api = await connectToCore(served);
    const report = await api.call('recovery.preflight', { id: 'full-site', type: 'test-failover' });
    expect(report.blockers).toEqual([]);
    await api.call('lab.setSpeed', { speed: 60 });
    const started = await api.call('recovery.start', { id: 'full-site', type: 'test-failover', acceptedWarnings: report.warnings.map((w: { id: string }) => w.id) });
    const runId: string = started.id;
    await openView(page, served, 'drills');
    await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-run-id', runId);
    // Mid-run: some VMs failed over, most not yet.
    await expect.poll(async () => (await api.call('recovery.get', { runId })).vms.filter((v: { timing: { failoverDoneAt: number | null } }) => v.timing.failoverDoneAt !== null).length, { timeout: 60_000, intervals: [100] }).toBeGreaterThan(20);
    const before = await api.call('recovery.get', { runId });
    expect(before.status).toBe('running');
    api.close();
    await served.stop('SIGKILL');

    served = await serveConsole({ dataDir });
    api = await connectToCore(served);
    await api.call('lab.setSpeed', { speed: 'max' });
    // Reopening the console shows the run where it is, resumed.
    await openView(page, served, 'drills');
    await expect(page.getByTestId('run-monitor')).toHaveAttribute('data-run-id', runId);
    await expect(page.getByTestId('run-monitor')).toContainText(/resumed after 1 console restart/);
    await expect(page.getByTestId('run-status')).toHaveText(/Completed/, { timeout: 180_000 });
    const run = await api.call('recovery.get', { runId });
    expect(run.resumedCount).toBe(1);
    for (const vm of run.vms as { name: string; status: string; steps: { kind: string; status: string }[] }[]) {
      expect(vm.status, vm.name).toBe('done');
      expect(vm.steps.filter((s) => s.kind === 'test-failover' && s.status === 'done'), vm.name).toHaveLength(1);
    }
    // Exactly once, as the backend saw it: one Start-VMFailover sent per VM for this run. The audit
    // writes "started" to disk before each call goes out, so a call cut short by the kill still counts.
    const calls = new Map<string, number>();
    for (const line of readFileSync(join(dataDir, 'audit', 'audit.jsonl'), 'utf8').split('\n')) {
      if (!line) continue;
      const entry = JSON.parse(line) as { action: string; target: string; result: string; context?: { runId?: string } };
      if (entry.context?.runId !== runId || !entry.action.startsWith('Start-VMFailover') || entry.result !== 'started') continue;
      const vm = entry.target.replace(/ on .*$/, '');
      calls.set(vm, (calls.get(vm) ?? 0) + 1);
    }
    const repeated = [...calls].filter(([, n]) => n > 1).map(([vm, n]) => `${vm}×${n}`);
    expect(repeated, 'VMs failed over more than once').toEqual([]);
    expect(calls.size).toBe(run.vms.length);
    api.close();
  } finally {
    await served.stop();
  }
});
