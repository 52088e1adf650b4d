import { expect, test, type Page } from '@playwright/test';
import { LabSimulation } from '../electron/core/backends/lab/simulation.ts';
import { DoubleHub, FAKE_POWERSHELL } from '../electron/core/testing/powershell-double/double-hub.ts';
import { labDoubleEstate } from '../electron/core/testing/powershell-double/lab-double-estate.ts';
import { DEFAULT_SETTINGS } from '../shared/model/settings.ts';
import { serveConsole, type ServedConsole } from './serve-fixture.ts';

/**
 * The Connections screen on the lab server. Connection tests reach the process-boundary double: the
 * server starts the fake shell (STANDBY_POWERSHELL) and the shell asks the hub in this process, which
 * answers from a lab estate with the same names and refuses nodes the way Windows would.
 */
const sim = new LabSimulation({ seed: DEFAULT_SETTINGS.lab.seed, vmCount: DEFAULT_SETTINGS.lab.vmCount, startTime: Date.UTC(2026, 10, 25, 3) });
const hub = new DoubleHub(labDoubleEstate(sim));
const PASSWORD = 'Tr0ub4dor&3-not-echoed';
const drCluster = [...sim.world.clusters.values()].find((c) => c.siteId === 'site-dr')!;
const drNode = sim.world.hosts.get(drCluster.hostIds[0]!)!.name;

let served: ServedConsole;
let served2: ServedConsole | null = null;
test.beforeAll(async () => {
  await hub.listen();
  const saved = { ...process.env };
  Object.assign(process.env, { STANDBY_POWERSHELL: FAKE_POWERSHELL, STANDBY_DOUBLE_HUB: hub.path, STANDBY_DOUBLE_NODE: process.execPath });
  try {
    served = await serveConsole();
  } finally {
    for (const key of ['STANDBY_POWERSHELL', 'STANDBY_DOUBLE_HUB', 'STANDBY_DOUBLE_NODE']) if (saved[key] === undefined) delete process.env[key]; else process.env[key] = saved[key];
  }
});
test.afterAll(async () => {
  await served?.stop();
  await served2?.stop();
  await hub.close();
});

async function openConnections(page: Page, url: string) {
  await page.goto(url);
  // A click that lands while the first snapshot is still rendering (another worker's 600-VM run keeps
  // the machine busy) can be lost: click again until the view shows.
  await expect(async () => {
    await page.getByTestId('nav-connections').click();
    await expect(page.getByTestId('connections-view')).toBeVisible({ timeout: 3_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByTestId('site-card')).toHaveCount(3);
}
const card = (page: Page, siteId: string) => page.locator(`[data-testid="site-card"][data-site-id="${siteId}"]`);

test('the Connections screen shows one card per site of the lab, and the form refuses what WinRM would', async ({ page }) => {
  const frames: string[] = [];
  page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
  await openConnections(page, served.operatorUrl);
  await expect(page.getByTestId('backend-active')).toContainText('the lab');
  const pri = card(page, 'site-pri');
  await expect(pri).toContainText('Northgate');
  await expect(pri.getByTestId('site-state')).toContainText(/Not connected.*no connection set up/);
  await expect(pri.getByTestId('card-reconnect')).toBeDisabled();
  await expect(pri.getByTestId('card-test')).toBeDisabled();

  await pri.getByTestId('card-edit').click();
  const form = pri.getByTestId('profile-form');
  // Prefilled from the estate: the site's clusters.
  await expect(form.getByTestId('field-clusters')).toHaveValue(/CL-/);
  await form.getByTestId('field-clusters').fill('CL A; rm -rf');
  await form.getByTestId('field-username').fill('bob');
  await form.getByTestId('field-connectS').fill('0');
  await form.getByTestId('profile-save').click();
  await expect(form.getByTestId('error-clusters')).toContainText('is not a host or cluster name');
  await expect(form.getByTestId('error-username')).toContainText('DOMAIN\\user or user@domain');
  await expect(form.getByTestId('error-connectS')).toContainText('whole seconds from 1 to 300');
  await expect(form.getByTestId('field-clusters')).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByTestId('form-notice')).toContainText('Fix the marked fields');

  // A password without a user is refused too.
  await form.getByTestId('field-username').fill('');
  await form.getByTestId('field-password').fill(PASSWORD);
  await form.getByTestId('profile-save').click();
  await expect(form.getByTestId('error-password')).toContainText('A password needs a user name');

  // Fixed: saved, the password is stored and never comes back.
  await form.getByTestId('field-clusters').fill([...sim.world.clusters.values()].filter((c) => c.siteId === 'site-pri').map((c) => c.name).join('\n'));
  await form.getByTestId('field-username').fill('CORP\\standby-svc');
  await form.getByTestId('field-connectS').fill('30');
  await form.getByTestId('profile-save').click();
  await expect(pri.getByTestId('card-notice')).toContainText('Saved the connection to Northgate');
  await expect(pri).toContainText('password stored');
  await pri.getByTestId('card-edit').click();
  await expect(pri.getByTestId('field-password')).toHaveValue('');
  await expect(pri.getByTestId('field-password')).toHaveAttribute('placeholder', /Stored/);
  await pri.getByTestId('profile-cancel').click();

  // Test connection against the double: every node connected, the local PowerShell version shown.
  await pri.getByTestId('card-test').click();
  await expect(pri.getByTestId('site-state')).toContainText(/Connected.*last test/);
  await expect(pri.getByTestId('fact-psversion')).toHaveText('5.1.20348.2849');
  await expect(pri.getByTestId('node-row')).not.toHaveCount(0);
  await expect(pri.locator('[data-testid="node-row"][data-connected="false"]')).toHaveCount(0);
  expect(frames.join('\n')).not.toContain(PASSWORD);
});

const REFUSALS = [
  ['access-denied', 'AccessDenied,PSSessionStateBroken', 'Access is denied.', 'refused the credentials'],
  ['trusted-hosts', 'ServerNotTrusted,PSSessionStateBroken', 'The destination machine must be added to the TrustedHosts configuration setting.', 'does not trust'],
  ['winrm-not-running', 'CannotConnect,PSSessionStateBroken', 'The client cannot connect to the destination specified in the request.', 'Enable-PSRemoting -Force'],
  ['name-or-firewall', 'WinRMOperationTimeout,PSSessionStateBroken', 'WinRM cannot complete the operation. Verify that the specified computer name is valid.', 'TCP 5985'],
  ['second-hop', '-2146893810,PSSessionStateBroken', 'No credentials are available in the security package (0x8009030E).', 'Kerberos constrained delegation'],
  ['jea-endpoint', 'RemoteSessionNotAllowed,PSSessionStateBroken', 'The session configuration StandbyOps was not found (PSSessionConfiguration).', 'JEA endpoint'],
] as const;

test('every failure mode reaches the screen as its sentence, with what PowerShell said folded away', async ({ page }) => {
  await openConnections(page, served.operatorUrl);
  const dr = card(page, 'site-dr');
  await dr.getByTestId('card-edit').click();
  await dr.getByTestId('field-clusters').fill(`${drCluster.name}: ${drNode}`);
  await dr.getByTestId('profile-save').click();
  await expect(dr.getByTestId('card-notice')).toContainText('Saved the connection to Riverside');

  const advice = dr.getByTestId('failure-advice');
  for (const [kind, id, message, sentence] of REFUSALS) {
    hub.refuse(drNode, { id, category: 'OpenError', message });
    await dr.getByTestId('card-test').click();
    await expect(advice).toHaveAttribute('data-kind', kind);
    await expect(dr.getByTestId('failure-sentence')).toContainText(sentence);
    await expect(dr.getByTestId('site-state')).toContainText('Lost');
    await expect(dr.locator('[data-testid="node-row"][data-connected="false"]')).toContainText(sentence);
    // The raw text is there for support, but folded.
    await expect(dr.getByTestId('failure-detail')).toBeHidden();
    await advice.locator('summary').click();
    await expect(dr.getByTestId('failure-detail')).toContainText(message);
    hub.refuse(drNode, null);
  }

  // The local shell dies, then answers too late.
  hub.inject({ kind: 'die-before-apply', operation: 'connect-site' });
  await dr.getByTestId('card-test').click();
  await expect(advice).toHaveAttribute('data-kind', 'shell-exited');
  await expect(dr.getByTestId('failure-sentence')).toContainText('local PowerShell process ended');

  await dr.getByTestId('card-edit').click();
  await dr.getByTestId('field-connectS').fill('1');
  await dr.getByTestId('profile-save').click();
  hub.inject({ kind: 'delay', operation: 'connect-site', ms: 2_500 });
  await dr.getByTestId('card-test').click();
  await expect(advice).toHaveAttribute('data-kind', 'timeout');
  await expect(dr.getByTestId('failure-sentence')).toContainText('did not answer in time');

  // A cluster name the shell cannot resolve to nodes.
  await dr.getByTestId('card-edit').click();
  await dr.getByTestId('field-clusters').fill('CL-NOWHERE');
  await dr.getByTestId('field-connectS').fill('30');
  await dr.getByTestId('profile-test').click();
  await expect(advice).toHaveAttribute('data-kind', 'no-nodes');
  await expect(dr.getByTestId('failure-sentence')).toContainText('check the cluster name');

  // Degraded: one node of several refuses.
  const pri = card(page, 'site-pri');
  const priNode = sim.world.hosts.get([...sim.world.clusters.values()].find((c) => c.siteId === 'site-pri')!.hostIds[1]!)!.name;
  hub.refuse(priNode, { id: 'AccessDenied,PSSessionStateBroken', category: 'OpenError', message: 'Access is denied.' });
  await pri.getByTestId('card-test').click();
  await expect(pri.getByTestId('site-state')).toContainText('Degraded');
  await expect(pri.getByTestId('failure-advice')).toHaveAttribute('data-kind', 'access-denied');
  hub.refuse(priNode, null);
});

test('a computer without PowerShell is told how to get it', async ({ page }) => {
  const saved = process.env.STANDBY_POWERSHELL;
  process.env.STANDBY_POWERSHELL = '/nonexistent/pwsh';
  try {
    served2 = await serveConsole();
  } finally {
    if (saved === undefined) delete process.env.STANDBY_POWERSHELL; else process.env.STANDBY_POWERSHELL = saved;
  }
  await openConnections(page, served2.operatorUrl);
  const cloud = card(page, 'site-cloud');
  await cloud.getByTestId('card-edit').click();
  await cloud.getByTestId('profile-test').click();
  await expect(cloud.getByTestId('failure-advice')).toHaveAttribute('data-kind', 'powershell-missing');
  await expect(cloud.getByTestId('failure-sentence')).toContainText('install PowerShell 7 (pwsh)');
});

test('a viewer sees the connections but cannot change or test them', async ({ page }) => {
  await openConnections(page, served.viewerUrl);
  await expect(page.getByRole('note')).toContainText('Read-only');
  const pri = card(page, 'site-pri');
  await expect(pri.getByTestId('card-test')).toBeDisabled();
  await expect(pri.getByTestId('card-edit')).toBeDisabled();
  await expect(page.getByTestId('add-site')).toBeDisabled();
});
