import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Vm } from '../../../shared/model/estate.ts';
import { createAuditLog, type AuditLog } from '../audit/audit-log.ts';
import { isProtectedCopy } from '../estate/rpo-status.ts';
import { incidentRig } from '../testing/incident-rig.ts';
import { silentLogger } from '../testing/memory-ports.ts';
import { createCatchUp, type CatchUp } from './catch-up.ts';

const MINUTE = 60_000;
type Rig = Awaited<ReturnType<typeof incidentRig>>;
let rig: Rig | null = null;
let audit: AuditLog | null = null;
afterEach(() => { audit?.close(); audit = null; rig?.dispose(); rig = null; });

function catchUpOn(r: Rig, dataDir: string): CatchUp {
  audit ??= createAuditLog(join(dataDir, 'audit.jsonl'), () => {}, silentLogger());
  return createCatchUp({ dataDir, backend: r.lab, estate: r.store, audit, clock: { now: () => r.sim.now, setTimeout: () => ({ cancel() {} }) }, logger: silentLogger(), onChange: () => {} });
}

/** Lab calls answer as simulated time passes: step it while the promise is pending. */
async function settle<T>(r: Rig, promise: Promise<T>): Promise<T> {
  let done = false;
  void promise.finally(() => { done = true; }).catch(() => {});
  for (let i = 0; i < 2_000 && !done; i++) {
    r.run(1_000, 1_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return promise;
}

const tier = (r: Rig, t: number) => [...r.store.vms()].filter((v: Vm) => isProtectedCopy(v) && v.tier === t);
const within = (vms: Vm[]) => vms.filter((v) => v.rpo?.met === true).length / vms.length;

/** Minutes after the link returns until every VM of the tier is within RPO (stepped a minute at a time). */
async function recoveryMinutes(r: Rig, onMinute: () => void, limit = 240): Promise<{ tier0: number | null; tier2: number | null }> {
  const at: { tier0: number | null; tier2: number | null } = { tier0: null, tier2: null };
  for (let m = 1; m <= limit && (at.tier0 === null || at.tier2 === null); m++) {
    // Ten-second steps with the event loop turning in between, as the console's time driver does:
    // the catch-up's resume calls answer as simulated time passes.
    for (let s = 0; s < 6; s++) {
      r.run(10_000, 10_000);
      onMinute();
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (at.tier0 === null && within(tier(r, 0)) === 1) at.tier0 = m;
    if (at.tier2 === null && within(tier(r, 2)) === 1) at.tier2 = m;
  }
  return at;
}

describe('catch up tier 0 first', () => {
  it('after a WAN cut, holds tiers 1 and 2 until tier 0 is within RPO, then resumes exactly them, audited; tier 0 is back sooner than without it', async () => {
    // The same cut twice from the same seed: once left alone, once with the catch-up.
    const alone = await incidentRig({ vmCount: 120 });
    alone.run(10 * MINUTE);
    const cutAlone = alone.lab.injectFault({ kind: 'wan-cut', link: 'primary-dr' });
    alone.run(40 * MINUTE);
    alone.lab.clearFault(cutAlone.id);
    const without = await recoveryMinutes(alone, () => {});
    alone.dispose();

    rig = await incidentRig({ vmCount: 120 });
    const r = rig;
    const dataDir = mkdtempSync(join(tmpdir(), 'standby-catchup-'));
    const catchUp = catchUpOn(r, dataDir);
    r.run(10 * MINUTE);
    await expect(catchUp.start('A. Nurse')).rejects.toThrow(/Every tier-0 VM is within its RPO/);
    const cut = r.lab.injectFault({ kind: 'wan-cut', link: 'primary-dr' });
    r.run(40 * MINUTE);
    r.lab.clearFault(cut.id);
    const replicatingBefore = [...tier(r, 1), ...tier(r, 2)].filter((v) => v.replication?.state === 'Replicating').map((v) => v.id).sort();
    const started = await settle(r, catchUp.start('A. Nurse'));
    expect(started).toMatchObject({ status: 'holding', startedBy: 'A. Nurse' });
    expect(started.held.map((h) => h.vmId).sort()).toEqual(replicatingBefore);
    expect([...tier(r, 1), ...tier(r, 2)].filter((v) => replicatingBefore.includes(v.id)).every((v) => v.replication?.state === 'Suspended')).toBe(true);
    expect(tier(r, 0).every((v) => v.replication?.state !== 'Suspended')).toBe(true);
    await expect(catchUp.start('B. Owner')).rejects.toThrow(/already holding/);
    // On disk while it holds: a console restarted now knows what to resume.
    expect(JSON.parse(readFileSync(join(dataDir, 'replication', 'catch-up.json'), 'utf8')).held).toHaveLength(replicatingBefore.length);

    const withCatchUp = await recoveryMinutes(r, () => catchUp.observe());
    for (let i = 0; i < 20 && catchUp.state()!.status !== 'done'; i++) await settle(r, Promise.resolve());
    expect(catchUp.state()).toMatchObject({ status: 'done', resumedBy: 'Standby (tier 0 within RPO)' });
    expect(replicatingBefore.every((id) => r.store.getVm(id)?.replication?.state !== 'Suspended')).toBe(true);
    expect(withCatchUp.tier0).not.toBeNull();
    expect(without.tier0).not.toBeNull();
    expect(withCatchUp.tier0!).toBeLessThan(without.tier0!);
    // The held tiers were resumed and caught up too.
    expect(withCatchUp.tier2).not.toBeNull();
    // Every suspend and resume is in the audit log, by who started it and by the automatic resume.
    audit!.flush();
    const entries = audit!.read({});
    expect(entries.filter((e) => e.action.startsWith('Suspend-VMReplication') && e.result === 'ok' && e.actor === 'A. Nurse')).toHaveLength(replicatingBefore.length);
    expect(entries.filter((e) => e.action.startsWith('Resume-VMReplication') && e.result === 'ok' && e.actor === 'Standby (tier 0 within RPO)')).toHaveLength(replicatingBefore.length);
  });

  it('a console restarted while holding resumes the held VMs when asked, and one restarted mid-resume finishes the resume', async () => {
    rig = await incidentRig({ vmCount: 60 });
    const r = rig;
    const dataDir = mkdtempSync(join(tmpdir(), 'standby-catchup-'));
    r.run(10 * MINUTE);
    const cut = r.lab.injectFault({ kind: 'wan-cut', link: 'primary-dr' });
    r.run(30 * MINUTE);
    const first = catchUpOn(r, dataDir);
    const held = (await settle(r, first.start('A. Nurse'))).held;
    expect(held.length).toBeGreaterThan(0);
    // Restarted: the state comes back from disk; the operator resumes (the link is still down).
    const second = catchUpOn(r, dataDir);
    expect(second.state()).toMatchObject({ status: 'holding', held });
    const resumed = await settle(r, second.resumeNow('B. Owner'));
    expect(resumed).toMatchObject({ status: 'done', resumedBy: 'B. Owner' });
    expect(held.every((h) => r.store.getVm(h.vmId)?.replication?.state !== 'Suspended')).toBe(true);

    // Killed mid-resume: the file says resuming; the next start resumes what is still suspended.
    const third = catchUpOn(r, dataDir);
    await settle(r, r.lab.suspendVMReplication({ vmName: held[0]!.vmName, computerName: r.store.getHost(r.store.getVm(held[0]!.vmId)!.hostId)!.name }));
    const file = join(dataDir, 'replication', 'catch-up.json');
    writeFileSync(file, JSON.stringify({ ...third.state(), status: 'resuming', held: [held[0]] }));
    const fourth = catchUpOn(r, dataDir);
    await settle(r, fourth.recover());
    expect(fourth.state()).toMatchObject({ status: 'done' });
    expect(r.store.getVm(held[0]!.vmId)?.replication?.state).not.toBe('Suspended');
    r.lab.clearFault(cut.id);
  });

  it('keeps an unreadable state file aside instead of starting as if nothing were held', async () => {
    rig = await incidentRig({ vmCount: 30 });
    const dataDir = mkdtempSync(join(tmpdir(), 'standby-catchup-'));
    const first = catchUpOn(rig, dataDir);
    expect(first.state()).toBeNull();
    const { mkdirSync, readdirSync } = await import('node:fs');
    mkdirSync(join(dataDir, 'replication'), { recursive: true });
    writeFileSync(join(dataDir, 'replication', 'catch-up.json'), '{"id":"x","status":"hold');
    const second = catchUpOn(rig, dataDir);
    expect(second.state()).toBeNull();
    expect(readdirSync(join(dataDir, 'replication')).some((f) => f.startsWith('catch-up.json.unreadable-'))).toBe(true);
  });
});
