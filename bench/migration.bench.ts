// Maintenance drains on the lab, as fast as the machine allows: the busiest node of a 180-VM cluster
// and a rolling maintenance of the whole cluster, each judged against a lower bound on the same lab,
// with baselines run the same way (naive FIFO to one destination, Windows' own drain, no compression).
import type { Host } from '../shared/model/estate.ts';
import type { MigrationPerformance } from '../shared/model/hyperv-enums.ts';
import { driveLab } from '../electron/core/testing/lab-drive.ts';
import { planDrain, type PlannerHost, type PlannerVm } from '../electron/core/migration/drain-planner.ts';
import { createMigrationRig, OPERATOR, type MigrationRig } from '../electron/core/testing/migration-rig.ts';
import { familyOf } from '../electron/core/migration/migration-model.ts';
import { median, round, type Emit } from './bench-result.ts';

const SEED = 20261125;
/** Three primary clusters of 180 VMs on 12 nodes each. */
const VM_COUNT = 540;
const GiB = 1024 ** 3;

async function labWith(performance: MigrationPerformance): Promise<{ rig: MigrationRig; cluster: string; hosts: Host[] }> {
  const rig = await createMigrationRig({ seed: SEED, vmCount: VM_COUNT });
  const snapshot = rig.estate.snapshot();
  const cluster = Object.values(snapshot.clusters).filter((c) => c.siteId === 'site-pri')
    .map((c) => ({ c, vms: Object.values(snapshot.vms).filter((v) => v.clusterId === c.id).length }))
    .sort((a, b) => b.vms - a.vms)[0]!.c;
  for (const hostId of cluster.hostIds) {
    await rig.handlers['hosts.setMigrationSettings']({ hostId, performance }, OPERATOR);
  }
  rig.estate.apply(rig.sim.flushPatches());
  return { rig, cluster: cluster.id, hosts: cluster.hostIds.map((id) => rig.estate.getHost(id)!) };
}

function busiest(hosts: Host[]): Host {
  return [...hosts].sort((a, b) => b.memoryAssignedBytes - a.memoryAssignedBytes)[0]!;
}

async function plannedDrain(performance: MigrationPerformance) {
  const { rig, hosts } = await labWith(performance);
  const source = busiest(hosts);
  const options = { liveMigrateLowPriority: true, avoidHostIds: [] };
  const plan = await rig.handlers['migration.planDrain']({ hostId: source.id, options }, OPERATOR);
  const started = performance_now();
  const op = await rig.handlers['migration.startDrain']({ hostId: source.id, options, acceptQuickMigrations: false }, OPERATOR);
  await rig.drive(() => ['completed', 'failed', 'cancelled'].includes(rig.service.drain(op.id)!.op.status));
  const done = rig.service.drain(op.id)!.op;
  const result = { plan, status: done.status, makespanSec: (done.finishedAt! - done.startedAt) / 1000, wallMs: performance_now() - started, vms: plan.moves.length, vmsLeft: rig.estate.getHost(source.id)!.vmCount };
  rig.dispose();
  return result;
}

/**
 * FIFO by name, all to the one node with the most free memory, handed to Hyper-V's own queue
 * (a VM pinned to other possible owners goes to the first of them: the cluster would refuse it).
 */
async function naiveDrain() {
  const { rig, hosts } = await labWith('Compression');
  const source = busiest(hosts);
  const dest = hosts.filter((h) => h.id !== source.id).sort((a, b) => (b.memoryBytes - b.memoryAssignedBytes) - (a.memoryBytes - a.memoryAssignedBytes))[0]!;
  const vms = [...rig.estate.vms()].filter((v) => v.hostId === source.id).sort((a, b) => (a.name < b.name ? -1 : 1));
  const start = rig.sim.now;
  let failed = 0;
  let settled = 0;
  for (const vm of vms) {
    const node = !vm.possibleOwners || vm.possibleOwners.includes(dest.id) ? dest.name : rig.estate.getHost(vm.possibleOwners.find((id) => id !== source.id)!)!.name;
    rig.lab.moveClusterVirtualMachineRole({ vmName: vm.name, node, migrationType: 'Live', wait: true })
      .then(() => { settled += 1; }, () => { settled += 1; failed += 1; });
  }
  await driveLab(rig.sim, () => settled === vms.length);
  const result = { makespanSec: (rig.sim.now - start) / 1000, failed, vms: vms.length };
  rig.dispose();
  return result;
}

async function rolling(performance: MigrationPerformance, nodesAtOnce = 1) {
  const { rig, cluster } = await labWith(performance);
  const patch = { kind: 'wait' as const, seconds: 0 };
  const plan = await rig.handlers['migration.planRolling']({ clusterId: cluster, patch, nodesAtOnce }, OPERATOR);
  const vms = [...rig.estate.vms()].filter((v) => v.clusterId === cluster).length;
  const started = performance_now();
  const op = await rig.handlers['migration.startRolling']({ clusterId: cluster, patch, nodesAtOnce }, OPERATOR);
  await rig.drive(() => ['completed', 'failed', 'cancelled'].includes(rig.service.rolling(op.id)!.op.status), 6 * 3600_000);
  const done = rig.service.rolling(op.id)!.op;
  const result = { plan, status: done.status, makespanSec: (done.finishedAt! - done.startedAt) / 1000, wallMs: performance_now() - started, vms, nodes: done.nodes.length };
  rig.dispose();
  return result;
}

/** What Windows does: Suspend-ClusterNode -Drain -Wait (Low priority quick-migrated), resume, then move its VMs back one at a time. */
async function windowsRolling() {
  const { rig, cluster, hosts } = await labWith('Compression');
  const start = rig.sim.now;
  let quick = 0;
  const unsubscribe = rig.lab.onEvents((events) => { quick += events.filter((e) => e.kind === 'cluster.drain-quick').length; });
  for (const host of hosts) {
    const home = [...rig.estate.vms()].filter((v) => v.hostId === host.id).map((v) => v.name);
    let drained = false;
    void rig.lab.suspendClusterNode(host.name, { drain: true, wait: true }).finally(() => { drained = true; });
    await driveLab(rig.sim, () => drained);
    let resumed = false;
    void rig.lab.resumeClusterNode(host.name).finally(() => { resumed = true; });
    await driveLab(rig.sim, () => resumed);
    for (const name of home) {
      let moved = false;
      void rig.lab.moveClusterVirtualMachineRole({ vmName: name, node: host.name, migrationType: 'Live', wait: true }).catch(() => {}).finally(() => { moved = true; });
      await driveLab(rig.sim, () => moved);
    }
  }
  unsubscribe();
  const result = { makespanSec: (rig.sim.now - start) / 1000, quick, cluster };
  rig.dispose();
  return result;
}

function performance_now(): number { return performance.now(); }

/** A synthetic cluster for planner timing: nodes × vmsPerNode VMs, half full. */
function syntheticInput(nodes: number, vmsPerNode: number, sourceIndex = 0) {
  const families = ['SQL', 'WEB', 'APP', 'VDA', 'EHRAPP', 'FS', 'RPT', 'UTIL'];
  const hosts: PlannerHost[] = [];
  const vms: PlannerVm[] = [];
  for (let n = 0; n < nodes; n++) {
    let used = 0;
    for (let i = 0; i < vmsPerNode; i++) {
      const memoryBytes = [8, 16, 24, 32][(n * 7 + i) % 4]! * GiB;
      used += memoryBytes;
      if (n === sourceIndex) {
        const family = families[i % families.length]!;
        vms.push({ id: `vm-${n}-${i}`, name: `${family}${String(n * vmsPerNode + i).padStart(4, '0')}`, memoryBytes, cpuCount: 4, busyCores: 1, priority: i % 3 === 0 ? 'Low' : 'Medium', tier: 1, running: true, antiAffinityClass: familyOf(`${family}0001`), possibleOwners: null, preferredOwners: null });
      }
    }
    hosts.push({ id: `h${n}`, name: `HV-${n}`, state: 'Up', capacityBytes: 1536 * GiB, usedBytes: used, logicalProcessors: 128, vcpuAssigned: vmsPerNode * 4, busyCores: vmsPerNode, maxVmMigrations: 2, performance: 'Compression' });
  }
  const classCounts = new Map(hosts.map((h) => [h.id, new Map(families.map((f) => [f, Math.floor(vmsPerNode / families.length)]))]));
  return { clusterId: 'c', source: hosts[sourceIndex]!, hosts, vms, classCounts, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, now: 0 };
}

function timeMs(fn: () => void, runs = 15): number {
  fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

export async function run(emit: Emit): Promise<void> {
  // Busiest node of a 180-VM cluster, Compression.
  const drain = await plannedDrain('Compression');
  const naive = await naiveDrain();
  const tcp = await plannedDrain('TCPIP');
  emit({ name: 'migration.drain.busiest.makespan', value: round(drain.makespanSec, 1), unit: 's', vms: drain.vms, status: drain.status, vmsLeft: drain.vmsLeft, predicted: drain.plan.predictedDurationSec, wallMs: round(drain.wallMs, 0), baseline: { name: 'naive FIFO to one destination', value: round(naive.makespanSec, 1) }, naiveFailed: naive.failed });
  emit({ name: 'migration.drain.busiest.lowerBound', value: drain.plan.lowerBoundSec, unit: 's', bytesToMove: drain.plan.bytesToMove });
  emit({ name: 'migration.drain.busiest.ratio', value: round(drain.makespanSec / drain.plan.lowerBoundSec, 3), unit: 'x', bound: { op: '<=', value: 1.15 } });
  emit({ name: 'migration.drain.busiest.tcpip.makespan', value: round(tcp.makespanSec, 1), unit: 's', baseline: { name: 'same drain with Compression', value: round(drain.makespanSec, 1) } });

  // Rolling maintenance of the whole 180-VM cluster, Compression, patch step not counted (0 s).
  // One node at a time cannot make 60 min on this lab, whatever the plan: with one node out at a
  // time the drains cannot overlap, and each node's VMs leave through that node's own migration
  // network (9 Gb/s with Compression), so the drains alone take Σ bytes ÷ rate, node after node
  // (≈ 4.6 TB of memory plus the least pre-copy re-sends ≈ 73 min, emitted below as
  // 1atOnce.drainsAlone). Failbacks already overlap the next drain and are not in that figure.
  // Two nodes at a time can.
  const roll2 = await rolling('Compression', 2);
  emit({ name: 'migration.rolling.2atOnce.makespan', value: round(roll2.makespanSec / 60, 1), unit: 'min', bound: { op: '<=', value: 60 }, vms: roll2.vms, nodes: roll2.nodes, status: roll2.status, predictedMin: round(roll2.plan.predictedDurationSec / 60, 1), wallMs: round(roll2.wallMs, 0), patchStep: '0 s (excluded)' });
  emit({ name: 'migration.rolling.2atOnce.lowerBound', value: round(roll2.plan.lowerBoundSec / 60, 1), unit: 'min' });
  emit({ name: 'migration.rolling.2atOnce.ratio', value: round(roll2.makespanSec / roll2.plan.lowerBoundSec, 3), unit: 'x', bound: { op: '<=', value: 1.15 } });
  // Three at a time (issue 18): waves of three must not overlap a failback with the next drain.
  const roll3 = await rolling('Compression', 3);
  emit({ name: 'migration.rolling.3atOnce.makespan', value: round(roll3.makespanSec / 60, 1), unit: 'min', bound: { op: '<=', value: 60 }, vms: roll3.vms, nodes: roll3.nodes, status: roll3.status, predictedMin: round(roll3.plan.predictedDurationSec / 60, 1), wallMs: round(roll3.wallMs, 0), patchStep: '0 s (excluded)' });
  emit({ name: 'migration.rolling.3atOnce.lowerBound', value: round(roll3.plan.lowerBoundSec / 60, 1), unit: 'min' });
  emit({ name: 'migration.rolling.3atOnce.ratio', value: round(roll3.makespanSec / roll3.plan.lowerBoundSec, 3), unit: 'x', bound: { op: '<=', value: 1.08 } });
  const roll = await rolling('Compression');
  emit({ name: 'migration.rolling.1atOnce.makespan', value: round(roll.makespanSec / 60, 1), unit: 'min', bound: { op: '<=', value: 60 }, vms: roll.vms, nodes: roll.nodes, status: roll.status, predictedMin: round(roll.plan.predictedDurationSec / 60, 1), wallMs: round(roll.wallMs, 0), patchStep: '0 s (excluded)' });
  emit({ name: 'migration.rolling.1atOnce.lowerBound', value: round(roll.plan.lowerBoundSec / 60, 1), unit: 'min' });
  emit({ name: 'migration.rolling.1atOnce.ratio', value: round(roll.makespanSec / roll.plan.lowerBoundSec, 3), unit: 'x', bound: { op: '<=', value: 1.15 } });
  const drainsAlone = roll.plan.nodes.reduce((sum, n) => sum + n.lowerBoundSec, 0);
  emit({ name: 'migration.rolling.1atOnce.drainsAlone', value: round(drainsAlone / 60, 1), unit: 'min', bytesToMove: roll.plan.nodes.reduce((sum, n) => sum + n.bytesToMove, 0), why: 'one node out at a time: its drains run one after the other, each at least its bytes ÷ its own migration bandwidth; above 60 min, so no plan of one node at a time can make 60 min' });
  const rollTcp = await rolling('TCPIP', 2);
  emit({ name: 'migration.rolling.2atOnce.tcpip.makespan', value: round(rollTcp.makespanSec / 60, 1), unit: 'min', baseline: { name: 'same (2 at once) with Compression', value: round(roll2.makespanSec / 60, 1) } });
  const windows = await windowsRolling();
  emit({ name: 'migration.rolling.windowsDrain.makespan', value: round(windows.makespanSec / 60, 1), unit: 'min', quickMigrated: windows.quick, baseline: { name: 'planned rolling maintenance', value: round(roll.makespanSec / 60, 1) } });

  // Planner time.
  const { rig, hosts } = await labWith('Compression');
  const source = busiest(hosts);
  const options = { liveMigrateLowPriority: true, avoidHostIds: [] };
  emit({ name: 'migration.planner.drain.180vms', value: round(timeMs(() => rig.service.planDrain(source.id, options)), 2), unit: 'ms', bound: { op: '<=', value: 50 } });
  emit({ name: 'migration.planner.rolling.180vms', value: round(timeMs(() => rig.service.planRolling(hosts[0]!.clusterId, { kind: 'operator' }), 5), 2), unit: 'ms' });
  rig.dispose();
  const big = syntheticInput(32, 63, 0); // 2,016 VMs on 32 nodes
  emit({ name: 'migration.planner.drain.2000vmCluster', value: round(timeMs(() => planDrain(big)), 2), unit: 'ms', vmsOnNode: big.vms.length, nodes: 32 });
  emit({ name: 'migration.planner.rolling.2000vmCluster', value: round(timeMs(() => { for (let n = 0; n < 32; n++) planDrain(syntheticInput(32, 63, n)); }, 3), 1), unit: 'ms', nodes: 32 });
}
