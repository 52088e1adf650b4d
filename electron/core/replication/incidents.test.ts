import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compareAlerts, isIncident, type Alert } from '../../../shared/model/replication.ts';
import { incidentRig } from '../testing/incident-rig.ts';
import { silentLogger } from '../testing/memory-ports.ts';
import { AlertBook } from './alert-book.ts';

const MINUTE = 60_000;
let rig: Awaited<ReturnType<typeof incidentRig>> | null = null;
afterEach(() => { rig?.dispose(); rig = null; });

describe('incidents on the lab', () => {
  it('a WAN cut is one WAN incident holding the per-VM alerts it causes, cleared when the link returns', async () => {
    rig = await incidentRig();
    rig.run(10 * MINUTE);
    expect(rig.ongoing()).toEqual([]);
    const fault = rig.lab.injectFault({ kind: 'wan-cut', link: 'primary-dr' });
    rig.run(20 * MINUTE);
    const incidents = rig.ongoing().filter(isIncident);
    expect(incidents.map((a) => a.kind)).toEqual(['wan-link']);
    const wan = incidents[0]!;
    expect(wan.message).toMatch(/WAN link from .+ to .+ is down/);
    const vmAlerts = rig.ongoing().filter((a) => !isIncident(a));
    // Every tier-0 VM has missed its 2-minute RPO by now, and each one is filed under the cut.
    expect(vmAlerts.filter((a) => a.tier === 0).length).toBeGreaterThan(0);
    expect(vmAlerts.every((a) => a.incidentId === wan.id)).toBe(true);
    // The list starts with the incident, then critical before warning, tier 0 before tier 2.
    const list = rig.monitor.alerts();
    expect(list[0]!.id).toBe(wan.id);
    expect(list.filter((a) => a.clearedAt === null).map((a) => [a.severity, a.tier])).toEqual(
      [...list.filter((a) => a.clearedAt === null)].sort(compareAlerts).map((a) => [a.severity, a.tier]),
    );
    rig.lab.clearFault(fault.id);
    rig.run(30 * MINUTE);
    expect(rig.monitor.alerts().find((a) => a.id === wan.id)!.clearedAt).not.toBeNull();
  });

  it('a missed RPO is critical at once for tier 0, and for tiers 1 and 2 once it lasts 4 times the target; Hyper-V\'s health is left alone', async () => {
    rig = await incidentRig();
    rig.run(10 * MINUTE);
    rig.lab.injectFault({ kind: 'wan-cut', link: 'primary-dr' });
    rig.run(30 * MINUTE);
    const rpo = (tier: number) => rig!.ongoing().filter((a) => a.kind === 'rpo' && a.tier === tier);
    expect(rpo(0).length).toBeGreaterThan(0);
    expect(rpo(0).every((a) => a.severity === 'critical')).toBe(true);
    expect(rpo(1).length).toBeGreaterThan(0);
    expect(rpo(1).every((a) => a.severity === 'warning')).toBe(true);
    // Past 4 × 15 min without a cycle: tier 1 critical, with the reason; tier 2 (4 × 45 min) still a warning.
    rig.run(45 * MINUTE);
    expect(rpo(1).every((a) => a.severity === 'critical')).toBe(true);
    expect(rpo(1)[0]!.message).toMatch(/RPO of 15 min missed for \d+ min since the last replication, more than 4× its target \(tier 1\)/);
    expect(rpo(2).length).toBeGreaterThan(0);
    expect(rpo(2).every((a) => a.severity === 'warning')).toBe(true);
    // Still filed under the WAN incident; Hyper-V's own health column is not rewritten.
    expect(rpo(1).every((a) => a.incidentId !== null)).toBe(true);
    expect([...rig.store.vms()].some((v) => v.tier === 1 && v.replication?.health === 'Warning')).toBe(true);
  });

  it('a primary site loss is one site incident, not a host incident per node nor a WAN one', async () => {
    rig = await incidentRig();
    rig.run(5 * MINUTE);
    rig.lab.injectFault({ kind: 'primary-site-loss' });
    rig.run(15 * MINUTE);
    const incidents = rig.ongoing().filter(isIncident);
    expect(incidents.map((a) => a.kind)).toEqual(['site']);
    expect(incidents[0]!.message).toMatch(/is lost: all \d+ hosts are down/);
    const vmAlerts = rig.ongoing().filter((a) => !isIncident(a));
    expect(vmAlerts.length).toBeGreaterThan(0);
    expect(vmAlerts.every((a) => a.incidentId === incidents[0]!.id)).toBe(true);
  });

  it('one node down is a host incident; a second in the same cluster makes it a degraded cluster', async () => {
    rig = await incidentRig();
    const hosts = [...rig.store.hosts()];
    const cluster = hosts[0]!.clusterId;
    const [a, b] = hosts.filter((h) => h.clusterId === cluster);
    rig.lab.injectFault({ kind: 'host-crash', host: a!.name });
    rig.run(MINUTE);
    expect(rig.ongoing().filter(isIncident).map((x) => [x.kind, x.vmName])).toEqual([['host', a!.name]]);
    rig.lab.injectFault({ kind: 'host-crash', host: b!.name });
    rig.run(MINUTE);
    const incidents = rig.ongoing().filter(isIncident);
    expect(incidents.map((x) => x.kind)).toEqual(['cluster']);
    expect(incidents[0]!.message).toContain(`2 of`);
  });
});

describe('alert order and the list bound', () => {
  const base: Alert = { id: 'A1', kind: 'rpo', severity: 'warning', vmId: 'v', vmName: 'v', tier: 2, message: '', raisedAt: 0, raisedWallAt: 0, clearedAt: null, acknowledged: null, incidentId: null, delivery: [] };

  it('orders ongoing before cleared, incidents first, then severity, then tier, then newest', () => {
    const list: Alert[] = [
      { ...base, id: 'tier2-warning-newest', raisedAt: 900 },
      { ...base, id: 'tier0-critical-old', severity: 'critical', tier: 0, raisedAt: 1 },
      { ...base, id: 'tier1-critical', severity: 'critical', tier: 1, raisedAt: 500 },
      { ...base, id: 'cleared-critical', severity: 'critical', tier: 0, raisedAt: 1000, clearedAt: 1001 },
      { ...base, id: 'wan', kind: 'wan-link', severity: 'critical', tier: null, raisedAt: 2 },
    ];
    expect(list.sort(compareAlerts).map((a) => a.id)).toEqual(['wan', 'tier0-critical-old', 'tier1-critical', 'tier2-warning-newest', 'cleared-critical']);
  });

  it('never rolls an ongoing alert off the list, however many there are; cleared ones go, oldest first', () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-alerts-'));
    const book = new AlertBook(dir, silentLogger());
    const raise = (vmId: string) => book.raise({ vmId, vmName: vmId, tier: 1, kind: 'rpo', severity: 'warning', message: vmId, raisedAt: 1, raisedWallAt: 1 });
    for (let i = 0; i < 300; i++) { raise(`old-${i}`); book.clear(`old-${i}`, 'rpo', 2); }
    for (let i = 0; i < 2500; i++) raise(`vm-${i}`);
    const list = book.list();
    expect(list.filter((a) => a.clearedAt === null)).toHaveLength(2500);
    expect(list.some((a) => a.vmId.startsWith('old-'))).toBe(false);
    expect(book.takeChanges()!.removed).toHaveLength(300);
    book.close();
    // Ids of alerts that rolled off are not handed out again after a restart.
    const again = new AlertBook(dir, silentLogger());
    again.raise({ vmId: 'new', vmName: 'new', tier: 1, kind: 'rpo', severity: 'warning', message: 'new', raisedAt: 3, raisedWallAt: 3 });
    const ids = again.list().map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(again.list().find((a) => a.vmId === 'new')!.id).toBe('A002801');
    again.close();
  });
});
