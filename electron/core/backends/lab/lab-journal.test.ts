import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manualClock, silentLogger } from '../../testing/memory-ports.ts';
import { createLabSource } from './lab-source.ts';

const START = Date.UTC(2026, 10, 25, 3);

function lab(dir: string) {
  const clock = manualClock(0);
  const logger = silentLogger();
  const source = createLabSource({ seed: 12, vmCount: 30, clock, startTime: START, journal: { dir, logger } });
  return { source, clock, logger };
}

describe('lab journal', () => {
  it('rebuilds the world after the process died without a goodbye: commands, faults and clock', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'standby-labj-'));
    const first = lab(dir);
    const estate = await first.source.load();
    first.source.start(() => {});
    const vm = estate.vms.find((v) => v.replication?.mode === 'Primary')!;
    const host = estate.hosts.find((h) => h.id === vm.hostId)!;
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
    expect(second.logger.lines.some((l) => /not a lab journal record/.test(l))).toBe(true);
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
});
