import { describe, expect, it } from 'vitest';
import type { ContractError } from '../../../../shared/contract/errors.ts';
import type { LabEvent, LabFault, LabStatus } from '../../../../shared/model/lab.ts';
import type { EstateSnapshot, PatchBatch } from '../../../../shared/model/estate.ts';
import { createCore } from '../../core.ts';
import { manualClock, memoryPorts, memorySettings } from '../../testing/memory-ports.ts';

const operator = { role: 'operator' as const, actor: 'test' };
const viewer = { role: 'viewer' as const, actor: 'wall' };

describe('lab channels through the core', () => {
  it('reports status, changes speed, injects and clears faults, and streams the event log', async () => {
    const clock = manualClock(0);
    const core = await createCore(memoryPorts({ clock, settings: memorySettings({ theme: 'dark', rtoTargetMinutes: 60, lab: { seed: 3, vmCount: 60 } }) }));
    const events: LabEvent[] = [];
    const batches: PatchBatch[] = [];
    core.subscribe('lab.events', (batch) => events.push(...batch.events));
    core.subscribe('estate.patches', (batch) => batches.push(batch));

    const status = (await core.handle('lab.status', {}, viewer)) as LabStatus;
    expect(status.seed).toBe(3);
    expect(status.speed).toBe(1);
    expect(status.links.map((l) => l.id)).toEqual(['primary-dr', 'dr-cloud']);

    const forbidden = await core.handle('lab.setSpeed', { speed: 600 }, viewer).catch((e: ContractError) => e);
    expect(forbidden).toMatchObject({ code: 'forbidden' });
    const bad = await core.handle('lab.setSpeed', { speed: 7 }, operator).catch((e: ContractError) => e);
    expect(bad).toMatchObject({ code: 'bad-request' });
    await core.handle('lab.setSpeed', { speed: 600 }, operator);
    clock.advance(10_000); // 10 wall seconds at 600× = 100 simulated minutes

    const fault = (await core.handle('lab.injectFault', { kind: 'wan-cut', link: 'primary-dr' }, operator)) as LabFault;
    expect(fault.description).toMatch(/cut/);
    clock.advance(60_000);
    const during = (await core.handle('lab.status', {}, viewer)) as LabStatus;
    expect(during.faults).toHaveLength(1);
    expect(during.links[0]!.state).toBe('down');
    const snapshot = (await core.handle('estate.snapshot', {}, viewer)) as EstateSnapshot;
    expect(snapshot.clock.now - Date.UTC(2026, 10, 25, 3)).toBeGreaterThan(10 * 60 * 60_000);
    expect(snapshot.clock.speed).toBe(600);
    expect(Object.values(snapshot.vms).some((v) => v.replication?.mode === 'Primary' && v.replication.health === 'Critical')).toBe(true);

    const unknownFault = await core.handle('lab.clearFault', { faultId: 'fault-99' }, operator).catch((e: ContractError) => e);
    expect(unknownFault).toMatchObject({ code: 'not-found' });
    await core.handle('lab.clearFault', { faultId: fault.id }, operator);
    const unknownHost = await core.handle('lab.injectFault', { kind: 'host-crash', host: 'HV-NOPE' }, operator).catch((e: ContractError) => e);
    expect(unknownHost).toMatchObject({ code: 'not-found' });

    clock.advance(1_000);
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['lab.speed', 'lab.fault-injected', 'wan.down', 'replication.health', 'lab.fault-cleared']));
    expect(batches.length).toBeGreaterThan(0);
    await core.dispose();
  });
});
