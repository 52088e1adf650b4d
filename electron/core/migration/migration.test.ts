import { afterEach, describe, expect, it } from 'vitest';
import type { DrainOperation, RollingOperation } from '../../../shared/model/migration.ts';
import { createMigrationRig, OPERATOR, type MigrationRig } from '../testing/migration-rig.ts';
import { planDrain, simulateSchedule, type PlannerHost, type PlannerVm } from './drain-planner.ts';
import { familyOf } from './migration-model.ts';

const GiB = 1024 ** 3;
let rig: MigrationRig | null = null;
afterEach(() => { rig?.dispose(); rig = null; });

function host(id: string, over: Partial<PlannerHost> = {}): PlannerHost {
  return { id, name: id, state: 'Up', capacityBytes: 256 * GiB, usedBytes: 0, logicalProcessors: 64, vcpuAssigned: 0, busyCores: 0, maxVmMigrations: 2, performance: 'Compression', ...over };
}
function vm(name: string, over: Partial<PlannerVm> = {}): PlannerVm {
  return { id: name, name, memoryBytes: 16 * GiB, cpuCount: 4, busyCores: 1, priority: 'Medium', tier: 1, running: true, antiAffinityClass: familyOf(name), possibleOwners: null, preferredOwners: null, ...over };
}

describe('drain planner', () => {
  it('fits memory, keeps anti-affinity classes apart and warns about Low priority', () => {
    const source = host('S');
    const plan = planDrain({
      clusterId: 'c', source, hosts: [source, host('A'), host('B', { usedBytes: 250 * GiB }), host('C', { state: 'Paused' })],
      vms: [vm('SQL01'), vm('SQL02'), vm('VDA01', { priority: 'Low' }), vm('BIG01', { memoryBytes: 300 * GiB })],
      classCounts: new Map(), options: { liveMigrateLowPriority: false, avoidHostIds: [] }, now: 0,
    });
    expect(plan.unplaced.map((u) => u.vmName)).toEqual(['BIG01']);
    const dest = Object.fromEntries(plan.moves.map((m) => [m.vmName, m.destHostId]));
    expect(dest.SQL01).toBe('A');
    // B has 6 GiB left, C is paused: the second SQL VM shares A, and says so.
    expect(dest.SQL02).toBe('A');
    expect(plan.warnings.some((w) => w.kind === 'anti-affinity' && w.vmName === 'SQL02')).toBe(true);
    expect(plan.moves.find((m) => m.vmName === 'VDA01')!.type).toBe('quick');
    expect(plan.warnings.find((w) => w.kind === 'quick-migration')!.message).toMatch(/quick-migrated/);
    expect(plan.predictedDurationSec).toBeGreaterThanOrEqual(plan.lowerBoundSec);
  });

  it('spreads a family over nodes and balances load when there is room', () => {
    const source = host('S');
    const plan = planDrain({
      clusterId: 'c', source, hosts: [source, host('A'), host('B'), host('C')],
      vms: [vm('EHR01'), vm('EHR02'), vm('EHR03')], classCounts: new Map(), options: { liveMigrateLowPriority: true, avoidHostIds: [] }, now: 0,
    });
    expect(new Set(plan.moves.map((m) => m.destHostId)).size).toBe(3);
    expect(plan.warnings.filter((w) => w.kind === 'quick-migration')).toEqual([]);
  });

  it('the schedule respects source and destination slots', () => {
    const hosts = new Map([['S', { limit: 2, bytesPerSec: 1e9 }], ['A', { limit: 1, bytesPerSec: 1e9 }]]);
    const jobs = [0, 1, 2].map(() => ({ sourceId: 'S', destId: 'A', memoryBytes: 10e9, dirtyShare: 0, type: 'live' as const }));
    const s = simulateSchedule(jobs, hosts);
    // One at a time (destination limit 1), each at full rate: 12 s each.
    expect(s.makespan).toBeCloseTo(36, 0);
  });
});

const waitFor = (r: MigrationRig, done: () => boolean, ms?: number) => r.drive(done, ms);
const finished = (op: { status: string } | undefined) => !!op && ['completed', 'failed', 'cancelled'].includes(op.status);

describe('drain on the lab', () => {
  it('drains the busiest node: every VM live-migrated, node paused with 0 VMs, audited', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const busiest = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri').sort((a, b) => b.vmCount - a.vmCount)[0]!;
    const plan = await r.handlers['migration.planDrain']({ hostId: busiest.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] } }, OPERATOR);
    expect(plan.moves.length).toBe(busiest.vmCount);
    expect(plan.moves.every((m) => m.type === 'live' || m.type === 'offline')).toBe(true);
    const op = await r.handlers['migration.startDrain']({ hostId: busiest.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR);
    let drain: DrainOperation | undefined;
    await waitFor(r, () => finished(drain = r.service.drain(op.id)?.op));
    expect(drain!.status).toBe('completed');
    const after = r.estate.getHost(busiest.id)!;
    expect(after.vmCount).toBe(0);
    expect(after.state).toBe('Paused');
    const actual = (drain!.finishedAt! - drain!.startedAt) / 1000;
    expect(actual).toBeLessThan(plan.predictedDurationSec * 1.3 + 5);
    const queue = await r.handlers['migration.queue']({ clusterId: busiest.clusterId }, OPERATOR);
    expect(queue.items.filter((i) => i.state === 'completed').length).toBe(plan.moves.length);
    expect(queue.throughput.length).toBeGreaterThan(0);
    const audit = r.audit.read().filter((e) => e.result === 'ok');
    expect(audit.filter((e) => e.action.startsWith('Move-ClusterVirtualMachineRole')).length).toBe(plan.moves.length);
    expect(audit.some((e) => e.action.startsWith('Suspend-ClusterNode'))).toBe(true);
    expect(r.published.some((p) => p.stream === 'migration.operations')).toBe(true);
  });

  it('refuses to quick-migrate Low priority VMs unless accepted', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const withLow = [...r.estate.hosts()].find((h) => h.siteId === 'site-pri' && [...r.estate.vms()].some((v) => v.hostId === h.id && v.priority === 'Low' && v.state === 'Running'))!;
    const plan = await r.handlers['migration.planDrain']({ hostId: withLow.id, options: { liveMigrateLowPriority: false, avoidHostIds: [] } }, OPERATOR);
    expect(plan.warnings.some((w) => w.kind === 'quick-migration')).toBe(true);
    await expect(r.handlers['migration.startDrain']({ hostId: withLow.id, options: { liveMigrateLowPriority: false, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR)).rejects.toThrow(/quick-migrates/);
  });

  it('a node crash mid-drain is reported, and a destination crash is retried elsewhere', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const hosts = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri').sort((a, b) => b.vmCount - a.vmCount);
    const source = hosts[0]!;
    const op = await r.handlers['migration.startDrain']({ hostId: source.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR);
    // Let a few migrations run, then crash the destination of a running one.
    await waitFor(r, () => r.service.engine.items.size > 0 && [...r.service.engine.items.values()].some((i) => i.state === 'running' && i.jobId !== null));
    const running = [...r.service.engine.items.values()].find((i) => i.state === 'running')!;
    r.lab.injectFault({ kind: 'host-crash', host: r.estate.getHost(running.destHostId)!.name });
    await waitFor(r, () => running.state !== 'running');
    expect(running.state).toBe('failed');
    await waitFor(r, () => [...r.service.engine.items.values()].some((i) => i.vmId === running.vmId && i.attempt === 2 && i.state !== 'queued'));
    const retry = [...r.service.engine.items.values()].find((i) => i.vmId === running.vmId && i.attempt === 2)!;
    expect(retry.destHostId).not.toBe(running.destHostId);
    // Now the source itself goes down.
    r.lab.injectFault({ kind: 'host-crash', host: source.name });
    let drain: DrainOperation | undefined;
    await waitFor(r, () => finished(drain = r.service.drain(op.id)?.op));
    expect(drain!.status).toBe('failed');
    expect(drain!.events.at(-1)!.message).toMatch(/went down during the drain/);
  });

  it('pause holds new migrations; resume continues; a queued migration can be cancelled', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const source = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri').sort((a, b) => b.vmCount - a.vmCount)[0]!;
    const op = await r.handlers['migration.startDrain']({ hostId: source.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR);
    await r.handlers['migration.pause']({ operationId: op.id }, OPERATOR);
    const queued = [...r.service.engine.items.values()].filter((i) => i.state === 'queued');
    expect(queued.length).toBeGreaterThan(0);
    const victim = queued.at(-1)!;
    const cancelled = await r.handlers['migration.cancel']({ itemId: victim.id }, OPERATOR);
    expect(cancelled.state).toBe('cancelled');
    r.sim.runFor(10 * 60_000);
    await new Promise((resolve) => setImmediate(resolve));
    expect(queued.filter((i) => i !== victim).every((i) => i.state === 'queued' || i.state === 'running')).toBe(true);
    await r.handlers['migration.resume']({ operationId: op.id }, OPERATOR);
    let drain: DrainOperation | undefined;
    await waitFor(r, () => finished(drain = r.service.drain(op.id)?.op));
    // The sweep moves the cancelled VM too: the node ends empty.
    expect(drain!.status).toBe('completed');
    expect(r.estate.getHost(source.id)!.vmCount).toBe(0);
  });

  it('host migration settings are changed, audited and read back', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const h = [...r.estate.hosts()][0]!;
    const result = await r.handlers['hosts.setMigrationSettings']({ hostId: h.id, maxVmMigrations: 4, performance: 'SMB' }, OPERATOR);
    expect(result.maxVmMigrations).toBe(4);
    expect(result.performance).toBe('SMB');
    const list = await r.handlers['hosts.migrationSettings']({ clusterId: h.clusterId }, OPERATOR);
    expect(list.hosts.find((x) => x.hostId === h.id)!.maxVmMigrations).toBe(4);
    expect(r.audit.read().some((e) => e.action.startsWith('Set-VMHost') && e.result === 'ok')).toBe(true);
  });
});

describe('rolling maintenance on the lab', () => {
  it('drains, patches (operator), resumes with failback every node; VMs end home', async () => {
    rig = await createMigrationRig({ vmCount: 120 });
    const r = rig;
    const cluster = Object.values(r.estate.snapshot().clusters).find((c) => c.siteId === 'site-pri')!;
    const order = cluster.hostIds.slice(0, 3);
    const home = new Map([...r.estate.vms()].filter((v) => order.includes(v.hostId)).map((v) => [v.id, v.hostId]));
    const plan = await r.handlers['migration.planRolling']({ clusterId: cluster.id, patch: { kind: 'operator' }, nodesAtOnce: 1 }, OPERATOR);
    expect(plan.nodes.length).toBe(cluster.hostIds.length);
    const op = await r.handlers['migration.startRolling']({ clusterId: cluster.id, patch: { kind: 'operator' }, nodesAtOnce: 1, hostIds: order }, OPERATOR);
    let view: RollingOperation | undefined;
    for (const hostId of order) {
      await waitFor(r, () => r.service.rolling(op.id)!.op.nodes.find((n) => n.hostId === hostId)!.phase === 'patching' || finished(r.service.rolling(op.id)!.op));
      expect(r.estate.getHost(hostId)!.vmCount).toBe(0);
      await r.handlers['migration.confirmPatched']({ operationId: op.id, hostId }, OPERATOR);
    }
    await waitFor(r, () => finished(view = r.service.rolling(op.id)!.op));
    expect(view!.status).toBe('completed');
    for (const [vmId, hostId] of home) expect(r.estate.getVm(vmId)!.hostId).toBe(hostId);
    for (const hostId of order) expect(r.estate.getHost(hostId)!.state).toBe('Up');
    expect(r.audit.read().filter((e) => e.action.startsWith('Resume-ClusterNode') && e.result === 'ok').length).toBe(3);
  });

  it('two nodes at a time with a scripted patch step: every node drained and back, faster than one at a time', async () => {
    rig = await createMigrationRig({ vmCount: 120 });
    const r = rig;
    const cluster = Object.values(r.estate.snapshot().clusters).find((c) => c.siteId === 'site-pri')!;
    const order = cluster.hostIds.slice(0, 4);
    const one = await r.handlers['migration.planRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 120 }, nodesAtOnce: 1, hostIds: order }, OPERATOR);
    const two = await r.handlers['migration.planRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 120 }, nodesAtOnce: 2, hostIds: order }, OPERATOR);
    expect(two.predictedDurationSec).toBeLessThan(one.predictedDurationSec);
    const op = await r.handlers['migration.startRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 120 }, nodesAtOnce: 2, hostIds: order }, OPERATOR);
    let view: RollingOperation | undefined;
    await waitFor(r, () => finished(view = r.service.rolling(op.id)!.op));
    expect(view!.status).toBe('completed');
    expect(view!.nodes.every((n) => n.phase === 'done')).toBe(true);
    for (const hostId of order) expect(r.estate.getHost(hostId)!.state).toBe('Up');
  });
});

describe('migration slots', () => {
  it('a host limited to 2 concurrent migrations never runs 3 (source and destination counted together)', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const source = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri').sort((a, b) => b.vmCount - a.vmCount)[0]!;
    const op = await r.handlers['migration.startDrain']({ hostId: source.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR);
    let worst = 0;
    const over: string[] = [];
    await waitFor(r, () => {
      const counts = new Map<string, number>();
      for (const i of r.service.engine.items.values()) {
        if (i.state !== 'running' || i.type === 'offline') continue;
        for (const h of [i.sourceHostId, i.destHostId]) counts.set(h, (counts.get(h) ?? 0) + 1);
      }
      for (const [h, n] of counts) {
        worst = Math.max(worst, n);
        const limit = r.estate.getHost(h)!.maxVmMigrations;
        if (n > limit) over.push(`${r.estate.getHost(h)!.name}: ${n} > ${limit}`);
      }
      return finished(r.service.drain(op.id)?.op);
    });
    expect(over.slice(0, 3)).toEqual([]);
    expect(worst).toBe(2);
  });
});

describe('rolling maintenance, several nodes at a time', () => {
  it('three at a time over the whole busiest cluster finishes: every node back Up, every VM home', async () => {
    // The bench's estate: here, without the wait for failbacks still taking VMs off a node before
    // draining it, HV-B08's drain ended with "still holds 1 VMs" and the maintenance failed.
    rig = await createMigrationRig({ seed: 20261125, vmCount: 540 });
    const r = rig;
    const clusters = Object.values(r.estate.snapshot().clusters).filter((c) => c.siteId === 'site-pri');
    const vmsIn = (id: string) => [...r.estate.vms()].filter((v) => v.clusterId === id).length;
    const cluster = clusters.sort((a, b) => vmsIn(b.id) - vmsIn(a.id))[0]!;
    // As bench/migration.bench.ts runs it: Compression on every node, no patch time. Here a drain
    // also failed on a VM a failback was already taking off its node ("HV-A09 still holds 1 VMs").
    for (const hostId of cluster.hostIds) await r.handlers['hosts.setMigrationSettings']({ hostId, performance: 'Compression' }, OPERATOR);
    r.estate.apply(r.sim.flushPatches());
    const home = new Map([...r.estate.vms()].filter((v) => v.clusterId === cluster.id).map((v) => [v.id, v.hostId]));
    const op = await r.handlers['migration.startRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 0 }, nodesAtOnce: 3 }, OPERATOR);
    let view: RollingOperation | undefined;
    await waitFor(r, () => finished(view = r.service.rolling(op.id)!.op));
    expect(view!.events.filter((e) => e.severity === 'error').map((e) => e.message)).toEqual([]);
    expect(view!.status).toBe('completed');
    expect(view!.nodes.every((n) => n.phase === 'done')).toBe(true);
    for (const hostId of cluster.hostIds) expect(r.estate.getHost(hostId)!.state).toBe('Up');
    const away = [...home].filter(([vmId, hostId]) => r.estate.getVm(vmId)!.hostId !== hostId);
    expect(away).toEqual([]);
  }, 180_000);
});

describe('resume and carry on', () => {
  it('a drained host is resumed and its VMs fail back; audited', async () => {
    rig = await createMigrationRig({ vmCount: 120 });
    const r = rig;
    const source = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri').sort((a, b) => b.vmCount - a.vmCount)[0]!;
    const home = [...r.estate.vms()].filter((v) => v.hostId === source.id).map((v) => v.id);
    const op = await r.handlers['migration.startDrain']({ hostId: source.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR);
    await waitFor(r, () => finished(r.service.drain(op.id)?.op));
    expect(r.estate.getHost(source.id)!.state).toBe('Paused');
    const result = await r.handlers['migration.resumeHost']({ hostId: source.id, failback: true }, OPERATOR);
    expect(result.failingBack).toBe(home.length);
    await waitFor(r, () => home.every((id) => r.estate.getVm(id)!.hostId === source.id) && r.service.drain(op.id)!.op.events.some((e) => /Failback to .* finished/.test(e.message)));
    expect(r.estate.getHost(source.id)!.state).toBe('Up');
    expect(r.audit.read().some((e) => e.action === 'node resumed with failback' && e.result === 'ok')).toBe(true);
    // Up now: a second resume says why it cannot.
    await expect(r.handlers['migration.resumeHost']({ hostId: source.id, failback: true }, OPERATOR)).rejects.toThrow(/not paused/);
  }, 120_000);

  it('a stopped rolling maintenance carries on after a restart: nodes done are not redone, every VM ends home', async () => {
    rig = await createMigrationRig({ vmCount: 120 });
    const r = rig;
    const cluster = Object.values(r.estate.snapshot().clusters).find((c) => c.siteId === 'site-pri')!;
    const order = cluster.hostIds.slice(0, 6);
    const home = new Map([...r.estate.vms()].filter((v) => order.includes(v.hostId)).map((v) => [v.id, v.hostId]));
    const op = await r.handlers['migration.startRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 120 }, nodesAtOnce: 3, hostIds: order }, OPERATOR);
    await waitFor(r, () => r.service.rolling(op.id)!.op.nodes.some((n) => n.phase === 'done'));
    await r.handlers['migration.abort']({ operationId: op.id }, OPERATOR);
    const doneBefore = r.service.rolling(op.id)!.op.nodes.filter((n) => n.phase === 'done').map((n) => n.hostId);
    expect(doneBefore.length).toBeGreaterThan(0);
    r.restartConsole();
    expect(r.service.rolling(op.id)!.op.status).toBe('cancelled');
    const carried = await r.handlers['migration.carryOnRolling']({ operationId: op.id }, OPERATOR);
    expect(carried.status).toBe('running');
    let view: RollingOperation | undefined;
    await waitFor(r, () => finished(view = r.service.rolling(op.id)!.op) && [...home].every(([vmId, hostId]) => r.estate.getVm(vmId)!.hostId === hostId));
    expect(view!.status).toBe('completed');
    expect(view!.nodes.every((n) => n.phase === 'done')).toBe(true);
    const drains = r.service.operations().drains.filter((d) => d.parentId === op.id);
    for (const hostId of doneBefore) expect(drains.filter((d) => d.hostId === hostId).length).toBe(1);
    for (const hostId of order) expect(r.estate.getHost(hostId)!.state).toBe('Up');
    await expect(r.handlers['migration.carryOnRolling']({ operationId: op.id }, OPERATOR)).rejects.toThrow(/only a failed or stopped/);
  }, 180_000);

  it('patch steps that run in parallel are predicted as parallel; more nodes at a time than capacity allows is refused with the reason', async () => {
    // The default estate: about 5 TiB of VMs in a 12-node cluster of 760 GiB nodes.
    rig = await createMigrationRig({ vmCount: 600 });
    const r = rig;
    const cluster = Object.values(r.estate.snapshot().clusters).filter((c) => c.siteId === 'site-pri').sort((a, b) => b.hostIds.length - a.hostIds.length)[0]!;
    const order = cluster.hostIds.slice(0, 4);
    const two = await r.handlers['migration.planRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 120 }, nodesAtOnce: 2, hostIds: order }, OPERATOR);
    expect(two.includesPatchSec).toBe(240);
    const three = await r.handlers['migration.planRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 60 }, nodesAtOnce: 3 }, OPERATOR);
    expect(three.warnings.filter((w) => w.kind === 'no-capacity' && w.vmId === null)).toEqual([]);
    const most = 6;
    const plan = await r.handlers['migration.planRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 60 }, nodesAtOnce: most }, OPERATOR);
    expect(plan.warnings.some((w) => w.kind === 'no-capacity' && w.vmId === null && /at a time do not fit/.test(w.message))).toBe(true);
    await expect(r.handlers['migration.startRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 60 }, nodesAtOnce: most }, OPERATOR)).rejects.toThrow(/do not fit.*fewer nodes at a time/);
    expect(r.service.operations().rolling).toEqual([]);
  }, 120_000);
});
