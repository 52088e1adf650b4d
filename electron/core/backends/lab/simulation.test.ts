import { describe, expect, it } from 'vitest';
import { manualClock } from '../../testing/memory-ports.ts';
import { createLabBackend } from './lab-backend.ts';
import { HOUR, LAB_TEST_START, MINUTE, labFixture } from '../../testing/lab-fixture.ts';
import { LabSimulation } from './simulation.ts';

/** A fixed script of commands at fixed simulated times; returns everything observable. */
async function scriptedRun(seed: number) {
  const lab = labFixture({ seed, vmCount: 120 });
  const { sim, backend, world, settle, onHost, onBroker } = lab;
  const quiet = <T>(p: Promise<T>) => p.catch(() => undefined);
  const patches: string[] = [];
  const step = (ms: number) => { sim.runFor(ms); patches.push(JSON.stringify(sim.flushPatches())); };
  step(20 * MINUTE);
  const wan = backend.injectFault({ kind: 'wan-degradation', link: 'primary-dr', bandwidthFactor: 0.1, extraLatencyMs: 30 });
  step(30 * MINUTE);
  const victim = [...world.hosts.values()].find((h) => h.siteId === 'site-pri' && (world.vmsByHost.get(h.id)?.size ?? 0) > 1)!;
  backend.injectFault({ kind: 'host-crash', host: victim.name });
  step(10 * MINUTE);
  backend.clearFault(wan.id);
  const vm = lab.firstReplicated(1);
  const { replica } = lab.copiesOf(vm.name);
  await quiet(settle(backend.stopVM(onHost(vm)), 5 * MINUTE));
  await quiet(settle(backend.startVMFailover(onHost(vm), { prepare: true }), 5 * MINUTE));
  await quiet(settle(backend.startVMFailover(onBroker(replica)), MINUTE));
  await quiet(settle(backend.reverseVMReplication(onBroker(replica)), MINUTE));
  await quiet(settle(backend.startVM(onBroker(replica)), MINUTE));
  const node = [...world.hosts.values()].find((h) => h.siteId === 'site-pri' && h.state === 'Up')!;
  await quiet(settle(backend.suspendClusterNode(node.name, { drain: true, wait: true }), 30 * MINUTE));
  backend.injectFault({ kind: 'wan-cut', link: 'dr-cloud' });
  step(2 * HOUR);
  return { log: JSON.stringify(world.log.all()), digest: world.log.digest, count: world.log.count, events: sim.eventCount, patches };
}

describe('lab simulation', () => {
  it('is deterministic: the same seed and commands give the same event log, patches and event count', async () => {
    const first = await scriptedRun(42);
    const second = await scriptedRun(42);
    expect(first.count).toBeGreaterThan(50);
    expect(second.log).toBe(first.log);
    expect(second.digest).toBe(first.digest);
    expect(second.events).toBe(first.events);
    expect(second.patches).toEqual(first.patches);
    const other = await scriptedRun(43);
    expect(other.digest).not.toBe(first.digest);
  });

  it('gives the same result however the time is sliced', () => {
    const whole = new LabSimulation({ seed: 5, vmCount: 120, startTime: LAB_TEST_START });
    const sliced = new LabSimulation({ seed: 5, vmCount: 120, startTime: LAB_TEST_START });
    whole.runFor(3 * HOUR);
    for (let i = 0; i < 180; i++) sliced.runFor(MINUTE - 7_000 + (i % 3) * 7_000);
    sliced.runUntil(whole.now);
    expect(sliced.eventCount).toBe(whole.eventCount);
    expect(JSON.stringify(sliced.inventory().vms)).toBe(JSON.stringify(whole.inventory().vms));
  });

  it('restarts a crashed host’s VMs elsewhere in the cluster, by priority, where they fit', () => {
    const { sim, world, backend } = labFixture({ vmCount: 600 });
    const host = [...world.hosts.values()].find((h) => h.siteId === 'site-pri')!;
    const victims = [...world.vmsByHost.get(host.id)!].map((id) => world.vms.get(id)!).filter((v) => v.state === 'Running');
    expect(victims.length).toBeGreaterThan(3);
    const fault = backend.injectFault({ kind: 'host-crash', host: host.name });
    expect(host.state).toBe('Down');
    expect(victims.every((v) => v.state === 'Off')).toBe(true);
    sim.runFor(10 * MINUTE);
    for (const vm of victims) {
      expect(vm.hostId).not.toBe(host.id);
      expect(world.hosts.get(vm.hostId)!.clusterId).toBe(host.clusterId);
      expect(vm.state).toBe('Running');
    }
    const restarts = world.log.all().filter((e) => e.kind === 'cluster.restart').map((e) => world.copies(victims.find((v) => v.name === e.vm)!.vmId)[0]!.priority);
    const order = { High: 0, Medium: 1, Low: 2, NoAutoStart: 3 } as const;
    expect(restarts.map((p) => order[p])).toEqual([...restarts.map((p) => order[p])].sort());
    backend.clearFault(fault.id);
    expect(host.state).toBe('Up');
  });

  it('runs in real time at the chosen speed on the core clock, and reports it in the clock patch', async () => {
    const clock = manualClock(0);
    const sim = new LabSimulation({ seed: 1, vmCount: 60, startTime: LAB_TEST_START });
    const backend = createLabBackend(sim, clock, 1);
    const batches: { now: number; speed: number | null }[] = [];
    backend.start((patches) => {
      for (const p of patches) if (p.op === 'clock') batches.push({ now: p.value.now, speed: p.value.speed });
    });
    clock.advance(1000);
    expect(sim.now).toBe(LAB_TEST_START + 1000);
    backend.setSpeed(60);
    clock.advance(1000);
    expect(sim.now).toBe(LAB_TEST_START + 61_000);
    backend.setSpeed('pause');
    clock.advance(10_000);
    expect(sim.now).toBe(LAB_TEST_START + 61_000);
    expect(backend.status().speed).toBe('pause');
    expect(batches.at(-1)).toEqual({ now: LAB_TEST_START + 61_000, speed: 0 });
    backend.setSpeed('max');
    clock.advance(5);
    // Flat out yields to the event loop between event times, so reactions land at the right instant.
    for (let i = 0; i < 200_000 && sim.now - LAB_TEST_START <= HOUR; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    expect(sim.now - LAB_TEST_START).toBeGreaterThan(HOUR);
    expect(batches.at(-1)!.speed).toBeNull();
    void backend.dispose();
  });
});
