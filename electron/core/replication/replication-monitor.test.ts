import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert, ReplicationSummary } from '../../../shared/model/replication.ts';
import { generateLabEstate } from '../backends/lab/estate-generator.ts';
import { createEstateStore } from '../estate/estate-store.ts';
import { manualClock, silentLogger } from '../testing/memory-ports.ts';
import { HistoryRing } from './history-ring.ts';
import { createReplicationMonitor } from './replication-monitor.ts';

const START = Date.UTC(2026, 10, 25, 3);

function setup(dataDir = mkdtempSync(join(tmpdir(), 'standby-repl-'))) {
  const clock = manualClock(0);
  const summaries: ReplicationSummary[] = [];
  const alertLists: Alert[][] = [];
  const logger = silentLogger();
  let monitor: ReturnType<typeof createReplicationMonitor> | null = null;
  const store = createEstateStore(generateLabEstate({ seed: 5, vmCount: 40, startTime: START }), {
    clock, batchMs: 250, publish: (batch) => monitor?.observe(batch),
  });
  monitor = createReplicationMonitor({
    store, dataDir, clock, logger, onSummary: (s) => summaries.push(s), onAlerts: (a) => alertLists.push(a),
  });
  const protectedVm = [...store.vms()].find((v) => v.replication?.mode === 'Primary' && v.tier === 1)!;
  return { clock, store, monitor, summaries, alertLists, dataDir, logger, protectedVm };
}

describe('replication monitor', () => {
  it('summarises health and RPO by tier over protected copies only', () => {
    const { monitor } = setup();
    const summary = monitor.summary();
    expect(summary.protectedVms).toBe(36);
    expect(summary.byHealth.Normal).toBe(36);
    expect(summary.byTier.reduce((n, t) => n + t.protectedVms, 0)).toBe(36);
    expect(summary.byTier.every((t) => t.pctWithinRpo === 100)).toBe(true);
    monitor.dispose();
  });

  it('raises an alert when a VM turns Warning, escalates on Critical, clears on Normal', () => {
    const { store, monitor, clock, alertLists, protectedVm: vm } = setup();
    const set = (health: 'Normal' | 'Warning' | 'Critical') => {
      store.apply([{ op: 'merge', kind: 'vm', id: vm.id, value: { replication: { ...store.getVm(vm.id)!.replication!, health } } }]);
      clock.advance(250);
    };
    set('Warning');
    expect(monitor.alerts()).toEqual([expect.objectContaining({ vmName: vm.name, kind: 'health', severity: 'warning', clearedAt: null })]);
    set('Critical');
    expect(monitor.alerts()).toHaveLength(1);
    expect(monitor.alerts()[0]!.severity).toBe('critical');
    set('Normal');
    expect(monitor.alerts()[0]!.clearedAt).not.toBeNull();
    expect(alertLists.length).toBe(3);
    monitor.dispose();
  });

  it('raises an RPO alert when the estate clock passes the target', () => {
    const { store, monitor, clock, protectedVm: vm } = setup();
    store.apply([{ op: 'clock', value: { source: 'lab', now: vm.replication!.lastReplicationTime! + 901_000, speed: 1 } }]);
    clock.advance(250);
    expect(monitor.alerts().find((a) => a.kind === 'rpo' && a.vmId === vm.id)?.message).toMatch(/RPO of 15 min missed/);
    monitor.dispose();
  });

  it('keeps alerts and acknowledgements across a restart, and skips a torn last line', () => {
    const first = setup();
    first.store.apply([{ op: 'merge', kind: 'vm', id: first.protectedVm.id, value: { replication: { ...first.protectedVm.replication!, health: 'Critical' } } }]);
    first.clock.advance(250);
    const [alert] = first.monitor.alerts();
    expect(first.monitor.acknowledge([alert!.id, 'A999999'], 'nurse.it')).toEqual(['A999999']);
    first.monitor.dispose();
    appendFileSync(join(first.dataDir, 'alerts.jsonl'), '{"type":"raised","alert":{"id"');

    const second = setup(first.dataDir);
    expect(second.monitor.alerts()).toEqual([expect.objectContaining({ id: alert!.id, acknowledged: expect.objectContaining({ by: 'nurse.it' }) })]);
    expect(second.logger.lines.some((l) => /alerts\.jsonl, line \d+: not a valid alert record/.test(l))).toBe(true);
    second.monitor.dispose();
  });

  it('records history per VM and estimates WAN throughput from completed cycles', () => {
    const { store, monitor, clock, protectedVm: vm } = setup();
    const replication = store.getVm(vm.id)!.replication!;
    const t = replication.lastReplicationTime! + 300_000;
    store.apply([{ op: 'clock', value: { source: 'lab', now: t, speed: 1 } }, { op: 'merge', kind: 'vm', id: vm.id, value: { replication: { ...replication, pendingBytes: 600_000_000 } } }]);
    clock.advance(250);
    store.apply([{ op: 'clock', value: { source: 'lab', now: t + 20_000, speed: 1 } }, { op: 'merge', kind: 'vm', id: vm.id, value: { replication: { ...replication, pendingBytes: 0, lastReplicationTime: t + 20_000 } } }]);
    clock.advance(1000);
    const points = monitor.history(vm.id, 'hour')!;
    expect(points.length).toBeGreaterThanOrEqual(1);
    expect(points.reduce((n, p) => n + p.transferBytes, 0)).toBe(600_000_000);
    expect(monitor.summary().wanThroughputBitsPerSec).toBe(80_000_000);
    expect(monitor.history('p:NOPE', 'hour')).toBeNull();
    monitor.dispose();
  });
});

describe('history ring', () => {
  it('folds samples of one bucket and forgets the oldest beyond its size', () => {
    const ring = new HistoryRing(1000, 3);
    ring.record(100, 5, 10, 1);
    ring.record(900, 7, 20, 2);
    expect(ring.points(1000, 10_000)).toEqual([{ t: 0, lagSec: 7, pendingBytes: 20, transferBytes: 3 }]);
    for (let i = 1; i <= 4; i++) ring.record(i * 1000, i, i, 0);
    expect(ring.points(5000, 100_000).map((p) => p.t)).toEqual([2000, 3000, 4000]);
  });
});
