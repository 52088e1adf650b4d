import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import Ajv2020 from 'ajv/dist/2020.js';
import { connectToCore } from './core-socket.ts';
import { serveConsole } from './serve-fixture.ts';

const SHOTS = '/tmp/shots-drills';
mkdirSync(SHOTS, { recursive: true });
const ROOT = join(import.meta.dirname, '..');

test('a drill through the wizard is predicted first and leaves an evidence pack that verifies until its journal is edited', async ({ page }) => {
  test.setTimeout(300_000);
  const served = await serveConsole();
  try {
    const api = await connectToCore(served);
    await api.call('lab.setSpeed', { speed: 'max' });
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${served.operatorUrl}#/drills`);
    await expect(page.getByTestId('view-drills')).toBeVisible();
    await page.getByTestId('wizard-next').click();
    await page.getByTestId('wizard-next').click();
    await expect(page.getByTestId('preflight-verdict')).toContainText(/No blockers|All checks passed/, { timeout: 60_000 });
    const boxes = page.getByTestId('preflight-warnings').getByRole('checkbox');
    for (let i = 0; i < await boxes.count(); i++) await boxes.nth(i).check();
    await page.getByTestId('wizard-next').click();
    // The confirm step shows what the drill is expected to achieve, rehearsed on a copy of the estate.
    const prediction = page.getByTestId('prediction');
    await expect(prediction).toHaveAttribute('data-verdict', 'met', { timeout: 120_000 });
    await expect(page.getByTestId('prediction-rto')).toHaveText(/\d+ min/);
    await expect(prediction).toContainText('Bottleneck: DR cluster');
    await prediction.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'prediction-1366x768.png') });

    await page.getByTestId('start-run').click();
    await expect(page.getByTestId('run-status')).toHaveText(/Completed/, { timeout: 180_000 });
    await page.getByTestId('finish-cleanup').click();
    await expect(page.getByTestId('finish-cleanup-status')).toContainText(/^Done/, { timeout: 90_000 });
    const runId = (await page.getByTestId('run-monitor').getAttribute('data-run-id'))!;

    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await page.getByTestId('evidence-make').click();
    await expect(page.getByTestId('evidence-verdict')).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
    await expect.poll(() => downloads.sort()).toEqual([`standby-evidence-${runId}.html`, `standby-evidence-${runId}.json`, `standby-evidence-${runId}.pdf`]);
    await page.getByTestId('evidence').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SHOTS, 'evidence-1366x768.png') });

    // The pack in the data folder: JSON valid against the JSON Schema written beside it, PDF pages to images.
    const dir = join(served.dataDir, 'evidence', runId);
    const schema = JSON.parse(readFileSync(join(dir, 'evidence.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ strict: false, allErrors: true }).compile(schema);
    const pack = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8')) as { cleanup: { status: string }; summary: { vms: unknown[] } };
    expect(validate(pack), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    expect(pack.cleanup.status).toBe('proven');
    expect(pack.summary.vms.length).toBeGreaterThan(500);
    const pages = spawnSync('pdftoppm', ['-png', '-r', '60', join(dir, 'evidence.pdf'), join(SHOTS, 'report-page')], { encoding: 'utf8' });
    expect(pages.status, pages.stderr).toBe(0);
    expect(readdirSync(SHOTS).filter((f) => f.startsWith('report-page')).length).toBeGreaterThan(3);
    // A pack whose report was opened in a browser still verifies; a journal with one byte changed does not.
    await page.goto(`file://${join(dir, 'evidence.html')}`);
    await page.screenshot({ path: join(SHOTS, 'report-1366x768.png') });
    const journal = join(served.dataDir, 'runs', `${runId}.jsonl`);
    const bytes = readFileSync(journal);
    const at = bytes.indexOf('"status":"done"');
    bytes[at + 10] = 'D'.charCodeAt(0);
    writeFileSync(journal, bytes);
    const verified = spawnSync(process.execPath, ['scripts/standby.mjs', 'verify', dir, '--data-dir', served.dataDir], { cwd: ROOT, encoding: 'utf8' });
    expect(verified.status, verified.stderr).toBe(1);
    expect(verified.stderr).toMatch(/FAIL journal hash chain: line \d+ of runs\//);
    api.close();
  } finally {
    await served.stop();
  }
});

test('the headless drill exits 0 on the lab, and non-zero on a plan whose target is impossible', async () => {
  test.setTimeout(300_000);
  const dataDir = mkdtempSync(join(tmpdir(), 'standby-headless-'));
  const report = join(dataDir, 'report');
  const ok = spawnSync(process.execPath, ['scripts/standby.mjs', 'drill', '--plan', 'full-site', '--backend', 'lab', '--report', report, '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8' });
  expect(ok.status, ok.stderr).toBe(0);
  expect(ok.stdout).toMatch(/^drill full-site: RTO .* target met; \d+\/\d+ VMs healthy; cleanup proven; evidence /m);
  expect(ok.stderr).toContain('Predicted RTO');
  expect(readdirSync(report).sort()).toEqual(['SHA256SUMS', 'evidence.html', 'evidence.json', 'evidence.pdf', 'evidence.schema.json']);

  const plan = JSON.parse(readFileSync(join(dataDir, 'plans', 'full-site.json'), 'utf8')) as { id: string; name: string; settings: { rtoTargetSec: number } };
  writeFileSync(join(dataDir, 'plans', 'impossible.json'), JSON.stringify({ ...plan, id: 'impossible', name: 'Impossible', settings: { ...plan.settings, rtoTargetSec: 60 } }));
  const missed = spawnSync(process.execPath, ['scripts/standby.mjs', 'drill', '--plan', 'impossible', '--data-dir', dataDir], { cwd: ROOT, encoding: 'utf8' });
  expect(missed.status, missed.stderr).toBe(1);
  expect(missed.stdout).toMatch(/TARGET MISSED/);
});
