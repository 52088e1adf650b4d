import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import WebSocket from 'ws';
import { generateLabEstate } from '../electron/core/backends/lab/estate-generator.ts';
import { LAB_EPOCH } from '../electron/core/backends/lab/lab-source.ts';
import { createEstateStore } from '../electron/core/estate/estate-store.ts';
import { systemClock } from '../electron/core/ports.ts';
import { EstateSnapshotSchema } from '../shared/model/estate.ts';
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

export async function run(emit: Emit): Promise<void> {
  // What `npm run serve` starts is the server build; build it as serve would.
  const built = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'electron/server/vite.config.ts', '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('the server build failed');
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
    const build: number[] = [];
    const stringify: number[] = [];
    const parse: number[] = [];
    let json = '';
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
    }
    const records = Object.keys(snapshot.vms).length;
    emit({ name: `snapshot size, ${vmCount}-VM estate`, value: json.length, unit: 'bytes', vmRecords: records, gzipBytes: gzipSync(json).length, bytesPerVmRecord: round(json.length / records, 0) });
    emit({ name: `snapshot serialization, ${vmCount}-VM estate`, value: round(median(stringify)), unit: 'ms', buildMs: round(median(build)), bound: { op: '<=', value: vmCount <= 600 ? 50 : 500 }, baseline: { name: 'JSON.parse + zod validation on the client', value: round(median(parse)) } });
  }
}
