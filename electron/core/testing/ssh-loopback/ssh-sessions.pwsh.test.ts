import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PWSH, PWSH_MISSING } from '../powershell-double/real-pwsh.ts';
import { startEmulatedBackend, type EmulatedBackend } from '../hyperv-emulation/emulated-backend.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 300_000 });

/**
 * Real PSSessions: session.ps1 opens one per node with New-PSSession -HostName -SSHTransport to an
 * OpenSSH server on loopback (one address per node). They break when the remote pwsh is killed or the
 * server goes away, and the site session reopens them.
 */
describe.skipIf(!PWSH)(`PSSessions over SSH to loopback hosts${PWSH ? '' : ` (${PWSH_MISSING})`}`, () => {
  let emulated: EmulatedBackend;
  beforeAll(async () => { emulated = await startEmulatedBackend({ seed: 11, vmCount: 10, hostsPerCluster: 1 }); });
  afterAll(async () => { await emulated?.dispose(); });

  const primary = () => emulated.sessions.find((s) => s.profile.role === 'primary')!;
  const firstNode = () => primary().profile.clusters[0]!.nodes[0]!;
  const readVms = (node: string) => primary().run('get-vm', { kind: 'node', computerName: node }, {});

  it('opens one real session per node, each a pwsh on the host its address names', async () => {
    for (const session of emulated.sessions) {
      expect(session.state().state).toBe('connected');
      expect(session.state().psVersion).toMatch(/^7\./);
      expect(session.state().nodes.every((n) => n.connected)).toBe(true);
    }
    const hosts = [...emulated.sim.world.hosts.values()];
    expect(emulated.ssh.sessions()).toHaveLength(hosts.length);
    const answer = await readVms(firstNode());
    expect(answer.failures).toEqual([]);
    expect(answer.results).toHaveLength(1);
    expect(answer.results[0]!.computerName.toLowerCase()).toBe(firstNode().toLowerCase());
    expect(answer.results[0]!.output.ok).toBe(true);
  });

  it('reports a node whose remote pwsh was killed as failed, not empty, and reopens its session', async () => {
    const node = firstNode();
    const [before] = emulated.ssh.sessions(node);
    expect(emulated.ssh.killSessions(node)).toBe(1);
    const broken = await readVms(node);
    expect(broken.results).toEqual([]);
    expect(broken.failures.map((f) => f.computerName?.toLowerCase())).toEqual([node.toLowerCase()]);
    await primary().keepAlive();
    await primary().keepAlive();
    expect(primary().state().nodes.find((n) => n.computerName === node)?.connected).toBe(true);
    const [after] = emulated.ssh.sessions(node);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const again = await readVms(node);
    expect(again.failures).toEqual([]);
    expect(again.results[0]!.output.ok).toBe(true);
  });

  it('loses every node when the SSH server dies, and reconnects once it is back', async () => {
    await emulated.ssh.stopServer();
    const site = primary();
    const cluster = site.profile.clusters[0]!.cluster;
    const lost = await site.run('get-clusternode', { kind: 'cluster-nodes', cluster }, {});
    expect(lost.results).toEqual([]);
    expect(lost.failures.length).toBeGreaterThan(0);
    await site.keepAlive();
    expect(site.state().nodes.every((n) => !n.connected)).toBe(true);
    await emulated.ssh.startServer();
    await site.keepAlive();
    expect(site.state()).toMatchObject({ state: 'connected', lastError: null });
    const back = await site.run('get-clusternode', { kind: 'cluster-nodes', cluster }, {});
    expect(back.failures).toEqual([]);
    expect(back.results[0]!.output.ok).toBe(true);
  });
});
