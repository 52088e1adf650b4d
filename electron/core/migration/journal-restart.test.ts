import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DrainOperation, RollingOperation } from '../../../shared/model/migration.ts';
import { createMigrationRig, OPERATOR, type MigrationRig } from '../testing/migration-rig.ts';
import { listDataProblems, quarantineFileOf } from '../journal/quarantine.ts';
import { silentLogger } from '../testing/memory-ports.ts';
import { operationsJournalFile, readOperationsJournal } from './operation-journal.ts';

let rig: MigrationRig | null = null;
afterEach(() => { rig?.dispose(); rig = null; });

const finished = (op: { status: string } | undefined) => !!op && ['completed', 'failed', 'cancelled'].includes(op.status);

describe('drains and rolling maintenance survive a killed console', () => {
  it('a drain killed mid-way is picked up from the journal, reconciled with the hosts, and finishes', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const source = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri').sort((a, b) => b.vmCount - a.vmCount)[0]!;
    const vmsBefore = [...r.estate.vms()].filter((v) => v.hostId === source.id).map((v) => v.id);
    const op = await r.handlers['migration.startDrain']({ hostId: source.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR);
    // Kill while some moves are done and others are running on the hosts.
    await r.drive(() => { const c = r.service.drain(op.id)!.op.counts; return c.completed >= 3 && c.running > 0; });
    const journaled = readOperationsJournal(operationsJournalFile(r.dataDir), silentLogger()).entries.find((e) => e.op.id === op.id)!;
    expect(journaled.op.status).toBe('running');
    expect(journaled.kind === 'drain' && journaled.moved.length).toBeGreaterThanOrEqual(3);
    r.restartConsole();
    // The new console knows the drain before anything else happens, and carries it on.
    const restored = r.service.drain(op.id);
    expect(restored?.op.status).toBe('running');
    let drain: DrainOperation | undefined;
    await r.drive(() => finished(drain = r.service.drain(op.id)?.op));
    expect(drain!.status).toBe('completed');
    expect(r.estate.getHost(source.id)!.vmCount).toBe(0);
    expect(r.estate.getHost(source.id)!.state).toBe('Paused');
    // Every VM that was on the node is on another node of its cluster, and counted once.
    for (const id of vmsBefore) expect(r.estate.getVm(id)!.hostId).not.toBe(source.id);
    expect(r.service.drain(op.id)!.moved.size).toBe(vmsBefore.length);
    expect(drain!.counts.completed).toBe(vmsBefore.length);
    const messages = drain!.events.map((e) => e.message).join('\n');
    expect(messages).toMatch(/console restarted during this drain/);
    expect(messages).toMatch(/is drained: 0 VMs/);
    // And the journal says so, for the next restart.
    expect(readOperationsJournal(operationsJournalFile(r.dataDir), silentLogger()).entries.find((e) => e.op.id === op.id)!.op.status).toBe('completed');
  });

  it('a node brought back Up while the console was down is paused again before the drain carries on', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const source = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri').sort((a, b) => b.vmCount - a.vmCount)[0]!;
    const op = await r.handlers['migration.startDrain']({ hostId: source.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR);
    await r.drive(() => r.service.drain(op.id)!.op.counts.completed >= 2);
    r.restartConsole();
    // Someone resumed the node by hand before the new console got going.
    await r.lab.resumeClusterNode(source.name);
    r.estate.apply(r.sim.flushPatches());
    let drain: DrainOperation | undefined;
    await r.drive(() => finished(drain = r.service.drain(op.id)?.op));
    expect(drain!.status).toBe('completed');
    expect(drain!.events.map((e) => e.message).join('\n')).toMatch(/was Up again: pausing it/);
    expect(r.estate.getHost(source.id)!.state).toBe('Paused');
  });

  it('a rolling maintenance killed mid-drain carries on from the node it was at; every VM ends home', async () => {
    rig = await createMigrationRig({ vmCount: 120 });
    const r = rig;
    const cluster = Object.values(r.estate.snapshot().clusters).find((c) => c.siteId === 'site-pri')!;
    const order = cluster.hostIds.slice(0, 3);
    const home = new Map([...r.estate.vms()].filter((v) => order.includes(v.hostId)).map((v) => [v.id, v.hostId]));
    const op = await r.handlers['migration.startRolling']({ clusterId: cluster.id, patch: { kind: 'wait', seconds: 60 }, nodesAtOnce: 1, hostIds: order }, OPERATOR);
    const second = () => r.service.rolling(op.id)!.op.nodes[1]!;
    await r.drive(() => second().phase === 'draining' && !!second().drainId && (r.service.drain(second().drainId!)?.op.counts.completed ?? 0) >= 2);
    r.restartConsole();
    const phases = r.service.rolling(op.id)!.op.nodes.map((n) => n.phase);
    expect(['failing-back', 'done']).toContain(phases[0]);
    expect(phases.slice(1)).toEqual(['draining', 'pending']);
    let view: RollingOperation | undefined;
    await r.drive(() => finished(view = r.service.rolling(op.id)!.op));
    expect(view!.status).toBe('completed');
    expect(view!.nodes.every((n) => n.phase === 'done')).toBe(true);
    for (const [vmId, hostId] of home) expect(r.estate.getVm(vmId)!.hostId).toBe(hostId);
    for (const hostId of order) expect(r.estate.getHost(hostId)!.state).toBe('Up');
    expect(view!.events.map((e) => e.message).join('\n')).toMatch(/console restarted during this maintenance/);
  });
});

describe('the migration journal file', () => {
  it('drops a torn last line, keeps a damaged one aside and starts with the rest', async () => {
    rig = await createMigrationRig();
    const r = rig;
    const source = [...r.estate.hosts()].filter((h) => h.siteId === 'site-pri')[0]!;
    const op = await r.handlers['migration.startDrain']({ hostId: source.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: false }, OPERATOR);
    await r.drive(() => r.service.drain(op.id)!.op.counts.completed >= 1);
    const file = operationsJournalFile(r.dataDir);
    appendFileSync(file, '{"seq":999,"wrote":1,"entry":{"kind":"dr');
    const logger = silentLogger();
    expect(readOperationsJournal(file, logger)).toMatchObject({ keptAside: true });
    expect(readOperationsJournal(file, logger).entries.map((e) => e.op.id)).toContain(op.id);
    expect(existsSync(quarantineFileOf(file))).toBe(false); // a torn tail is not damage
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, `${text}\n${text.split('\n')[0]}\n`);
    const read = readOperationsJournal(file, logger);
    expect(read.entries.map((e) => e.op.id)).toContain(op.id);
    const torn = text.split('\n').length;
    expect(listDataProblems(r.dataDir).problems).toMatchObject([{ file, line: torn, problem: expect.stringMatching(/^not a migration journal record \(not JSON/) }]);
    writeFileSync(file, '{"seq":1,"wrote":1,"entry":{"kind":"drain","op":{"id":"x"}}}\n');
    expect(readOperationsJournal(file, logger).entries).toEqual([]);
    expect(listDataProblems(r.dataDir).problems.at(-1)).toMatchObject({ file, line: 1, problem: expect.stringMatching(/^not a migration journal record \(entry\.op\./) });
  });
});
