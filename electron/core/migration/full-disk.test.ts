import { afterEach, describe, expect, it } from 'vitest';
import { fillableDisk } from '../testing/full-disk.ts';
import { createMigrationRig, OPERATOR, type MigrationRig } from '../testing/migration-rig.ts';

let rig: MigrationRig | null = null;
afterEach(() => { rig?.dispose(); rig = null; });

const DRAIN_OPTIONS = { liveMigrateLowPriority: true, avoidHostIds: [] };

describe('a drain when the disk is full', () => {
  it('is refused with "the disk is full" before the node is paused, leaves no record behind, and works once space is freed', async () => {
    const disk = fillableDisk();
    rig = await createMigrationRig({ journalIo: disk });
    const r = rig;
    const source = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri')[0]!;
    disk.full = true;
    await expect(r.handlers['migration.startDrain']({ hostId: source.id, options: DRAIN_OPTIONS, acceptQuickMigrations: false }, OPERATOR))
      .rejects.toThrow('Could not save the migration journal: the disk is full (ENOSPC).');
    r.estate.apply(r.sim.flushPatches());
    expect(r.estate.getHost(source.id)!.state).toBe('Up'); // not Paused with no record of why
    expect(r.audit.read().filter((e) => /Suspend-ClusterNode|drain started/.test(e.action))).toEqual([]);
    expect(await r.handlers['migration.operations']({}, OPERATOR)).toEqual({ drains: [], rolling: [] });

    disk.full = false;
    const op = await r.handlers['migration.startDrain']({ hostId: source.id, options: DRAIN_OPTIONS, acceptQuickMigrations: false }, OPERATOR);
    r.restartConsole();
    // Only the drain that was acknowledged comes back: the refused one was never queued again.
    expect((await r.handlers['migration.operations']({}, OPERATOR)).drains.map((d) => d.id)).toEqual([op.id]);
  });

  it('a rolling maintenance is refused the same way before its first node is touched', async () => {
    const disk = fillableDisk();
    rig = await createMigrationRig({ journalIo: disk });
    const r = rig;
    const cluster = r.sim.world.clusters.values().next().value!;
    disk.full = true;
    await expect(r.handlers['migration.startRolling']({ clusterId: cluster.id, patch: { kind: 'operator' }, nodesAtOnce: 1 }, OPERATOR))
      .rejects.toThrow(/the disk is full \(ENOSPC\)/);
    await r.drive(() => true);
    expect([...r.estate.hosts()].filter((h) => h.state !== 'Up').map((h) => h.name)).toEqual([]);
    expect(await r.handlers['migration.operations']({}, OPERATOR)).toEqual({ drains: [], rolling: [] });
  });
});
