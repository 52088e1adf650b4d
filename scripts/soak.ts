// `node scripts/soak.ts`: the console under bad luck, bounded in time (SOAK_SECONDS, default 150).
// The lab runs fast with host crashes and WAN flaps; a drain and a drill are started and the server
// is SIGKILLed every CYCLE_SECONDS in the middle of them; then the disk fills up and is freed. The
// invariants are checked continuously; the counts are printed; any broken invariant fails the run.
// On a tmpfs data folder when this runs as root (CI), so "disk full" is the kernel's own ENOSPC.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { estateSnapshotWire } from '../shared/contract/channels.ts';
import type { EstateSnapshot } from '../shared/model/estate.ts';
import { holdsMemory } from '../shared/model/host-usage.ts';

const ROOT = join(import.meta.dirname, '..');
const BUDGET_MS = Number(process.env.SOAK_SECONDS ?? 150) * 1000;
const CYCLE_MS = Number(process.env.CYCLE_SECONDS ?? 30) * 1000;
const started = Date.now();

const counts = {
  starts: 0, kills: 0, invariantChecks: 0, violations: 0, hostCrashes: 0, wanFlaps: 0,
  drainsAcknowledged: 0, drillsAcknowledged: 0, acknowledgedFoundAfterRestart: 0, acknowledgedLost: 0,
  refusedDiskFull: 0, acceptedOnFullDisk: 0, acceptedAfterSpaceFreed: 0, slowestStartMs: 0, drillsNotStarted: [] as string[],
};
const problems: string[] = [];
const acknowledged = { drains: new Set<string>(), runs: new Set<string>() };

const root = mkdtempSync(join(tmpdir(), 'standby-soak-'));
const tmpfs = (() => {
  try { execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', root], { stdio: 'ignore' }); return true; } catch { return false; }
})();
const dataDir = join(root, 'data');

interface Server { child: ChildProcess; call(ch: string, body?: unknown): Promise<unknown>; close(): void }

async function startServer(): Promise<Server> {
  const t0 = Date.now();
  const child = spawn(process.execPath, ['electron/server/cli.ts', '--port', '0', '--data-dir', dataDir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the console did not start within 60 s: ${stderr}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => { out += c; const m = /operator: (\S+)/.exec(out); if (m) { clearTimeout(timer); resolve(new URL(m[1]!)); } });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`the console exited (${code}) while starting: ${stderr}`)); });
  });
  const ws = new WebSocket(`ws://127.0.0.1:${url.port}/ws?token=${url.searchParams.get('token')}`);
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  let next = 1;
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  ws.on('message', (d: Buffer) => {
    const f = JSON.parse(d.toString()) as { t: string; id?: number; ok?: boolean; body?: unknown; error?: { message: string } };
    if (f.t !== 'res' || f.id === undefined) return;
    const p = pending.get(f.id);
    pending.delete(f.id);
    if (f.ok) p?.resolve(f.body); else p?.reject(new Error(f.error?.message ?? 'failed'));
  });
  ws.on('close', () => { for (const p of pending.values()) p.reject(new Error('connection closed')); pending.clear(); });
  ws.on('error', () => {});
  counts.starts += 1;
  const server: Server = {
    child,
    call: (ch, body = {}) => new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify({ t: 'req', id, ch, body }));
    }),
    close: () => ws.terminate(),
  };
  await server.call('session.info');
  counts.slowestStartMs = Math.max(counts.slowestStartMs, Date.now() - t0);
  return server;
}

async function snapshot(server: Server): Promise<EstateSnapshot> {
  return estateSnapshotWire.decode(await server.call('estate.snapshot')) as EstateSnapshot;
}

/** Every VM runs in one place at most, with one primary, never on a host that is down. */
function checkInvariants(estate: EstateSnapshot, when: string): void {
  counts.invariantChecks += 1;
  const running = new Map<string, number>();
  const primaries = new Map<string, number>();
  for (const vm of Object.values(estate.vms)) {
    if (holdsMemory(vm)) {
      running.set(vm.vmId, (running.get(vm.vmId) ?? 0) + 1);
      if (estate.hosts[vm.hostId]?.state === 'Down') problems.push(`${when}: ${vm.name} runs on ${vm.hostId}, which is down`);
    }
    if (vm.replication?.mode === 'Primary') primaries.set(vm.vmId, (primaries.get(vm.vmId) ?? 0) + 1);
  }
  for (const [vmId, n] of running) if (n > 1) problems.push(`${when}: ${vmId} runs in ${n} places`);
  for (const [vmId, n] of primaries) if (n > 1) problems.push(`${when}: ${vmId} has ${n} primaries`);
  counts.violations = problems.length;
}

/** Everything acknowledged before a kill is there after the restart. */
async function checkAcknowledged(server: Server): Promise<void> {
  const ops = await server.call('migration.operations') as { drains: { id: string }[] };
  const runs = await server.call('recovery.list') as { runs: { id: string }[] };
  const drains = new Set(ops.drains.map((d) => d.id));
  const runIds = new Set(runs.runs.map((r) => r.id));
  for (const id of acknowledged.drains) if (drains.has(id)) counts.acknowledgedFoundAfterRestart += 1; else { counts.acknowledgedLost += 1; problems.push(`drain ${id} was acknowledged and is gone after a restart`); }
  for (const id of acknowledged.runs) if (runIds.has(id)) counts.acknowledgedFoundAfterRestart += 1; else { counts.acknowledgedLost += 1; problems.push(`run ${id} was acknowledged and is gone after a restart`); }
}

/** Starts draining a primary node; returns its id when the console took it. */
async function startDrain(server: Server, estate: EstateSnapshot, cycle: number): Promise<string | null> {
  const hosts = Object.values(estate.hosts).filter((h) => h.siteId === 'site-pri' && h.state === 'Up').sort((a, b) => a.name.localeCompare(b.name));
  const host = hosts[(cycle * 5) % Math.max(1, hosts.length)];
  if (!host) return null;
  try {
    const op = await server.call('migration.startDrain', { hostId: host.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: true }) as { id: string };
    acknowledged.drains.add(op.id);
    counts.drainsAcknowledged += 1;
    return host.id;
  } catch {
    return null; // refused (a node of that cluster is already out): the estate said no, nothing to check
  }
}

async function startDrill(server: Server): Promise<void> {
  try {
    const report = await server.call('recovery.preflight', { id: 'full-site', type: 'test-failover' }) as { blockers: { message: string }[]; warnings: { id: string }[] };
    if (report.blockers.length > 0) { counts.drillsNotStarted.push(report.blockers[0]!.message.slice(0, 120)); return; }
    const run = await server.call('recovery.start', { id: 'full-site', type: 'test-failover', acceptedWarnings: report.warnings.map((w) => w.id) }) as { id: string };
    acknowledged.runs.add(run.id);
    counts.drillsAcknowledged += 1;
  } catch (error) { counts.drillsNotStarted.push((error as Error).message.slice(0, 120)); }
}

function fillDisk(): string {
  const filler = join(root, 'filler');
  const fd = openSync(filler, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try { for (;;) writeSync(fd, chunk); } catch (error) { if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error; } finally { closeSync(fd); }
  return filler;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const left = () => BUDGET_MS - (Date.now() - started);

async function killCycle(cycle: number): Promise<void> {
  const server = await startServer();
  try {
    await checkAcknowledged(server);
    await server.call('lab.setSpeed', { speed: 600 });
    let estate = await snapshot(server);
    checkInvariants(estate, `start ${cycle}`);
    await startDrill(server);
    const drained = await startDrain(server, estate, cycle);
    // A primary node crashes (not the one being drained): the cluster restarts its VMs elsewhere.
    const hosts = Object.values(estate.hosts).filter((h) => h.state === 'Up' && h.siteId === 'site-pri' && h.id !== drained);
    const crash = hosts[(cycle * 7 + 3) % Math.max(1, hosts.length)];
    if (crash) { await server.call('lab.injectFault', { kind: 'host-crash', host: crash.name }).then(() => { counts.hostCrashes += 1; }, () => {}); }
    const end = Date.now() + Math.min(CYCLE_MS, Math.max(5_000, left() - 45_000));
    let flap: string | null = null;
    while (Date.now() < end) {
      // A WAN flap: cut for a few seconds, then back.
      if (flap === null && Math.random() < 0.3) {
        flap = (await server.call('lab.injectFault', { kind: 'wan-cut', link: 'primary-dr' }) as { id: string }).id;
        counts.wanFlaps += 1;
      } else if (flap !== null && Math.random() < 0.5) {
        await server.call('lab.clearFault', { faultId: flap });
        flap = null;
      }
      estate = await snapshot(server);
      checkInvariants(estate, `cycle ${cycle}`);
      await sleep(1000);
    }
  } finally {
    server.close();
    server.child.kill('SIGKILL');
    counts.kills += 1;
    await new Promise((r) => server.child.once('exit', r));
  }
}

async function diskFull(): Promise<void> {
  const server = await startServer();
  try {
    await checkAcknowledged(server);
    const estate = await snapshot(server);
    const filler = fillDisk();
    const host = Object.values(estate.hosts).find((h) => h.siteId === 'site-pri' && h.state === 'Up');
    for (const [ch, body] of [
      ['migration.startDrain', { hostId: host?.id, options: { liveMigrateLowPriority: true, avoidHostIds: [] }, acceptQuickMigrations: true }],
      ['plans.duplicate', { id: 'full-site' }],
      ['settings.update', { theme: 'dark' }],
    ] as const) {
      try {
        const answer = await server.call(ch, body) as { id?: string };
        // It fitted in the slack of a page the file already had: then it must survive like any other.
        if (ch === 'migration.startDrain' && answer.id) { acknowledged.drains.add(answer.id); counts.drainsAcknowledged += 1; }
        counts.acceptedOnFullDisk += 1;
      } catch (error) {
        if (/the disk is full \(ENOSPC\)/.test((error as Error).message)) counts.refusedDiskFull += 1;
        else if (!/already|cannot|no host|There is no/.test((error as Error).message)) problems.push(`${ch} on a full disk: "${(error as Error).message}" does not say the disk is full`);
      }
    }
    checkInvariants(await snapshot(server), 'disk full'); // still up, still answering
    rmSync(filler);
    await server.call('settings.update', { theme: 'dark' });
    await server.call('plans.duplicate', { id: 'full-site' });
    counts.acceptedAfterSpaceFreed += 2;
  } finally {
    server.close();
    server.child.kill('SIGKILL');
    counts.kills += 1;
    await new Promise((r) => server.child.once('exit', r));
  }
  const again = await startServer(); // the console starts after all of it, with everything it acknowledged
  await checkAcknowledged(again);
  checkInvariants(await snapshot(again), 'after the disk was freed');
  again.close();
  again.child.kill('SIGKILL');
}

try {
  for (let cycle = 0; left() > 60_000; cycle++) await killCycle(cycle);
  if (tmpfs) await diskFull();
} catch (error) {
  problems.push(`the soak stopped: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  if (tmpfs) execFileSync('umount', ['-l', root]);
  rmSync(root, { recursive: true, force: true });
}
counts.violations = problems.length;
console.log(JSON.stringify({ soak: counts, seconds: Math.round((Date.now() - started) / 1000), diskFullPhase: tmpfs ? 'tmpfs' : 'skipped (not root: no tmpfs)' }));
for (const p of problems.slice(0, 20)) console.log(`  broken: ${p}`);
console.log(problems.length === 0 ? 'soak: every invariant held' : `soak: ${problems.length} broken`);
process.exit(problems.length === 0 ? 0 : 1);
