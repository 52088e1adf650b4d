import { afterEach, describe, expect, it } from 'vitest';
import type { Vm } from '../../../shared/model/estate.ts';
import { generateLabEstate } from '../backends/lab/estate-generator.ts';
import { labFixture } from '../testing/lab-fixture.ts';
import { planDrain, type PlannerHost, type PlannerVm } from './drain-planner.ts';
import { antiAffinityOf, classCounts, plannerVm } from './estate-view.ts';
import { createMigrationRig, OPERATOR, type MigrationRig } from '../testing/migration-rig.ts';

const GiB = 1024 ** 3;
let rig: MigrationRig | null = null;
afterEach(() => { rig?.dispose(); rig = null; });

function host(id: string, over: Partial<PlannerHost> = {}): PlannerHost {
  return { id, name: id, state: 'Up', capacityBytes: 256 * GiB, usedBytes: 0, logicalProcessors: 64, vcpuAssigned: 0, busyCores: 0, maxVmMigrations: 2, performance: 'Compression', ...over };
}
function vm(name: string, over: Partial<PlannerVm> = {}): PlannerVm {
  return { id: name, name, memoryBytes: 16 * GiB, cpuCount: 4, busyCores: 1, priority: 'Medium', tier: 1, running: true, antiAffinityClass: null, possibleOwners: null, preferredOwners: null, ...over };
}

describe('placement rules in the lab estate', () => {
  const estate = generateLabEstate({ seed: 7, vmCount: 600, startTime: 0 });
  const primary = estate.vms.filter((v) => v.id.startsWith('p:'));

  it('domain controllers, AG replicas, the DAG and web farms carry anti-affinity classes; a few VMs are pinned to licensed nodes', () => {
    expect(primary.filter((v) => v.name.startsWith('DC')).every((v) => v.antiAffinity?.[0] === 'AD-DC')).toBe(true);
    expect(primary.find((v) => v.name.startsWith('EHRDB'))!.antiAffinity).toEqual(['SQL-AG-EHR']);
    expect(primary.find((v) => v.name.startsWith('EXMBX'))!.antiAffinity).toEqual(['EXCHANGE-DAG']);
    expect(primary.find((v) => v.name.startsWith('CTXVDA'))!.antiAffinity).toBeUndefined();
    const pinned = primary.filter((v) => v.possibleOwners);
    expect(pinned.length).toBeGreaterThan(0);
    for (const v of pinned) {
      expect(v.name).toMatch(/^(SQLCLIN|PACSDB)/);
      expect(v.possibleOwners).toHaveLength(3);
      expect(v.possibleOwners).toContain(v.hostId);
      expect(v.preferredOwners).toEqual([v.hostId]);
      const cluster = estate.clusters.find((c) => c.id === v.clusterId)!;
      for (const id of v.possibleOwners!) expect(cluster.hostIds).toContain(id);
    }
    // Snapshot size: rules are on a small share of VMs only.
    const withRules = estate.vms.filter((v) => v.antiAffinity || v.possibleOwners).length;
    expect(withRules / estate.vms.length).toBeLessThan(0.15);
    expect(estate.backend.placementRules).toBe(true);
  });

  it('the planner reads the classes from the model, or guesses them from the name when the backend does not report them', () => {
    const web = primary.find((v) => v.name.startsWith('CTXVDA'))! as Vm;
    expect(antiAffinityOf(web, true)).toBeNull();
    expect(antiAffinityOf(web, false)).toBe('CTXVDA');
    const sql = primary.find((v) => v.possibleOwners)!;
    expect(plannerVm(sql, true).possibleOwners).toEqual(sql.possibleOwners);
    expect(plannerVm(sql, false).possibleOwners).toBeNull();
    const counts = classCounts(new Map([['h', [sql, web]]]), true);
    expect([...counts.get('h')!.keys()]).toEqual([sql.antiAffinity![0]]);
  });
});

describe('drain planner with owners and anti-affinity', () => {
  it('keeps to possible owners, prefers preferred owners, and says why', () => {
    const source = host('S');
    const plan = planDrain({
      clusterId: 'c', source, hosts: [source, host('A'), host('B', { usedBytes: 100 * GiB }), host('C', { usedBytes: 50 * GiB })],
      vms: [
        vm('SQLCLIN01', { possibleOwners: ['S', 'B'], antiAffinityClass: 'SQL-AG' }),
        vm('APP01', { preferredOwners: ['C'] }),
        vm('APP02'),
      ],
      classCounts: new Map([['A', new Map([['SQL-AG', 1]])]]), options: { liveMigrateLowPriority: true, avoidHostIds: [] }, now: 0,
    });
    const move = (name: string) => plan.moves.find((m) => m.vmName === name)!;
    expect(move('SQLCLIN01').destHostId).toBe('B');
    expect(move('SQLCLIN01').reason).toMatch(/possible owners S, B/);
    expect(move('SQLCLIN01').reason).toMatch(/no other SQL-AG VM there/);
    expect(move('APP01').destHostId).toBe('C');
    expect(move('APP01').reason).toMatch(/preferred owner/);
    expect(move('APP02').reason).toMatch(/memory used after the move/);
  });

  it('leaves a VM whose possible owners are full where it is, and says so', () => {
    const source = host('S');
    const plan = planDrain({
      clusterId: 'c', source, hosts: [source, host('A'), host('B', { usedBytes: 250 * GiB })],
      vms: [vm('PACSDB01', { possibleOwners: ['S', 'B'] })],
      classCounts: new Map(), options: { liveMigrateLowPriority: true, avoidHostIds: [] }, now: 0,
    });
    expect(plan.moves).toEqual([]);
    expect(plan.unplaced[0]!.reason).toBe('no possible owner has enough free memory');
  });
});

describe('placement rules on the lab', () => {
  it('the lab refuses a move to a node that is not a possible owner', async () => {
    const { world, backend, settle } = labFixture({ vmCount: 600 });
    const pinned = [...world.vms.values()].find((v) => v.possibleOwners && v.state === 'Running')!;
    const cluster = world.clusters.get(pinned.clusterId)!;
    const other = cluster.hostIds.find((id) => !pinned.possibleOwners!.includes(id))!;
    await expect(settle(backend.moveClusterVirtualMachineRole({ vmName: pinned.name, node: world.hosts.get(other)!.name, migrationType: 'Live', wait: false }), 0))
      .rejects.toThrow(/is not a possible owner of/);
  });

  it('a drain preview shows a reason for every move and sends pinned VMs only to their possible owners', async () => {
    rig = await createMigrationRig({ vmCount: 600 });
    const r = rig;
    const source = [...r.estate.hosts()].find((h) => [...r.estate.vms()].some((v) => v.hostId === h.id && v.possibleOwners))!;
    const plan = await r.handlers['migration.planDrain']({ hostId: source.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] } }, OPERATOR);
    expect(plan.warnings.filter((w) => w.kind === 'constraints-not-modelled')).toEqual([]);
    expect(plan.moves.every((m) => (m.reason ?? '').length > 0)).toBe(true);
    for (const m of plan.moves) {
      const owners = r.estate.getVm(m.vmId)!.possibleOwners;
      if (owners) {
        expect(owners).toContain(m.destHostId);
        expect(m.reason).toMatch(/possible owners/);
      }
    }
    expect(plan.constraints.join(' ')).toMatch(/Possible owners are kept to/);
  });
});
