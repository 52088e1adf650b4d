import { describe, expect, it } from 'vitest';
import type { Client } from '../../../shared/contract/client.ts';
import type { Alert } from '../../../shared/model/replication.ts';
import type { DrainOperation, MigrationOperations } from '../../../shared/model/migration.ts';
import type { RunEventBatch, RunSnapshot, VmRun } from '../../../shared/model/recovery-run.ts';
import { PlanSettingsSchema } from '../../../shared/model/recovery-plan.ts';
import { createActiveRunsStore } from './active-runs-store.ts';
import { activeOperations } from './operations-store.ts';
import { operationEta, runProgress } from './run-progress.ts';
import { staleText } from './stale-banner.tsx';
import { openAlerts } from './wall-alerts.tsx';
import { isWallPage } from './wall-route.ts';

function vmRun(name: string, status: VmRun['status']): VmRun {
  return {
    name, vmId: `id-${name}`, group: 0, order: 0, sourceHost: 'HV-A01', targetHost: 'DRHV-101', targetCluster: 'CL-DR1',
    memoryBytes: 1, cpuCount: 1, dependsOn: [], status, steps: [],
    timing: { startedAt: null, failoverDoneAt: null, runningAt: null, heartbeatAt: null, healthyAt: null },
    rtoSec: null, rpoSec: null, recoveryPoint: null,
  };
}

function run(id: string, status: RunSnapshot['status'], vms: VmRun[] = []): RunSnapshot {
  return {
    id, planId: 'full-site', planName: 'Full site', planRevision: 1, type: 'test-failover', policy: { kind: 'latest' },
    status, createdBy: 'op', startedAt: 1_000_000, mainEndedAt: null, endedAt: null, rtoTargetSec: 3600,
    settings: PlanSettingsSchema.parse({}), finishes: [], resumedCount: 0, abortedBy: null, seq: 1,
    groups: [{ index: 0, name: 'g', status: 'running', startedAt: 0, endedAt: null, before: [], after: [] }], vms,
  };
}

describe('wall route', () => {
  it('is /wall on the server and #/wall on the app page, nothing else', () => {
    expect(isWallPage('http://127.0.0.1:4280/wall?token=x')).toBe(true);
    expect(isWallPage('http://127.0.0.1:4280/wall/')).toBe(true);
    expect(isWallPage('app://standby/index.html#/wall')).toBe(true);
    expect(isWallPage('http://127.0.0.1:4280/?token=x#/replication')).toBe(false);
    expect(isWallPage('http://127.0.0.1:4280/wallpaper')).toBe(false);
  });
});

describe('run progress', () => {
  it('counts done (and skipped) VMs per tier, elapsed against the target, and who waits for an operator', () => {
    const r = run('r1', 'running', [vmRun('A', 'done'), vmRun('B', 'waiting-operator'), vmRun('C', 'skipped'), vmRun('D', 'pending')]);
    const tiers = new Map([['id-A', 0 as const], ['id-B', 0 as const], ['id-C', 2 as const]]);
    expect(runProgress(r, tiers, 1_000_000 + 23 * 60_000)).toEqual({
      elapsedSec: 23 * 60, targetSec: 3600,
      tiers: [{ tier: 0, done: 1, total: 2 }, { tier: 2, done: 1, total: 1 }, { tier: null, done: 0, total: 1 }],
      waiting: ['B'],
    });
  });

  it('stops the clock at the end of the failover itself', () => {
    expect(runProgress({ ...run('r1', 'finishing'), mainEndedAt: 1_000_000 + 50_000 }, new Map(), 9e12).elapsedSec).toBe(50);
  });

  it('predicts an operation end from its start and predicted duration', () => {
    expect(operationEta({ startedAt: 1_000, predictedDurationSec: 60 })).toBe(61_000);
  });
});

describe('active operations', () => {
  const drain = (id: string, status: DrainOperation['status'], parentId: string | null = null) => ({ id, status, parentId }) as DrainOperation;
  it('keeps what is still going, and a rolling maintenance\'s drains only inside it', () => {
    const ops = { drains: [drain('a', 'running'), drain('b', 'completed'), drain('c', 'waiting-operator'), drain('d', 'running', 'roll-1')], rolling: [] } as MigrationOperations;
    expect(activeOperations(ops).drains.map((d) => d.id)).toEqual(['a', 'c']);
  });
});

describe('open alerts', () => {
  const alert = (id: string, severity: Alert['severity'], raisedAt: number, clearedAt: number | null = null) => ({ id, severity, raisedAt, clearedAt }) as Alert;
  it('lists uncleared alerts, critical first, newest first within a severity', () => {
    const list = [alert('w-old', 'warning', 1), alert('c-old', 'critical', 2), alert('w-new', 'warning', 9), alert('c-new', 'critical', 5), alert('gone', 'critical', 10, 11)];
    expect(openAlerts(list).map((a) => a.id)).toEqual(['c-new', 'c-old', 'w-new', 'w-old']);
  });
});

describe('stale banner text', () => {
  it('says why and how old the data is, in local time', () => {
    const at = new Date(2026, 11, 3, 14, 2, 31).getTime();
    expect(staleText({ stale: true, reason: 'silent', silentMs: 12_400 }, at)).toBe('No update for 12 s · data from 14:02:31');
    expect(staleText({ stale: true, reason: 'disconnected', silentMs: null }, null)).toBe('Connection to the Standby server lost — reconnecting · no data yet');
    expect(staleText({ stale: false }, at)).toBe('');
  });
});

describe('active runs store', () => {
  it('holds only runs in progress: loads them whole, applies their events, drops them when they end, reloads for a new one', async () => {
    let listeners: Array<(b: RunEventBatch) => void> = [];
    let runs: RunSnapshot[] = [run('r1', 'running', [vmRun('A', 'pending')]), run('old', 'completed')];
    const requested: string[] = [];
    const client = {
      request: async (channel: string, body: { runId?: string }) => {
        requested.push(`${channel}${body.runId ? ` ${body.runId}` : ''}`);
        if (channel === 'recovery.list') return { runs: runs.map(({ groups: _g, vms, seq: _s, ...header }) => ({ ...header, vmCount: vms.length, vmsDone: 0, waitingForOperator: 0 })) };
        return runs.find((r) => r.id === body.runId);
      },
      subscribe: (_stream: string, listener: (b: RunEventBatch) => void) => { listeners.push(listener); return () => { listeners = listeners.filter((l) => l !== listener); }; },
    } as unknown as Client;
    const store = createActiveRunsStore(client, { listRefreshMs: 0 });
    await store.reload();
    expect(requested).toEqual(['recovery.list', 'recovery.list', 'recovery.get r1', 'recovery.get r1']);
    expect(store.store.getState().runs.map((r) => r.id)).toEqual(['r1']);

    for (const l of listeners) l({ runId: 'r1', seq: 2, changes: [{ type: 'vm', value: vmRun('A', 'done') }] });
    expect(store.store.getState().runs[0]!.vms[0]!.status).toBe('done');

    runs = [...runs, run('r2', 'running')];
    const header = (({ groups: _g, vms: _v, seq: _s, ...h }) => h)(runs[2]!);
    for (const l of listeners) l({ runId: 'r2', seq: 1, changes: [{ type: 'run', value: header }] });
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.store.getState().runs.map((r) => r.id)).toEqual(['r1', 'r2']);

    const ended = (({ groups: _g, vms: _v, seq: _s, ...h }) => h)({ ...runs[0]!, status: 'completed' as const });
    for (const l of listeners) l({ runId: 'r1', seq: 3, changes: [{ type: 'run', value: ended }] });
    expect(store.store.getState().runs.map((r) => r.id)).toEqual(['r2']);
    store.dispose();
  });
});
