import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { deflateRawSync, gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { generateLabEstate } from '../electron/core/backends/lab/estate-generator.ts';
import { LAB_EPOCH } from '../electron/core/backends/lab/lab-source.ts';
import { createEstateStore } from '../electron/core/estate/estate-store.ts';
import { systemClock } from '../electron/core/ports.ts';
import { EstateSnapshotSchema } from '../shared/model/estate.ts';
import { estateSnapshotWire } from '../shared/contract/channels.ts';
import { serveConsole } from '../e2e/serve-fixture.ts';
import { median, round, type Emit } from './bench-result.ts';

const ROOT = join(import.meta.dirname, '..');

/** Spawn → listening → WebSocket open → first estate.snapshot answered, as a browser would see it. */
async function coldStartMs(entry: string): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [entry, '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'standby-bench-'))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => { out += c; const m = /operator: (\S+)/.exec(out); if (m) resolve(m[1]!); });
      child.once('exit', () => reject(new Error('server exited')));
    });
    const u = new URL(url);
    const ws = new WebSocket(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`);
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(JSON.stringify({ t: 'req', id: 1, ch: 'estate.snapshot', body: {} })));
      ws.on('message', (d) => { if (JSON.parse(d.toString()).t === 'res') resolve(); });
      ws.on('error', reject);
    });
    const elapsed = performance.now() - started;
    ws.close();
    return elapsed;
  } finally {
    child.kill('SIGKILL');
  }
}

function bareNodeMs(): number {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '0']);
  return performance.now() - started;
}

/** One client connection's traffic: payload bytes as delivered, and bytes read off its TCP socket. */
interface Tap { ws: WebSocket; payloadBytes: number; deflatedEachBytes: number; frames: number; socketBytes(): number; request(ch: string, body: unknown): Promise<unknown> }

async function tap(operatorUrl: string): Promise<Tap> {
  const u = new URL(operatorUrl);
  // ws offers permessage-deflate as Chromium does, so the server compresses exactly as for a browser.
  const ws = new WebSocket(`ws://${u.host}/ws?token=${u.searchParams.get('token')}`);
  let socket: Socket | null = null;
  ws.on('upgrade', (response) => { socket = response.socket as Socket; });
  let nextId = 1;
  const pending = new Map<number, (body: unknown) => void>();
  const t: Tap = {
    ws, payloadBytes: 0, deflatedEachBytes: 0, frames: 0,
    socketBytes: () => (socket as Socket | null)?.bytesRead ?? 0,
    request: (ch, body) => new Promise((resolve) => { const id = nextId++; pending.set(id, resolve); ws.send(JSON.stringify({ t: 'req', id, ch, body })); }),
  };
  ws.on('message', (data: Buffer) => {
    t.payloadBytes += data.length;
    // What the frame would weigh if every message were deflated on its own (no shared window).
    t.deflatedEachBytes += deflateRawSync(data).length;
    t.frames += 1;
    const frame = JSON.parse(data.toString()) as { t: string; id?: number; body?: unknown };
    if (frame.t === 'res' && frame.id !== undefined) { pending.get(frame.id)?.(frame.body); pending.delete(frame.id); }
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  return t;
}

/**
 * Patch traffic of the default estate with the lab at 60×, against the baseline of the whole
 * snapshot sent every second, both measured on the wire at the same time on two connections.
 */
async function patchTraffic(emit: Emit): Promise<void> {
  const served = await serveConsole();
  try {
    const patches = await tap(served.operatorUrl);
    const snapshots = await tap(served.operatorUrl);
    await patches.request('lab.setSpeed', { speed: 60 });
    patches.ws.send(JSON.stringify({ t: 'sub', stream: 'estate.patches' }));
    await new Promise((r) => setTimeout(r, 3_000));
    const start = { at: performance.now(), p: { ...patches, socket: patches.socketBytes() }, s: { ...snapshots, socket: snapshots.socketBytes() } };
    const windowMs = 20_000;
    const timer = setInterval(() => { void snapshots.request('estate.snapshot', {}); }, 1000);
    await new Promise((r) => setTimeout(r, windowMs));
    clearInterval(timer);
    await new Promise((r) => setTimeout(r, 500));
    const sec = (performance.now() - start.at) / 1000;
    const snapSec = windowMs / 1000;
    const rate = (now: number, then: number, over: number) => Math.round((now - then) / over);
    const patchWire = rate(patches.socketBytes(), start.p.socket, sec);
    const snapWire = rate(snapshots.socketBytes(), start.s.socket, snapSec);
    emit({
      name: 'patch bytes per second on the wire, default estate, lab at 60×', value: patchWire, unit: 'bytes/s (TCP, as sent)',
      uncompressedBytesPerSec: rate(patches.payloadBytes, start.p.payloadBytes, sec),
      deflatedEachBytesPerSec: rate(patches.deflatedEachBytes, start.p.deflatedEachBytes, sec),
      framesPerSec: round((patches.frames - start.p.frames) / sec, 1),
      baseline: { name: 'whole snapshot every second, on the wire', value: snapWire },
      baselineUncompressedBytesPerSec: rate(snapshots.payloadBytes, start.s.payloadBytes, snapSec),
    });
    patches.ws.close();
    snapshots.ws.close();
  } finally {
    await served.stop();
  }
}

export async function run(emit: Emit): Promise<void> {
  // What `npm run serve` starts is the server build; build it as serve would.
  const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'electron/server/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the server build failed');
  await patchTraffic(emit);
  if (process.env.BENCH_WIRE_ONLY === '1') return;
  const starts: number[] = [];
  const fromSources: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 5; i++) {
    starts.push(await coldStartMs('dist/server/cli.mjs'));
    fromSources.push(await coldStartMs('electron/server/cli.ts'));
    bare.push(bareNodeMs());
  }
  emit({
    name: 'server cold start to first snapshot served', value: round(median(starts), 0), unit: 'ms', runs: starts.map((v) => round(v, 0)), bound: { op: '<=', value: 1500 },
    baseline: { name: 'bare node process start', value: round(median(bare), 0) }, fromTypeScriptSources: round(median(fromSources), 0),
  });

  for (const vmCount of [600, 10_000]) {
    const estate = generateLabEstate({ seed: 20261125, vmCount, startTime: LAB_EPOCH });
    const store = createEstateStore(estate, { clock: systemClock, batchMs: 250, publish: () => {} });
    const snapshot = store.snapshot();
    const wire = estateSnapshotWire;
    const build: number[] = [];
    const stringify: number[] = [];
    const parse: number[] = [];
    const encode: number[] = [];
    const decode: number[] = [];
    let json = '';
    let compact = '';
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      store.snapshot();
      build.push(performance.now() - t);
      t = performance.now();
      json = JSON.stringify(snapshot);
      stringify.push(performance.now() - t);
      t = performance.now();
      EstateSnapshotSchema.parse(JSON.parse(json));
      parse.push(performance.now() - t);
      t = performance.now();
      compact = JSON.stringify(wire.encode(snapshot));
      encode.push(performance.now() - t);
      t = performance.now();
      wire.decode(JSON.parse(compact));
      decode.push(performance.now() - t);
    }
    const records = Object.keys(snapshot.vms).length;
    emit({ name: `snapshot size on the wire, ${vmCount}-VM estate`, value: compact.length, unit: 'bytes (compact form, before deflate)', vmRecords: records, deflatedBytes: deflateRawSync(compact, { level: 1 }).length, bytesPerVmRecord: round(compact.length / records, 0), baseline: { name: 'plain JSON', value: json.length }, baselineGzipBytes: gzipSync(json).length });
    emit({ name: `snapshot serialization, ${vmCount}-VM estate`, value: round(median(encode)), unit: 'ms (compact encode + stringify)', buildMs: round(median(build)), bound: { op: '<=', value: vmCount <= 600 ? 50 : 500 }, baseline: { name: 'JSON.stringify of the plain snapshot', value: round(median(stringify)) } });
    emit({ name: `snapshot decode and validation on the client, ${vmCount}-VM estate`, value: round(median(decode)), unit: 'ms (JSON.parse + compact decode, which validates)', baseline: { name: 'JSON.parse + zod parse of the plain snapshot (zod with code generation, which the CSP denies the browser)', value: round(median(parse)) } });
    store.dispose();
  }
}
