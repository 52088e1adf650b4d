import { describe, expect, it } from 'vitest';
import { estateSnapshotWire } from '../../../shared/contract/channels.ts';
import { EstateSnapshotSchema } from '../../../shared/model/estate.ts';
import { generateLabEstate } from '../backends/lab/estate-generator.ts';
import { createEstateStore } from './estate-store.ts';
import { systemClock } from '../ports.ts';

describe('the estate snapshot on the wire', () => {
  const store = createEstateStore(generateLabEstate({ seed: 11, vmCount: 400, startTime: 1_764_000_000_000 }), { clock: systemClock, batchMs: 250, publish() {} });
  const snapshot = store.snapshot();
  store.dispose();
  const wire = estateSnapshotWire;

  it('arrives as the snapshot the core holds, every VM copy, rule and RPO status included', () => {
    const arrived = wire.decode(JSON.parse(JSON.stringify(wire.encode(snapshot))));
    expect(arrived).toEqual(EstateSnapshotSchema.parse(JSON.parse(JSON.stringify(snapshot))));
    const vms = Object.values(snapshot.vms);
    // The sample must exercise the optional fields, or the test proves less than it says.
    expect(vms.some((vm) => vm.antiAffinity) && vms.some((vm) => vm.possibleOwners) && vms.some((vm) => vm.rpo)).toBe(true);
  });

  it('is under a quarter of the plain JSON', () => {
    const compact = JSON.stringify(wire.encode(snapshot)).length;
    expect(compact).toBeLessThan(JSON.stringify(snapshot).length / 4);
  });
});
