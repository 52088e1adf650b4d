import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionProfileSchema, type ConnectionProfile, type SessionsStateEvent } from '../../../shared/model/connections.ts';
import { LabSimulation } from '../backends/lab/simulation.ts';
import { DoubleHub, FAKE_POWERSHELL } from '../backends/powershell/testing/double-hub.ts';
import { labDoubleEstate } from '../backends/powershell/testing/lab-double-estate.ts';
import { memoryPorts, memorySettings } from '../testing/memory-ports.ts';
import type { CallContext } from '../dispatcher.ts';
import { memorySecrets, type CorePorts } from '../ports.ts';
import { createConnectionsHandlers, type ConnectionsModule } from './connections-handlers.ts';
import { credentialRefFor } from './connections-service.ts';
import { profileFilePath } from './profile-file.ts';

/** The connections service against the process-boundary double: real node-powershell, real child processes. */
const sim = new LabSimulation({ seed: 5, vmCount: 60, startTime: Date.UTC(2026, 10, 25, 3) });
const hub = new DoubleHub(labDoubleEstate(sim));
const operator: CallContext = { role: 'operator', actor: 'test operator' };
const PASSWORD = `pa'ss"$(whoami)`;
const clustersOf = (siteId: string) => [...sim.world.clusters.values()].filter((c) => c.siteId === siteId);
const nodeOf = (siteId: string, i = 0) => sim.world.hosts.get(clustersOf(siteId)[0]!.hostIds[i]!)!.name;
const modules: ConnectionsModule[] = [];

function profile(siteId = 'site-pri', overrides: Partial<ConnectionProfile> = {}): ConnectionProfile {
  const site = sim.world.sites.get(siteId)!;
  return ConnectionProfileSchema.parse({
    siteId, role: site.role, name: site.name, location: site.location,
    clusters: clustersOf(siteId).map((c) => ({ cluster: c.name })),
    username: 'CORP\\standby-svc',
    timeouts: { connectMs: 10_000, commandMs: 10_000, operationMs: 30_000, keepAliveMs: 60_000 },
    ...overrides,
  });
}

async function start(ports: CorePorts = memoryPorts(), events: SessionsStateEvent[] = []): Promise<ConnectionsModule> {
  const module = await createConnectionsHandlers({
    ports, publish: (_stream, event) => events.push(event),
    executable: FAKE_POWERSHELL, shellEnv: hub.env(), backoff: { initialMs: 60_000, maxMs: 60_000 },
  });
  modules.push(module);
  return module;
}

beforeAll(() => hub.listen());
afterAll(() => hub.close());
afterEach(async () => {
  await Promise.all(modules.splice(0).map((m) => m.dispose()));
  hub.resetCounters();
});

describe('connections.test through the double', () => {
  it('connects a profile that points at the double and reports every node', async () => {
    const { handlers } = await start();
    const result = await handlers['connections.test']({ profile: profile(), password: PASSWORD }, operator);
    expect(result).toMatchObject({ ok: true, state: 'connected', failure: null, psVersion: '5.1.20348.2849' });
    expect(result.nodes.map((n) => n.computerName).sort()).toEqual(clustersOf('site-pri').flatMap((c) => c.hostIds.map((id) => sim.world.hosts.get(id)!.name)).sort());
    expect(result.nodes.every((n) => n.connected && n.lastError === null)).toBe(true);
    // The password travelled only inside the base64 argument; the session was closed afterwards.
    expect(hub.lines.join('\n')).not.toContain('whoami');
    expect(hub.lines.at(-1)).toMatch(/^Invoke-StandbyOperation 'disconnect-site'/);
  });

  it('shows a node that refuses the credentials as degraded, with the sentence that says what to do', async () => {
    const { handlers } = await start();
    const node = nodeOf('site-pri', 1);
    hub.refuse(node, { id: 'AccessDenied,PSSessionStateBroken', category: 'OpenError', message: `Connecting to remote server ${node} failed with the following error message : Access is denied.` });
    try {
      const result = await handlers['connections.test']({ profile: profile(), password: PASSWORD }, operator);
      expect(result.state).toBe('degraded');
      expect(result.ok).toBe(false);
      expect(result.failure).toMatchObject({ kind: 'access-denied', computerName: node });
      expect(result.failure!.advice).toBe(`${node} refused the credentials: check the user name and password, and that the account is in Hyper-V Administrators and Remote Management Users there (or in the JEA role).`);
      const row = result.nodes.find((n) => n.computerName === node)!;
      expect(row).toMatchObject({ connected: false, lastError: { kind: 'access-denied' } });
      expect(result.nodes.filter((n) => n.connected)).toHaveLength(result.nodes.length - 1);
    } finally {
      hub.refuse(node, null);
    }
  });

  const refusals = [
    ['trusted-hosts', 'ServerNotTrusted,PSSessionStateBroken', 'The WinRM client cannot process the request. If the authentication scheme is different from Kerberos, or if the client computer is not joined to a domain, then HTTPS transport must be used or the destination machine must be added to the TrustedHosts configuration setting.', /TrustedHosts/],
    ['winrm-not-running', 'CannotConnect,PSSessionStateBroken', 'Connecting to remote server failed with the following error message : The client cannot connect to the destination specified in the request.', /Enable-PSRemoting -Force/],
    ['name-or-firewall', 'WinRMOperationTimeout,PSSessionStateBroken', 'WinRM cannot complete the operation. Verify that the specified computer name is valid.', /TCP 5985/],
    ['second-hop', '-2146893810,PSSessionStateBroken', 'No credentials are available in the security package (0x8009030E).', /constrained delegation/],
    ['jea-endpoint', 'RemoteSessionNotAllowed,PSSessionStateBroken', 'The remote session configuration StandbyOps was not found (PSSessionConfiguration).', /JEA endpoint/],
  ] as const;
  for (const [kind, id, message, advice] of refusals) {
    it(`gives the ${kind} failure its own sentence`, async () => {
      const { handlers } = await start();
      const node = nodeOf('site-dr');
      hub.refuse(node, { id, category: 'OpenError', message });
      try {
        const result = await handlers['connections.test']({ profile: profile('site-dr', { clusters: [{ cluster: clustersOf('site-dr')[0]!.name, nodes: [node] }] }), password: PASSWORD }, operator);
        expect(result.state).toBe('lost');
        expect(result.failure).toMatchObject({ kind, computerName: node, detail: expect.stringContaining(message) });
        expect(result.failure!.advice).toMatch(advice);
      } finally {
        hub.refuse(node, null);
      }
    });
  }

  it('says what to do when the cluster has no node the shell can find', async () => {
    const { handlers } = await start();
    const result = await handlers['connections.test']({ profile: profile('site-dr', { clusters: [{ cluster: 'CL-NOWHERE', nodes: [] }] }), password: PASSWORD }, operator);
    expect(result).toMatchObject({ ok: false, state: 'lost', failure: { kind: 'no-nodes' } });
    expect(result.failure!.advice).toMatch(/check the cluster name, or list the node names/);
  });

  it('reports a local shell that dies, and one that does not answer in time', async () => {
    const { handlers } = await start();
    hub.inject({ kind: 'die-before-apply', operation: 'connect-site' });
    const died = await handlers['connections.test']({ profile: profile('site-dr'), password: PASSWORD }, operator);
    expect(died).toMatchObject({ ok: false, state: 'lost', failure: { kind: 'shell-exited' } });
    hub.inject({ kind: 'delay', operation: 'connect-site', ms: 2_500 });
    const slow = profile('site-dr', { clusters: [{ cluster: clustersOf('site-dr')[0]!.name, nodes: [nodeOf('site-dr')] }], timeouts: { connectMs: 1_000, commandMs: 1_000, operationMs: 1_000, keepAliveMs: 60_000 } });
    const timedOut = await handlers['connections.test']({ profile: slow, password: PASSWORD }, operator);
    expect(timedOut).toMatchObject({ ok: false, state: 'lost', failure: { kind: 'timeout' } });
    expect(timedOut.failure!.advice).toMatch(/did not answer in time/);
  });

  it('says PowerShell is missing when the executable does not exist', async () => {
    const module = await createConnectionsHandlers({ ports: memoryPorts(), publish: () => {}, executable: '/nonexistent/pwsh' });
    modules.push(module);
    const result = await module.handlers['connections.test']({ profile: profile(), password: PASSWORD }, operator);
    expect(result).toMatchObject({ ok: false, state: 'lost', failure: { kind: 'powershell-missing' } });
    expect(result.failure!.advice).toMatch(/install PowerShell 7/);
  });
});

describe('profiles and passwords', () => {
  it('stores the password only in the secret store and never returns it', async () => {
    const ports = memoryPorts();
    const { handlers } = await start(ports);
    const saved = await handlers['connections.save']({ profile: profile(), password: PASSWORD }, operator);
    expect(saved.entry).toMatchObject({ hasPassword: true, complete: true, problems: [] });
    expect(saved.entry.profile.credentialRef).toBe(credentialRefFor('site-pri'));
    expect(JSON.stringify(saved)).not.toContain(PASSWORD);
    expect(JSON.stringify(await handlers['connections.list']({}, operator))).not.toContain(PASSWORD);
    expect(readFileSync(profileFilePath(ports.dataDir), 'utf8')).not.toContain('pa');
    expect(await ports.secrets.get(credentialRefFor('site-pri'))).toBe(PASSWORD);
  });

  it('assigns the credentialRef itself: a profile cannot borrow another secret', async () => {
    const ports = memoryPorts();
    await ports.secrets.set('server.token', 'do-not-leak');
    const { handlers } = await start(ports);
    const saved = await handlers['connections.save']({ profile: profile('site-pri', { credentialRef: 'server.token' }) }, operator);
    expect(saved.entry.profile.credentialRef).toBe(credentialRefFor('site-pri'));
    expect(saved.entry).toMatchObject({ hasPassword: false, complete: false });
    expect(saved.entry.problems[0]).toMatch(/No password is stored for CORP\\standby-svc/);
    expect(await ports.secrets.get('server.token')).toBe('do-not-leak');
  });

  it('sends a stored password only to the hosts it was saved for', async () => {
    const ports = memoryPorts();
    const { handlers } = await start(ports);
    await handlers['connections.save']({ profile: profile(), password: PASSWORD }, operator);
    // The same profile tests with the stored password...
    expect((await handlers['connections.test']({ profile: profile() }, operator)).ok).toBe(true);
    // ...another host needs it typed, and saving other hosts without a password forgets it.
    const elsewhere = profile('site-pri', { clusters: [{ cluster: 'CL-ROGUE', nodes: [] }] });
    await expect(handlers['connections.test']({ profile: elsewhere }, operator)).rejects.toMatchObject({ code: 'bad-request', where: 'password' });
    const moved = await handlers['connections.save']({ profile: elsewhere }, operator);
    expect(moved.entry).toMatchObject({ hasPassword: false, complete: false });
    expect(await ports.secrets.get(credentialRefFor('site-pri'))).toBeNull();
  });

  it('refuses a password without a user name, a cluster listed twice and a cluster of another site', async () => {
    const { handlers } = await start();
    await expect(handlers['connections.save']({ profile: profile('site-pri', { username: null }), password: 'x' }, operator)).rejects.toMatchObject({ code: 'bad-request', where: 'password' });
    const twice = profile('site-pri', { clusters: [{ cluster: 'CL-A', nodes: [] }, { cluster: 'cl-a', nodes: [] }] });
    await expect(handlers['connections.save']({ profile: twice }, operator)).rejects.toMatchObject({ code: 'bad-request', message: expect.stringMatching(/listed twice/) });
    await handlers['connections.save']({ profile: profile('site-pri'), password: PASSWORD }, operator);
    const stolen = profile('site-dr', { clusters: [{ cluster: clustersOf('site-pri')[0]!.name, nodes: [] }] });
    await expect(handlers['connections.save']({ profile: stolen }, operator)).rejects.toMatchObject({ message: expect.stringMatching(/already in the connection of Northgate/) });
  });

  it('deletes a profile with its password', async () => {
    const ports = memoryPorts();
    const { handlers } = await start(ports);
    await handlers['connections.save']({ profile: profile(), password: PASSWORD }, operator);
    await handlers['connections.delete']({ siteId: 'site-pri' }, operator);
    expect((await handlers['connections.list']({}, operator)).entries).toEqual([]);
    expect(await ports.secrets.get(credentialRefFor('site-pri'))).toBeNull();
    await expect(handlers['connections.delete']({ siteId: 'site-pri' }, operator)).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('the backend choice', () => {
  it('keeps the lab without a complete profile, or when PowerShell is not chosen', async () => {
    const ports = memoryPorts();
    const first = await start(ports);
    expect(first.backendChoice).toBeUndefined();
    await expect(first.handlers['connections.setBackend']({ backend: 'powershell' }, operator)).rejects.toMatchObject({ code: 'invalid-state' });
    await first.handlers['connections.save']({ profile: profile(), password: PASSWORD }, operator);
    expect((await start(ports)).backendChoice).toBeUndefined();
    const list = await first.handlers['connections.list']({}, operator);
    expect(list.backend).toMatchObject({ active: 'lab', preferred: 'lab', restartRequired: false });
    expect(list.sessions).toEqual([]);
    await expect(first.handlers['connections.reconnect']({ siteId: 'site-pri' }, operator)).rejects.toMatchObject({ code: 'invalid-state', message: expect.stringMatching(/lab is the active backend/) });
  });

  it('runs the estate on PowerShell when settings say so, streams session states and reconnects', async () => {
    const secrets = memorySecrets();
    const ports = memoryPorts({ secrets, settings: memorySettings({ backend: 'powershell' }) });
    const setup = await start(ports);
    await setup.handlers['connections.save']({ profile: profile('site-pri'), password: PASSWORD }, operator);
    await setup.handlers['connections.save']({ profile: profile('site-dr', { username: null }) }, operator);
    expect((await setup.handlers['connections.list']({}, operator)).backend).toMatchObject({ active: 'lab', preferred: 'powershell', restartRequired: true });

    const events: SessionsStateEvent[] = [];
    const next = await start(ports, events);
    expect(next.backendChoice).toBeTypeOf('function');
    const backend = next.backendChoice!();
    try {
      const inventory = await backend.load();
      expect(inventory.backend.kind).toBe('powershell');
      expect(inventory.sites.map((s) => s.id).sort()).toEqual(['site-dr', 'site-pri']);
      expect(inventory.vms.length).toBeGreaterThan(0);
      const list = await next.handlers['connections.list']({}, operator);
      expect(list.backend).toMatchObject({ active: 'powershell', preferred: 'powershell', restartRequired: false });
      expect(list.sessions.map((s) => [s.siteId, s.state]).sort()).toEqual([['site-dr', 'connected'], ['site-pri', 'connected']]);
      expect(events.at(-1)!.sessions).toHaveLength(2);
      expect(events.some((e) => e.sessions.some((s) => s.state === 'connecting'))).toBe(true);

      const node = nodeOf('site-pri', 1);
      hub.refuse(node, { id: 'AccessDenied,PSSessionStateBroken', category: 'OpenError', message: 'Access is denied.' });
      const state = await next.handlers['connections.reconnect']({ siteId: 'site-pri' }, operator);
      expect(state).toMatchObject({ state: 'degraded', lastError: { kind: 'access-denied', computerName: node } });
      expect(events.at(-1)!.sessions.find((s) => s.siteId === 'site-pri')!.state).toBe('degraded');
      hub.refuse(node, null);
      expect((await next.handlers['connections.reconnect']({ siteId: 'site-pri' }, operator)).state).toBe('connected');
    } finally {
      await backend.dispose();
    }
  }, 30_000);
});
