import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PWSH, PWSH_MISSING } from '../powershell-double/real-pwsh.ts';
import { startEmulatedBackend, type EmulatedBackend } from './emulated-backend.ts';
import { comparableAnswer, RECORDED_ANSWERS_FILE, RECORDED_ESTATE, recordAnswers, type RecordedAnswers } from './recorded-answers.ts';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 300_000 });

/**
 * One estate read through real PowerShell: node-powershell runs pwsh per site, session.ps1 holds real
 * PSSessions over SSH (New-PSSession -HostName -SSHTransport) to one loopback address per node, and
 * the host scripts run there against the Hyper-V / FailoverClusters emulation over a lab simulation.
 * Starting that world costs ten pwsh processes, so it is started once for both parts here: the answers
 * the double is pinned to, then the sessions broken (remote pwsh killed, SSH server stopped) and reopened.
 */
describe.skipIf(!PWSH)(`the estate through real PowerShell + SSH + cmdlet emulation${PWSH ? '' : ` (${PWSH_MISSING})`}`, () => {
  let emulated: EmulatedBackend;
  beforeAll(async () => { emulated = await startEmulatedBackend({ ...RECORDED_ESTATE }); });
  afterAll(async () => { await emulated?.dispose(); });

  /**
   * The fixture the double is pinned to (double-pinned.test.ts) is what real PowerShell + the
   * emulation answer now. STANDBY_RECORD=1 (or no fixture yet) writes it instead of comparing.
   */
  it('answers as recorded in fixtures/emulation-answers.json', async () => {
    const answers = await recordAnswers(emulated.sessions);
    if (process.env.STANDBY_RECORD === '1' || !existsSync(RECORDED_ANSWERS_FILE)) {
      writeFileSync(RECORDED_ANSWERS_FILE, `${JSON.stringify(answers, null, 1)}\n`);
    }
    const recorded = JSON.parse(readFileSync(RECORDED_ANSWERS_FILE, 'utf8')) as RecordedAnswers;
    expect(Object.keys(answers)).toEqual(Object.keys(recorded));
    for (const key of Object.keys(recorded)) expect(comparableAnswer(answers[key]), key).toEqual(comparableAnswer(recorded[key]));
  });

  describe('PSSessions over SSH to loopback hosts', () => {
    const primary = () => emulated.sessions.find((s) => s.profile.role === 'primary')!;
    const firstNode = () => primary().profile.clusters[0]!.nodes[0]!;
    const readVms = (node: string) => primary().run('get-vm', { kind: 'node', computerName: node }, {});

    it('opens one real session per node, each a pwsh on the host its address names', async () => {
      for (const session of emulated.sessions) {
        expect(session.state().state).toBe('connected');
        expect(session.state().psVersion).toMatch(/^7\./);
        expect(session.state().nodes.every((n) => n.connected)).toBe(true);
      }
      expect(emulated.ssh.sessions()).toHaveLength(emulated.sim.world.hosts.size);
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
});
