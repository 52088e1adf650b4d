import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../../shared/contract/errors.ts';
import type { LabFaultSpecInput } from '../../../../shared/model/lab.ts';
import { LabFaultSpecSchema } from '../../../../shared/model/lab.ts';
import { createEstateStore } from '../../estate/estate-store.ts';
import { holdsMemory } from '../../../../shared/model/host-usage.ts';
import { manualClock } from '../../testing/memory-ports.ts';
import { MINUTE, labFixture } from '../../testing/lab-fixture.ts';
import type { LabWorld } from './lab-world.ts';
import { createRandom, type Random } from './random.ts';

const GiB = 1024 ** 3;

/** The promises the model keeps whatever anyone does; returns what is broken, empty when none. */
function brokenInvariants(world: LabWorld): string[] {
  const problems: string[] = [];
  const running = new Map<string, string[]>();
  const primaries = new Map<string, string[]>();
  let indexed = 0;
  for (const ids of world.vmsByHost.values()) indexed += ids.size;
  if (indexed !== world.vms.size) problems.push(`host index holds ${indexed} VMs, the lab ${world.vms.size}`);
  for (const vm of world.vms.values()) {
    const host = world.hosts.get(vm.hostId)!;
    if (!world.vmsByHost.get(vm.hostId)?.has(vm.id)) problems.push(`${vm.id} missing from the index of ${host.name}`);
    if (host.clusterId !== vm.clusterId || host.siteId !== vm.siteId) problems.push(`${vm.id} is on ${host.name} of another cluster`);
    if (holdsMemory(vm)) {
      running.set(vm.vmId, [...(running.get(vm.vmId) ?? []), `${vm.id}@${host.name}`]);
      if (host.state === 'Down') problems.push(`${vm.id} runs on ${host.name}, which is down`);
    }
    if (vm.replication?.mode === 'Primary') primaries.set(vm.vmId, [...(primaries.get(vm.vmId) ?? []), vm.id]);
  }
  for (const [vmId, where] of running) if (where.length > 1) problems.push(`${vmId} runs in ${where.length} places: ${where.join(', ')}`);
  for (const [vmId, ids] of primaries) if (ids.length > 1) problems.push(`${vmId} has ${ids.length} primaries: ${ids.join(', ')}`);
  for (const host of world.hosts.values()) {
    const free = world.freeMemory(host.id);
    if (free < 0) problems.push(`${host.name} is over its memory by ${Math.round(-free / GiB)} GiB`);
  }
  return problems;
}

/** One random command, the way a confused operator or a buggy plan might issue it. */
function randomCommand(lab: ReturnType<typeof labFixture>, random: Random, focus: string[]): { label: string; run: () => Promise<unknown> | unknown } {
  const { world, backend } = lab;
  // Mostly the same few VMs, so sequences (prepare → failover → reverse → start) get somewhere.
  const vms = random.next() < 0.8 ? focus.flatMap((vmId) => world.copies(vmId)) : [...world.vms.values()];
  const hosts = [...world.hosts.values()];
  const vm = random.pick(vms);
  const host = random.pick(hosts);
  const onHost = { vmName: vm.name, computerName: world.hosts.get(vm.hostId)!.name };
  const cluster = world.clusters.get(vm.clusterId)!;
  const onCluster = { vmName: vm.name, computerName: cluster.replicaBroker ?? cluster.name };
  const target = random.next() < 0.5 ? onHost : onCluster;
  const faults = backend.status().faults;
  const specs: LabFaultSpecInput[] = [
    { kind: 'host-crash', host: host.name },
    { kind: 'wan-cut', link: random.pick(['primary-dr', 'dr-cloud'] as const) },
    { kind: 'wan-degradation', link: 'primary-dr', bandwidthFactor: random.pick([0.05, 0.3]) },
    { kind: 'primary-site-loss' },
    { kind: 'replica-storage-full', site: random.pick(['dr', 'cloud'] as const) },
    { kind: 'replica-broker-down', cluster: random.pick([...world.clusters.values()]).name },
    { kind: 'vm-boot-failure', vm: vm.name, mode: random.pick(['start-error', 'no-heartbeat'] as const) },
    { kind: 'backend-timeout', calls: random.int(1, 3) },
  ];
  const commands: { label: string; weight: number; run: () => Promise<unknown> | unknown }[] = [
    { label: `Start-VM ${vm.id}`, weight: 6, run: () => backend.startVM(target) },
    { label: `Stop-VM ${vm.id}`, weight: 4, run: () => backend.stopVM(target, { turnOff: random.next() < 0.3 }) },
    { label: `Start-VMFailover -Prepare ${vm.id}`, weight: 2, run: () => backend.startVMFailover(target, { prepare: true }) },
    { label: `Start-VMFailover ${vm.id}`, weight: 4, run: () => backend.startVMFailover(target, { asTest: random.next() < 0.4 }) },
    { label: `Stop-VMFailover ${vm.id}`, weight: 2, run: () => backend.stopVMFailover(target) },
    { label: `Complete-VMFailover ${vm.id}`, weight: 2, run: () => backend.completeVMFailover(target) },
    // Every lab VM extends to a third copy: half the reverses end the extension first (as an operator
    // must; Hyper-V refuses a plain reverse then), half are refused with a contract error.
    { label: `Reverse ${vm.id}`, weight: 2, run: () => backend.reverseVMReplication(target, { removeExtended: random.next() < 0.5 }) },
    { label: `Suspend ${vm.id}`, weight: 1, run: () => backend.suspendVMReplication(target) },
    { label: `Resume ${vm.id}`, weight: 1, run: () => backend.resumeVMReplication(target, { resynchronize: random.next() < 0.5 }) },
    { label: `Move ${vm.id} → ${host.name}`, weight: 4, run: () => backend.moveClusterVirtualMachineRole({ vmName: vm.name, node: random.pick(cluster.hostIds.map((id) => world.hosts.get(id)!.name)), migrationType: random.pick(['Live', 'Quick'] as const), wait: false }) },
    { label: `Drain ${host.name}`, weight: 1, run: () => backend.suspendClusterNode(host.name, { drain: true }) },
    { label: `Resume node ${host.name}`, weight: 1, run: () => backend.resumeClusterNode(host.name) },
    { label: `Set-VMHost ${host.name}`, weight: 1, run: () => backend.setVMHost(host.name, { maximumVirtualMachineMigrations: random.int(1, 4) }) },
    { label: 'inject fault', weight: 2, run: () => backend.injectFault(LabFaultSpecSchema.parse(random.pick(specs))) },
    { label: 'clear fault', weight: faults.length > 0 ? 3 : 0, run: () => backend.clearFault(random.pick(faults).id) },
  ];
  const total = commands.reduce((sum, c) => sum + c.weight, 0);
  let roll = random.next() * total;
  for (const command of commands) {
    roll -= command.weight;
    if (roll < 0) return command;
  }
  return commands[0]!;
}

describe('lab invariants under random operation sequences', () => {
  it('never runs a VM twice, never has two primaries, never overfills a host, and fails only with contract errors', async () => {
    const RUNS = 250;
    const STEPS = 30;
    let commandsRun = 0;
    let refused = 0;
    const succeeded = new Map<string, number>();
    for (let run = 0; run < RUNS; run++) {
      const random = createRandom(1000 + run);
      const lab = labFixture({ seed: run, vmCount: 24 });
      const { sim, world } = lab;
      // Tight hosts, so capacity is actually contested.
      for (const host of world.hosts.values()) {
        const used = host.memoryBytes - host.hostReserveBytes - world.freeMemory(host.id);
        world.setHost(host, { memoryBytes: host.hostReserveBytes + Math.max(used, random.pick([24, 48, 96]) * GiB) });
      }
      // The estate store follows the lab through its patches alone.
      const store = createEstateStore(sim.inventory(), { clock: manualClock(), batchMs: 250, publish: () => {} });
      const replicated = [...world.vms.values()].filter((v) => v.replication?.mode === 'Primary');
      const focus = [random.pick(replicated).vmId, random.pick(replicated).vmId, random.pick(replicated).vmId];
      const strange: string[] = [];
      const history: string[] = [];
      for (let step = 0; step < STEPS; step++) {
        const command = randomCommand(lab, random, focus);
        history.push(command.label);
        commandsRun += 1;
        try {
          const result = command.run();
          if (result instanceof Promise) {
            result.then(() => { const kind = command.label.split(' ')[0]!; succeeded.set(kind, (succeeded.get(kind) ?? 0) + 1); }, (error: unknown) => {
              refused += 1;
              if (!(error instanceof ContractError)) strange.push(`${command.label}: ${String(error)}`);
            });
          }
        } catch (error) {
          refused += 1;
          if (!(error instanceof ContractError)) strange.push(`${command.label}: ${String(error)}`);
        }
        sim.runFor(random.int(0, 12) * MINUTE / 2);
        await Promise.resolve();
        store.apply(sim.flushPatches());
        const problems = brokenInvariants(world);
        if (problems.length > 0 || strange.length > 0) {
          throw new Error(`run ${run}, step ${step}:\n${[...problems, ...strange].join('\n')}\nafter:\n${history.join('\n')}`);
        }
      }
      store.apply(sim.flushPatches());
      // Fields the store derives on its own (it may add some) are not the lab's to compare.
      const seen = store.snapshot().vms;
      expect(Object.keys(seen).sort(), `run ${run}`).toEqual([...world.vms.keys()].sort());
      for (const vm of world.vms.values()) {
        const copy = seen[vm.id]!;
        expect(Object.fromEntries(Object.keys(vm).map((k) => [k, copy[k as keyof typeof copy]])), `run ${run}`).toEqual(vm);
      }
      store.dispose();
    }
    expect(commandsRun).toBe(RUNS * STEPS);
    expect(refused).toBeGreaterThan(RUNS); // the generator does reach the refusals...
    // ...and the operations that change the most state do succeed often enough to matter (a floor
    // against a vacuous run, not a figure: a reverse that ends the third copy first changes how many
    // VMs are in a state to complete a failover).
    for (const kind of ['Start-VM', 'Stop-VM', 'Start-VMFailover', 'Complete-VMFailover', 'Move', 'Drain']) {
      expect(succeeded.get(kind) ?? 0, kind).toBeGreaterThan(10);
    }
    expect(succeeded.get('Reverse') ?? 0).toBeGreaterThan(0);
  }, 90_000); // 7,500 operations: a few seconds alone, much longer on a busy two-core runner

  it('detects a broken invariant (the checker itself can fail)', () => {
    const { world, firstReplicated, copiesOf } = labFixture();
    const { replica } = copiesOf(firstReplicated(1).name);
    world.setVm(replica, { state: 'Running' });
    expect(brokenInvariants(world).join('\n')).toMatch(/runs in 2 places/);
    replica.replication!.mode = 'Primary';
    expect(brokenInvariants(world).join('\n')).toMatch(/has 2 primaries/);
  });
});
