import { describe, expect, it } from 'vitest';
import type { Client } from '../../../shared/contract/client.ts';
import type { RunEventBatch, RunSnapshot, VmRun } from '../../../shared/model/recovery-run.ts';
import { PlanSettingsSchema } from '../../../shared/model/recovery-plan.ts';
import { applyRunBatch, createRecoveryStore } from './recovery-store.ts';

function vm(name: string, extra: Partial<VmRun> = {}): VmRun {
  return {
    name, vmId: name, group: 0, order: 0, sourceHost: 'HV-A01', targetHost: 'DRHV-101', targetCluster: 'CL-DR1',
    memoryBytes: 1, cpuCount: 1, dependsOn: [], status: 'pending', steps: [],
    timing: { startedAt: null, failoverDoneAt: null, runningAt: null, heartbeatAt: null, healthyAt: null },
    rtoSec: null, rpoSec: null, recoveryPoint: null, ...extra,
  };
}

function run(seq: number): RunSnapshot {
  return {
    id: 'r1', planId: 'full-site', planName: 'Full site', planRevision: 1, type: 'test-failover', policy: { kind: 'latest' },
    status: 'running', createdBy: 'op', startedAt: 0, mainEndedAt: null, endedAt: null, rtoTargetSec: 3600,
    settings: PlanSettingsSchema.parse({}), finishes: [], resumedCount: 0, abortedBy: null, seq,
    groups: [{ index: 0, name: 'g', status: 'running', startedAt: 0, endedAt: null, before: [], after: [] }],
    vms: [vm('A'), vm('B')],
  };
}

describe('applyRunBatch', () => {
  it('replaces the VM, group and header a batch names, and nothing else', () => {
    const before = run(5);
    const after = applyRunBatch(before, { runId: 'r1', seq: 7, changes: [
      { type: 'vm', value: vm('B', { status: 'done' }) },
      { type: 'group', value: { ...before.groups[0]!, status: 'done' } },
    ] });
    expect(after.seq).toBe(7);
    expect(after.vms.map((v) => v.status)).toEqual(['pending', 'done']);
    expect(after.vms[0]).toBe(before.vms[0]);
    expect(after.groups[0]!.status).toBe('done');
  });

  it('adds the checklist and each sign-off, a sign-off seen again replacing itself, and leaves the VMs alone', () => {
    const before = run(5);
    const checklist = { attendees: [{ name: 'A. Nurse', role: 'clinical' as const, applications: [] }], signOffRoles: ['clinical' as const], applications: ['EHR', 'LIS'], recordedBy: 'op', recordedAt: 1 };
    const signOff = (id: number, application: string, verdict: 'verified' | 'failed') => ({ id, application, verdict, by: { name: 'A. Nurse', role: 'Clinical' }, at: id });
    const after = applyRunBatch(before, { runId: 'r1', seq: 8, changes: [
      { type: 'checklist', value: checklist },
      { type: 'signoff', value: signOff(2, 'LIS', 'failed') },
      { type: 'signoff', value: signOff(1, 'EHR', 'verified') },
    ] });
    const again = applyRunBatch(after, { runId: 'r1', seq: 9, changes: [{ type: 'signoff', value: { ...signOff(2, 'LIS', 'failed'), note: 'no results' } }] });
    expect(again.checklist).toEqual(checklist);
    expect(again.signOffs?.map((s) => [s.id, s.application, s.note])).toEqual([[1, 'EHR', undefined], [2, 'LIS', 'no results']]);
    expect(again.vms).toBe(before.vms);
  });

  it('ignores batches already in the snapshot and batches of other runs', () => {
    const before = run(5);
    expect(applyRunBatch(before, { runId: 'r1', seq: 5, changes: [{ type: 'vm', value: vm('A', { status: 'done' }) }] })).toBe(before);
    expect(applyRunBatch(before, { runId: 'r2', seq: 9, changes: [{ type: 'vm', value: vm('A', { status: 'done' }) }] })).toBe(before);
  });
});

describe('recovery store', () => {
  it('applies the events that arrive while the run is loading, newer than its snapshot only', async () => {
    let listener: ((batch: RunEventBatch) => void) | null = null;
    let answer: (value: RunSnapshot) => void = () => {};
    const client = {
      request: (async (channel: string) => {
        if (channel === 'recovery.list') return { runs: [] };
        if (channel === 'recovery.get') return new Promise<RunSnapshot>((resolve) => { answer = resolve; });
        if (channel === 'recovery.summary') throw new Error('not now');
        throw new Error(channel);
      }) as Client['request'],
      subscribe: ((_stream: string, l: (batch: RunEventBatch) => void) => { listener = l; return () => {}; }) as Client['subscribe'],
    };
    const store = createRecoveryStore(client);
    store.start();
    const opening = store.openRun('r1');
    listener!({ runId: 'r1', seq: 4, changes: [{ type: 'vm', value: vm('A', { status: 'running' }) }] });
    listener!({ runId: 'r1', seq: 6, changes: [{ type: 'vm', value: vm('B', { status: 'done' }) }] });
    answer(run(5));
    await opening;
    const open = store.store.getState().open!;
    expect(open.seq).toBe(6);
    expect(open.vms.map((v) => v.status)).toEqual(['pending', 'done']);
    listener!({ runId: 'r1', seq: 7, changes: [{ type: 'run', value: { ...run(0), status: 'completed' } }] });
    expect(store.store.getState().open!.status).toBe('completed');
    store.dispose();
  });
});
