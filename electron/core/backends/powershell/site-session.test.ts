import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContractError } from '../../../../shared/contract/errors.ts';
import { ConnectionProfileSchema } from '../../../../shared/model/connections.ts';
import { systemClock } from '../../ports.ts';
import { LabSimulation } from '../lab/simulation.ts';
import { DEFAULT_SCRIPT_DIRECTORY } from './script-catalog.ts';
import { createNodePowerShell } from './ps-shell.ts';
import { DoubleHub, FAKE_POWERSHELL } from '../../testing/powershell-double/double-hub.ts';
import { labDoubleEstate } from '../../testing/powershell-double/lab-double-estate.ts';
import { HOSTILE_NAMES } from '../../testing/powershell-double/hostile-names.ts';
import { SiteSession } from './site-session.ts';

/** Real node-powershell, real child processes, the double at the other end. */
const sim = new LabSimulation({ seed: 7, vmCount: 60, startTime: Date.UTC(2026, 10, 25, 3) });
const hub = new DoubleHub(labDoubleEstate(sim));
const primaryClusters = [...sim.world.clusters.values()].filter((c) => c.siteId === 'site-pri');
const sessions: SiteSession[] = [];

function open(overrides: Record<string, unknown> = {}, sessionOptions: { autoReconnect?: boolean; backoff?: { initialMs: number; maxMs: number } } = {}) {
  const profile = ConnectionProfileSchema.parse({
    siteId: 'site-pri', role: 'primary', name: 'Northgate', username: 'CORP\\standby-svc', credentialRef: 'site-pri',
    clusters: primaryClusters.map((c) => ({ cluster: c.name })),
    timeouts: { connectMs: 10_000, commandMs: 10_000, operationMs: 30_000, keepAliveMs: 60_000 },
    ...overrides,
  });
  const session = new SiteSession({
    profile, password: async () => `pa'ss"$(whoami)`, scriptDirectory: DEFAULT_SCRIPT_DIRECTORY, clock: systemClock, autoReconnect: false,
    shellFactory: () => createNodePowerShell({ executable: FAKE_POWERSHELL, env: hub.env() }),
    ...sessionOptions,
  });
  sessions.push(session);
  return session;
}

beforeAll(() => hub.listen());
afterAll(() => hub.close());
afterEach(async () => {
  await Promise.all(sessions.splice(0).map((s) => s.dispose()));
  hub.resetCounters();
  hub.stderrNoise = null;
});

describe('a site session through node-powershell and the double', () => {
  it('starts the shell, opens a session per node and reports connected', async () => {
    const session = open();
    const states: string[] = [];
    session.onState((s) => states.push(s.state));
    const state = await session.connect();
    expect(state).toMatchObject({ state: 'connected', psVersion: '5.1.20348.2849', lastError: null });
    expect(state.nodes).toHaveLength(primaryClusters.reduce((n, c) => n + c.hostIds.length, 0));
    expect(states).toEqual(['connecting', 'connected']);
    // The password reached the shell only inside the base64 argument.
    expect(hub.lines.join('\n')).not.toContain('whoami');
  });

  it('costs one round trip per cluster for an inventory', async () => {
    const session = open();
    await session.connect();
    hub.resetCounters();
    for (const cluster of primaryClusters) {
      const result = await session.run('get-inventory', { kind: 'cluster-nodes', cluster: cluster.name }, {});
      expect(result.results).toHaveLength(cluster.hostIds.length);
      expect(result.failures).toEqual([]);
    }
    expect(hub.totalRoundTrips()).toBe(primaryClusters.length);
  });

  it('reports a node that refuses the credentials as degraded, with what to do', async () => {
    const node = sim.world.hosts.get(primaryClusters[0]!.hostIds[1]!)!.name;
    hub.refuse(node, { id: 'AccessDenied,PSSessionStateBroken', category: 'OpenError', message: `Connecting to remote server ${node} failed with the following error message : Access is denied.` });
    try {
      const state = await open().connect();
      expect(state.state).toBe('degraded');
      expect(state.lastError).toMatchObject({ kind: 'access-denied', computerName: node });
      expect(state.lastError!.advice).toMatch(/Hyper-V Administrators/);
    } finally {
      hub.refuse(node, null);
    }
  });

  it('survives stderr noise when the answer arrived whole', async () => {
    const session = open();
    await session.connect();
    hub.stderrNoise = 'WARNING: The names of some imported commands from the module include unapproved verbs.';
    const host = sim.world.hosts.get(primaryClusters[0]!.hostIds[0]!)!;
    const result = await session.run('get-vmhost', { kind: 'node', computerName: host.name }, {});
    expect(result.results[0]!.output).toMatchObject({ ok: true, data: { Name: host.name } });
  });

  it('refuses truncated, non-JSON and polluted answers and stays connected', async () => {
    const session = open();
    await session.connect();
    const host = sim.world.hosts.get(primaryClusters[0]!.hostIds[0]!)!;
    for (const fault of [{ kind: 'truncate' }, { kind: 'not-json' }, { kind: 'pollute', text: 'WARNING: polluted' }] as const) {
      hub.inject({ ...fault, operation: 'get-inventory' });
      await expect(session.run('get-inventory', { kind: 'node', computerName: host.name }, {})).rejects.toMatchObject({ code: 'backend', message: expect.stringMatching(/nothing was applied/) });
      expect(session.state().state).toBe('connected');
    }
  });

  it('reports a timeout, ends the shell, and reconnects on demand', async () => {
    const session = open();
    await session.connect();
    const host = sim.world.hosts.get(primaryClusters[0]!.hostIds[0]!)!;
    hub.inject({ kind: 'delay', operation: 'ping', ms: 3_000 });
    const error = await session.run('ping', { kind: 'node', computerName: host.name }, {}, { timeoutMs: 500 }).catch((e: ContractError) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'timeout' });
    expect(session.state()).toMatchObject({ state: 'lost', lastError: { kind: 'timeout' } });
    await expect(session.run('ping', { kind: 'node', computerName: host.name }, {})).rejects.toMatchObject({ code: 'disconnected' });
    expect((await session.connect()).state).toBe('connected');
    expect((await session.run('ping', { kind: 'node', computerName: host.name }, {})).results).toHaveLength(1);
  });

  it('reports a command whose shell died as failed, never re-sends it, and reconnects', async () => {
    const session = open();
    await session.connect();
    const vm = [...sim.world.vms.values()].find((v) => v.siteId === 'site-pri' && v.state === 'Running' && v.replication)!;
    const host = sim.world.hosts.get(vm.hostId)!;
    hub.inject({ kind: 'die-after-apply', operation: 'stop-vm' });
    const error = await session.run('stop-vm', { kind: 'node', computerName: host.name }, { vmName: vm.name }).catch((e: ContractError) => e);
    expect(error).toMatchObject({ code: 'backend', message: expect.stringMatching(/ended during stop-vm.*not repeated/) });
    expect(session.state().state).toBe('lost');
    expect((await session.connect()).state).toBe('connected');
    // It was applied once; the re-read shows it, and nothing sent it again.
    expect(hub.applied.filter((a) => a.operation === 'stop-vm')).toHaveLength(1);
    const after = await session.run('get-vm', { kind: 'node', computerName: host.name }, { vmName: vm.name });
    expect(after.results[0]!.output).toMatchObject({ ok: true, data: [{ Name: vm.name, State: 'Off' }] });
  });

  it('sends lines queued behind a command whose shell died on a reopened shell, not failed unsent', async () => {
    // As the app runs it, but with a backoff too long to reconnect within this test on its own.
    // One lane, so the read really queues behind the dying command.
    const session = open({ maxSessions: 1 }, { autoReconnect: true, backoff: { initialMs: 600_000, maxMs: 600_000 } });
    await session.connect();
    const vm = [...sim.world.vms.values()].find((v) => v.siteId === 'site-pri' && v.state === 'Running' && v.replication)!;
    const host = sim.world.hosts.get(vm.hostId)!;
    hub.inject({ kind: 'die-after-apply', operation: 'stop-vm' });
    const dying = session.run('stop-vm', { kind: 'node', computerName: host.name }, { vmName: vm.name }).catch((e: ContractError) => e);
    const queued = session.run('get-vm', { kind: 'node', computerName: host.name }, { vmName: vm.name });
    expect(await dying).toMatchObject({ code: 'backend', message: expect.stringMatching(/ended during stop-vm.*not repeated/) });
    expect((await queued).results[0]!.output).toMatchObject({ ok: true, data: [{ Name: vm.name, State: 'Off' }] });
    expect(session.state()).toMatchObject({ state: 'connected', nextRetryAt: null });
    expect(hub.applied.filter((a) => a.operation === 'stop-vm')).toHaveLength(1);
  });

  it('runs commands to different hosts at once: a hung command holds one lane, not the site', async () => {
    const session = open({ maxSessions: 3 });
    await session.connect();
    const [slow, other] = primaryClusters[0]!.hostIds.map((id) => sim.world.hosts.get(id)!);
    hub.inject({ kind: 'delay', operation: 'ping', ms: 4_000 });
    const hung = session.run('ping', { kind: 'node', computerName: slow!.name }, {}, { timeoutMs: 2_000 }).catch((e: ContractError) => e);
    const started = Date.now();
    const answers = await Promise.all([1, 2, 3].map(() => session.run('get-vmhost', { kind: 'node', computerName: other!.name }, {})));
    // Three reads on the two free lanes, well before the hung command's timeout.
    expect(Date.now() - started).toBeLessThan(1_500);
    for (const a of answers) expect(a.results[0]!.output).toMatchObject({ ok: true, data: { Name: other!.name } });
    expect(await hung).toMatchObject({ code: 'timeout' });
    // The timed-out lane's shell ended; the site stays up on the others, and the lane reopens when used.
    expect(session.state().state).toBe('connected');
    expect(session.poolStats()).toMatchObject({ size: 3, made: 3, peakBusy: 3 });
    const again = await Promise.all([1, 2, 3].map(() => session.run('ping', { kind: 'node', computerName: slow!.name }, {})));
    expect(again.every((a) => a.results.length === 1)).toBe(true);
    expect(session.poolStats().open).toBe(3);
  });

  it('never puts a hostile VM name into the text sent to the shell', async () => {
    const session = open();
    await session.connect();
    const host = sim.world.hosts.get(primaryClusters[0]!.hostIds[0]!)!;
    hub.resetCounters();
    for (const name of HOSTILE_NAMES) {
      const result = await session.run('get-vm', { kind: 'node', computerName: host.name }, { vmName: name });
      const output = result.results[0]!.output;
      expect(output.ok).toBe(false);
      if (!output.ok) expect(output.error.message).toBe(`Hyper-V was unable to find a virtual machine with name "${name}".`);
    }
    const sent = hub.lines.join('\n');
    for (const name of HOSTILE_NAMES) expect(sent.includes(name)).toBe(false);
    expect(hub.lines.every((l) => /^Invoke-StandbyOperation '[a-z-]+' '[A-Za-z0-9+/=]+'$/.test(l))).toBe(true);
  });
});
