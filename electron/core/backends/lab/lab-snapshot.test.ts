import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE, labFixture } from '../../testing/lab-fixture.ts';
import { captureSnapshot, restoreSnapshot, type LabSnapshot } from './lab-snapshot.ts';

type Lab = ReturnType<typeof labFixture>;
const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);

/** A script of commands at fixed simulated times: faults, a failover and its reverse, a drain. */
const STEPS: ((lab: Lab) => Promise<unknown> | unknown)[] = [
  (l) => l.sim.runFor(20 * MINUTE + 123),
  (l) => l.backend.injectFault({ kind: 'wan-degradation', link: 'primary-dr', bandwidthFactor: 0.1, extraLatencyMs: 30 }),
  (l) => l.sim.runFor(30 * MINUTE + 7),
  (l) => {
    const victim = [...l.world.hosts.values()].find((h) => h.siteId === 'site-pri' && (l.world.vmsByHost.get(h.id)?.size ?? 0) > 1)!;
    return l.backend.injectFault({ kind: 'host-crash', host: victim.name });
  },
  (l) => l.sim.runFor(10 * MINUTE + 1),
  (l) => l.sim.runFor(17_777),
  (l) => l.backend.clearFault(l.sim.faults.list().find((f) => f.spec.kind === 'wan-degradation')!.id),
  (l) => l.sim.runFor(3 * MINUTE + 33),
  async (l) => {
    const vm = l.firstReplicated(1);
    const { replica } = l.copiesOf(vm.name);
    await quiet(l.settle(l.backend.stopVM(l.onHost(vm)), 5 * MINUTE));
    await quiet(l.settle(l.backend.startVMFailover(l.onHost(vm), { prepare: true }), 5 * MINUTE));
    await quiet(l.settle(l.backend.startVMFailover(l.onBroker(replica)), MINUTE));
    await quiet(l.settle(l.backend.reverseVMReplication(l.onBroker(replica)), MINUTE));
    await quiet(l.settle(l.backend.startVM(l.onBroker(replica)), MINUTE));
  },
  (l) => l.sim.runFor(7 * MINUTE + 3),
  async (l) => {
    const { replica } = l.copiesOf(l.firstReplicated(2).name);
    await quiet(l.settle(l.backend.startVMFailover(l.onBroker(replica), { asTest: true }), 5 * MINUTE));
  },
  (l) => l.sim.runFor(4 * MINUTE + 9),
  async (l) => {
    const { replica } = l.copiesOf(l.firstReplicated(2).name);
    await quiet(l.settle(l.backend.stopVMFailover(l.onBroker(replica)), 5 * MINUTE));
  },
  async (l) => {
    const node = [...l.world.hosts.values()].find((h) => h.siteId === 'site-pri' && h.state === 'Up')!;
    await quiet(l.settle(l.backend.suspendClusterNode(node.name, { drain: true, wait: true }), 30 * MINUTE));
  },
  (l) => l.backend.injectFault({ kind: 'wan-cut', link: 'dr-cloud' }),
  (l) => l.sim.runFor(45 * MINUTE + 11),
  (l) => l.backend.clearFault(l.sim.faults.list().find((f) => f.spec.kind === 'wan-cut')!.id),
  (l) => l.sim.runFor(2 * HOUR + 5),
];

const SEED = 42;
const VMS = 120;

/** Everything observable at the end: the full state, the event log and its digest, the inventory. */
function observe(lab: Lab): string {
  const snapshot = captureSnapshot(lab.sim);
  return JSON.stringify({
    snapshot, digest: lab.world.log.digest, count: lab.world.log.count, events: lab.sim.eventCount,
    next: lab.sim.nextEventAt(), inventory: lab.sim.inventory(), links: lab.sim.links(), faults: lab.sim.faults.list(),
  });
}

async function runFrom(lab: Lab, first: number, onStep?: (index: number) => void): Promise<void> {
  for (let i = first; i < STEPS.length; i++) {
    await STEPS[i]!(lab);
    onStep?.(i);
  }
}

describe('lab snapshot', () => {
  it('a world restored from a snapshot and run forward is the world run straight through (faults, WAN transfers in flight, a failover)', async () => {
    const straight = labFixture({ seed: SEED, vmCount: VMS });
    const taken = new Map<number, string>();
    const refused: number[] = [];
    await runFrom(straight, 0, (i) => {
      const snapshot = captureSnapshot(straight.sim);
      if (typeof snapshot === 'string') refused.push(i); else taken.set(i, JSON.stringify(snapshot));
    });
    const expected = observe(straight);
    expect(typeof captureSnapshot(straight.sim)).toBe('object');
    // Most moments between the steps are quiet; the crash's recovery still booting is not.
    expect(taken.size).toBeGreaterThanOrEqual(STEPS.length - 3);
    expect(refused).toContain(3);
    const parsed = [...taken.values()].map((text) => JSON.parse(text) as LabSnapshot);
    expect(parsed.some((s) => s.faults.active.length > 0)).toBe(true);
    expect(parsed.some((s) => s.events.some((e) => e.kind === 'deliver' || e.kind === 'complete'))).toBe(true);
    expect(parsed.some((s) => s.testVms.length > 0)).toBe(true);

    for (const [index, text] of taken) {
      const restored = labFixture({ seed: SEED, vmCount: VMS });
      restoreSnapshot(restored.sim, JSON.parse(text) as LabSnapshot);
      expect(JSON.stringify(captureSnapshot(restored.sim)), `snapshot after step ${index} read back`).toBe(text);
      await runFrom(restored, index + 1);
      expect(observe(restored), `restored after step ${index}`).toBe(expected);
    }
  }, 60_000);

  it('is not taken while an operation is in flight (a cluster restarting a crashed node\'s VMs)', () => {
    const lab = labFixture({ seed: SEED, vmCount: VMS });
    lab.sim.runFor(5 * MINUTE);
    const host = [...lab.world.hosts.values()].find((h) => h.siteId === 'site-pri' && (lab.world.vmsByHost.get(h.id)?.size ?? 0) > 1)!;
    lab.backend.injectFault({ kind: 'host-crash', host: host.name });
    expect(captureSnapshot(lab.sim)).toBe('an operation is in flight');
  });
});
