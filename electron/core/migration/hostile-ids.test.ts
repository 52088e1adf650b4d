import { afterEach, describe, expect, it } from 'vitest';
import { createMigrationRig, OPERATOR, type MigrationRig } from '../testing/migration-rig.ts';
import { ownEntry } from '../../../shared/model/own-entry.ts';

/** Names every plain object answers to without holding them. */
const INHERITED = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'];

let rig: MigrationRig | null = null;
afterEach(async () => { await rig?.dispose(); rig = null; });

describe('ids from clients', () => {
  it('ownEntry answers only for own keys', () => {
    const table: Record<string, number> = JSON.parse('{"a":1,"__proto__":2}') as Record<string, number>;
    expect(ownEntry(table, 'a')).toBe(1);
    expect(ownEntry(table, '__proto__')).toBe(2); // JSON.parse makes it an own key
    for (const key of INHERITED.slice(1)) expect(ownEntry(table, key)).toBeUndefined();
  });

  it('an inherited name as a cluster id is not found, and nothing is started or journaled', async () => {
    rig = await createMigrationRig();
    const r = rig;
    for (const clusterId of INHERITED) {
      await expect(r.handlers['migration.planRolling']({ clusterId, patch: { kind: 'operator' }, nodesAtOnce: 1 }, OPERATOR)).rejects.toMatchObject({ code: 'not-found' });
      await expect(r.handlers['migration.startRolling']({ clusterId, patch: { kind: 'operator' }, nodesAtOnce: 1 }, OPERATOR)).rejects.toMatchObject({ code: 'not-found' });
      await expect(r.handlers['migration.queue']({ clusterId }, OPERATOR)).rejects.toMatchObject({ code: 'not-found' });
      await expect(r.handlers['hosts.migrationSettings']({ clusterId }, OPERATOR)).rejects.toMatchObject({ code: 'not-found' });
      await expect(r.handlers['migration.planDrain']({ hostId: clusterId, options: { liveMigrateLowPriority: true, avoidHostIds: [] } }, OPERATOR)).rejects.toMatchObject({ code: 'not-found' });
    }
    expect(await r.handlers['migration.operations']({}, OPERATOR)).toEqual({ drains: [], rolling: [] });
  });
});
