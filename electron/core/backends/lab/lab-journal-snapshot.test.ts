import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock, silentLogger } from '../../testing/memory-ports.ts';
import { createLabSource } from './lab-source.ts';

const START = Date.UTC(2026, 10, 25, 3);
const MINUTE = 60_000;
/** A 30-VM lab runs about 45 events a simulated minute: a snapshot every quarter of an hour or so. */
const SNAPSHOT_EVERY_EVENTS = 600;

function lab(dir: string) {
  const clock = manualClock(0);
  const logger = silentLogger();
  const source = createLabSource({ seed: 12, vmCount: 30, clock, startTime: START, journal: { dir, logger, snapshotEveryEvents: SNAPSHOT_EVERY_EVENTS } });
  return { source, clock, logger };
}

const journalOf = (dir: string) => join(dir, readdirSync(dir).find((f) => f.endsWith('.jsonl'))!);
const snapshotOf = (dir: string) => journalOf(dir).replace(/\.jsonl$/, '.snapshot.json');

/**
 * A lab run for nearly three simulated hours with a checkpoint each simulated minute and commands in
 * between, then killed (no dispose): its folder holds a journal and the newest snapshot.
 */
async function ranLab(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'standby-labsnap-'));
  const first = lab(dir);
  const estate = await first.source.load();
  first.source.start(() => {});
  const vms = estate.vms.filter((v) => v.replication?.mode === 'Primary');
  const target = (i: number) => ({ vmName: vms[i]!.name, computerName: estate.hosts.find((h) => h.id === vms[i]!.hostId)!.name });
  for (let minute = 1; minute <= 178; minute++) {
    first.source.simulation.runUntil(START + minute * MINUTE + 17);
    first.clock.advance(1000);
    if (minute === 30) await first.source.suspendVMReplication(target(0));
    if (minute === 70) first.source.injectFault({ kind: 'wan-degradation', link: 'primary-dr', bandwidthFactor: 0.3, extraLatencyMs: 5 });
    if (minute === 100) await first.source.resumeVMReplication(target(0));
    if (minute === 171) await first.source.suspendVMReplication(target(1));
  }
  return dir;
}

/** What a started lab shows, and what it does next: an hour on, compared again. */
async function startAndObserve(dir: string) {
  const started = lab(dir);
  const inventory = await started.source.load();
  const sim = started.source.simulation;
  const at = { now: sim.now, events: sim.eventCount, digest: sim.world.log.digest, inventory: JSON.stringify(inventory), faults: JSON.stringify(sim.faults.list()) };
  sim.runFor(60 * MINUTE);
  const later = { now: sim.now, events: sim.eventCount, digest: sim.world.log.digest, inventory: JSON.stringify(sim.inventory()) };
  return { at, later, lines: started.logger.lines };
}

/** The same folder with no snapshot: the journal replayed from the seed. */
async function replayedFromSeed(dir: string) {
  const copy = mkdtempSync(join(tmpdir(), 'standby-labsnap-'));
  cpSync(dir, copy, { recursive: true });
  rmSync(snapshotOf(copy), { recursive: true, force: true });
  return startAndObserve(copy);
}

describe('lab journal with snapshots', () => {
  it('starts from the newest snapshot and replays only the commands after it: the world a replay from the seed builds', async () => {
    const dir = await ranLab();
    const fromSeed = await replayedFromSeed(dir);
    const fromSnapshot = await startAndObserve(dir);
    expect(fromSeed.lines.some((l) => /from a snapshot/.test(l))).toBe(false);
    expect(fromSeed.lines.some((l) => /4 commands replayed/.test(l))).toBe(true);
    const restored = fromSnapshot.lines.find((l) => /from a snapshot at /.test(l))!;
    expect(restored).toMatch(/: [01] commands replayed/);
    const snapshotAt = Date.parse(/a snapshot at (\S+)/.exec(restored)![1]!);
    expect(snapshotAt).toBeGreaterThan(START + 150 * MINUTE);
    // Taken after the command at 171 minutes, or before it (and that command replayed).
    expect(restored.includes(': 1 commands') === snapshotAt < START + 171 * MINUTE).toBe(true);
    expect(fromSnapshot.at).toEqual(fromSeed.at);
    expect(fromSnapshot.later).toEqual(fromSeed.later);
  }, 60_000);

  it('a damaged snapshot, one of another version or of other commands is not used: a warning, and the journal replayed from the seed', async () => {
    const dir = await ranLab();
    const expected = (await replayedFromSeed(dir)).at;
    const damages: [string, (text: string) => string, RegExp][] = [
      ['cut short', (text) => text.slice(0, text.length / 2), /damaged/],
      ['another version', (text) => text.replace('"version":1,', '"version":99,'), /version 99/],
      ['not JSON', () => 'garbage', /header is not JSON/],
      ['of a build whose seed builds another world', (text) => text.replace(/"origin":"[0-9a-f]+"/, '"origin":"0"'), /another world/],
    ];
    for (const [what, damage, reason] of damages) {
      const copy = mkdtempSync(join(tmpdir(), 'standby-labsnap-'));
      cpSync(dir, copy, { recursive: true });
      writeFileSync(snapshotOf(copy), damage(readFileSync(snapshotOf(copy), 'utf8')));
      const started = await startAndObserve(copy);
      expect(started.at, what).toEqual(expected);
      expect(started.lines.some((l) => l.startsWith('warn') && /snapshot .* is not used/.test(l) && reason.test(l)), what).toBe(true);
    }
    // Whole and signed, but naming a link this lab does not have: it fails half-way through restoring.
    {
      const copy = mkdtempSync(join(tmpdir(), 'standby-labsnap-'));
      cpSync(dir, copy, { recursive: true });
      const [head, body] = readFileSync(snapshotOf(copy), 'utf8').split('\n') as [string, string];
      const snapshot = JSON.parse(body) as { links: [string, unknown][] };
      snapshot.links[0]![0] = 'moon-link';
      const bent = JSON.stringify(snapshot);
      const header = { ...(JSON.parse(head) as object), bodySha256: createHash('sha256').update(bent).digest('hex') };
      writeFileSync(snapshotOf(copy), `${JSON.stringify(header)}\n${bent}\n`);
      const started = await startAndObserve(copy);
      expect(started.at).toEqual(expected);
      expect(started.lines.some((l) => l.startsWith('warn') && /could not be restored \(the snapshot names a WAN link "moon-link"/.test(l))).toBe(true);
    }
    // A journal that lost a command (here the last one before the snapshot) does not match it.
    const copy = mkdtempSync(join(tmpdir(), 'standby-labsnap-'));
    cpSync(dir, copy, { recursive: true });
    const lines = readFileSync(journalOf(copy), 'utf8').trim().split('\n');
    const resume = lines.findIndex((l) => l.includes('resumeVMReplication'));
    writeFileSync(journalOf(copy), `${lines.filter((_, i) => i !== resume).join('\n')}\n`);
    const started = await startAndObserve(copy);
    expect(started.lines.some((l) => /snapshot .* is not used: the journal's commands are not the ones/.test(l))).toBe(true);
    expect(started.lines.some((l) => /3 commands replayed/.test(l))).toBe(true);
  }, 60_000);

  it('a snapshot the disk refuses never stops the lab: one warning, no temporary file left, commands still journaled', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-labsnap-'));
    const first = lab(dir);
    const estate = await first.source.load();
    first.source.start(() => {});
    // A directory where the snapshot goes: every rename over it fails.
    mkdirSync(snapshotOf(dir));
    const vm = estate.vms.find((v) => v.replication?.mode === 'Primary')!;
    for (let minute = 1; minute <= 60; minute++) {
      first.source.simulation.runUntil(START + minute * MINUTE);
      first.clock.advance(1000);
    }
    await first.source.suspendVMReplication({ vmName: vm.name, computerName: estate.hosts.find((h) => h.id === vm.hostId)!.name });
    const warnings = first.logger.lines.filter((l) => /snapshot .* could not be written/.test(l));
    expect(warnings).toHaveLength(1);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const second = lab(dir);
    const restored = await second.source.load();
    expect(second.logger.lines.some((l) => /snapshot .* is not used: it could not be read/.test(l))).toBe(true);
    expect(restored.vms.find((v) => v.id === vm.id)!.replication!.state).toBe('Suspended');
  });

  it('removes the half-written snapshot a killed console left beside the snapshot, and starts from the snapshot', async () => {
    const dir = await ranLab();
    const stale = `${snapshotOf(dir)}.4242.deadbeef.tmp`;
    writeFileSync(stale, '{"version":1,"se');
    const started = await startAndObserve(dir);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(started.lines.some((l) => /Removed 1 half-written snapshot file/.test(l))).toBe(true);
    expect(started.lines.some((l) => /from a snapshot at /.test(l))).toBe(true);
  }, 60_000);
});
