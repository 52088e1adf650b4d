import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock, silentLogger } from '../../testing/memory-ports.ts';
import { MAX_RECORD_STEP_MS } from './lab-journal.ts';
import { createLabSource } from './lab-source.ts';

const START = Date.UTC(2026, 10, 25, 3);

function lab(dir: string) {
  const clock = manualClock(0);
  const logger = silentLogger();
  const source = createLabSource({ seed: 12, vmCount: 30, clock, startTime: START, journal: { dir, logger } });
  return { source, clock, logger };
}

/** A journaled lab started in a fresh folder, and a primary VM with its host to give commands to. */
async function runningLab() {
  const dir = mkdtempSync(join(tmpdir(), 'standby-labj-'));
  const first = lab(dir);
  const estate = await first.source.load();
  first.source.start(() => {});
  const vm = estate.vms.find((v) => v.replication?.mode === 'Primary')!;
  const host = estate.hosts.find((h) => h.id === vm.hostId)!;
  return { dir, first, vm, host };
}

describe('lab journal', () => {
  it('rebuilds the world after the process died without a goodbye: commands, faults and clock', async () => {
    const { dir, first, vm, host } = await runningLab();
    first.source.simulation.runUntil(START + 600_000);
    await first.source.suspendVMReplication({ vmName: vm.name, computerName: host.name });
    first.source.injectFault({ kind: 'wan-cut', link: 'dr-cloud' });
    first.source.simulation.runUntil(START + 900_000);
    first.clock.advance(1000);
    // No dispose: a SIGKILL gives none. A torn last line is what such a death can leave.
    appendFileSync(join(dir, readdirSync(dir)[0]!), '{"at":17953');

    const second = lab(dir);
    const restored = await second.source.load();
    // The clock resumes at the last checkpoint: within a second of wall time of where it died.
    expect(second.source.simulation.now).toBeGreaterThanOrEqual(START + 900_000);
    expect(second.source.simulation.now).toBeLessThanOrEqual(START + 901_000);
    const again = restored.vms.find((v) => v.id === vm.id)!;
    expect(again.replication!.state).toBe('Suspended');
    expect(second.source.status().faults.map((f) => f.spec.kind)).toEqual(['wan-cut']);
    expect(second.logger.lines.some((l) => /line \d+: a write cut short by a crash/.test(l))).toBe(true);
    expect(second.logger.lines.some((l) => /2 commands replayed/.test(l))).toBe(true);
  });

  it('keeps the first command given after a crash tore the last line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-labj-'));
    const first = lab(dir);
    const estate = await first.source.load();
    const vms = estate.vms.filter((v) => v.replication?.mode === 'Primary').slice(0, 2);
    const target = (vm: (typeof vms)[number]) => ({ vmName: vm.name, computerName: estate.hosts.find((h) => h.id === vm.hostId)!.name });
    await first.source.suspendVMReplication(target(vms[0]!));
    appendFileSync(join(dir, readdirSync(dir)[0]!), '{"at":17953'); // killed mid-write
    const second = lab(dir);
    await second.source.load();
    await second.source.suspendVMReplication(target(vms[1]!));
    const third = lab(dir);
    const restored = await third.source.load();
    expect(vms.map((vm) => restored.vms.find((v) => v.id === vm.id)!.replication!.state)).toEqual(['Suspended', 'Suspended']);
  });

  it('without a journal the lab starts fresh from its seed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-labj-'));
    const { source } = lab(dir);
    await source.load();
    expect(source.simulation.now).toBe(START);
    expect(source.status().faults).toEqual([]);
  });

  it('compacts its checkpoints on start: the journal holds the commands and the last time, and replays to the same world', async () => {
    const { dir, first, vm, host } = await runningLab();
    for (let minute = 1; minute <= 120; minute++) {
      first.source.simulation.runUntil(START + minute * 60_000);
      first.clock.advance(1000); // a checkpoint a second, as while the lab runs
      if (minute === 30) await first.source.suspendVMReplication({ vmName: vm.name, computerName: host.name });
    }
    const file = join(dir, readdirSync(dir)[0]!);
    const before = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { at: number; cmd: string });
    expect(before.length).toBeGreaterThan(100);

    const second = lab(dir);
    await second.source.load();
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { at: number; cmd: string });
    expect(lines.map((l) => l.cmd)).toEqual(['suspendVMReplication', 'tick']);
    expect(lines[1]!.at).toBe(before.at(-1)!.at);
    const third = lab(dir);
    const restored = await third.source.load();
    expect(third.source.simulation.now).toBe(second.source.simulation.now);
    expect(restored.vms.find((v) => v.id === vm.id)!.replication!.state).toBe('Suspended');
  });

  it('keeps a checkpoint a week when it compacts a journal of more than a week without commands: the next start does not lose the time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-labj-'));
    const DAY = 24 * 3600_000;
    // Nine days at 'max' with no command: a checkpoint every six simulated hours.
    const ticks = Array.from({ length: 36 }, (_, i) => JSON.stringify({ at: START + (i + 1) * DAY / 4, cmd: 'tick' }));
    writeFileSync(join(dir, 'lab-seed12-vms30.jsonl'), `${ticks.join('\n')}\n`);
    const second = lab(dir);
    await second.source.load();
    expect(second.source.simulation.now).toBe(START + 9 * DAY);
    const kept = readFileSync(join(dir, 'lab-seed12-vms30.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { at: number });
    expect(kept.length).toBeLessThan(5);
    kept.forEach((r, i) => expect(r.at - (kept[i - 1]?.at ?? START)).toBeLessThanOrEqual(MAX_RECORD_STEP_MS));
    const third = lab(dir);
    await third.source.load();
    expect(third.source.simulation.now).toBe(START + 9 * DAY);
    expect(third.logger.lines.some((l) => /impossible time/.test(l))).toBe(false);
  }, 60_000);
});
