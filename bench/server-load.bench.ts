// The server under clients that misbehave or are many: its memory with clients that never read,
// and how fast a normal request is answered while many clients stream patches.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import WebSocket from 'ws';
import { rawWsClient, type RawWsClient } from '../electron/core/testing/raw-ws-client.ts';
import { round, type Emit } from './bench-result.ts';

const ROOT = join(import.meta.dirname, '..');

async function startServer(): Promise<{ child: ChildProcess; port: number; token: string }> {
  const child = spawn(process.execPath, ['electron/server/cli.ts', '--port', '0', '--data-dir', mkdtempSync(join(tmpdir(), 'standby-bench-load-'))], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => { out += c; const m = /operator: (\S+)/.exec(out); if (m) resolve(new URL(m[1]!)); });
    child.once('exit', () => reject(new Error('server exited')));
  });
  return { child, port: Number(url.port), token: url.searchParams.get('token')! };
}

function rssMB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return kb / 1024;
}

function client(port: number, token: string): Promise<{ ws: WebSocket; request(ch: string, body: unknown): Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
  let next = 1;
  const pending = new Map<number, () => void>();
  ws.on('message', (d: Buffer) => {
    const f = JSON.parse(d.toString()) as { t: string; id?: number };
    if (f.t === 'res' && f.id !== undefined) { pending.get(f.id)?.(); pending.delete(f.id); }
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve({
      ws,
      request: (ch, body) => new Promise((done) => {
        const id = next++;
        const started = performance.now();
        pending.set(id, () => done(performance.now() - started));
        ws.send(JSON.stringify({ t: 'req', id, ch, body }));
      }),
    }));
    ws.once('error', reject);
  });
}

/** Ten clients that ask for the whole estate over and over and never read an answer. */
async function nonReaders(emit: Emit): Promise<void> {
  const server = await startServer();
  try {
    const idle = rssMB(server.child.pid!);
    const readers: RawWsClient[] = [];
    for (let i = 0; i < 10; i++) {
      const r = await rawWsClient(server.port, `/ws?token=${server.token}`);
      r.stopReading();
      readers.push(r);
    }
    let peak = idle;
    const started = performance.now();
    while (performance.now() - started < 15_000) {
      for (const r of readers) for (let k = 0; k < 20; k++) r.send(JSON.stringify({ t: 'req', id: k, ch: 'estate.snapshot', body: {} }));
      await new Promise((resolve) => setTimeout(resolve, 100));
      peak = Math.max(peak, rssMB(server.child.pid!));
    }
    emit({
      name: 'server RSS with 10 clients that never read (each asking for snapshots, 600-VM lab)', value: round(peak, 0), unit: 'MB (peak)',
      bound: { op: '<=', value: 400 }, baseline: { name: 'server RSS idle', value: round(idle, 0) }, seconds: 15,
    });
    for (const r of readers) r.socket.destroy();
  } finally {
    server.child.kill('SIGKILL');
  }
}

/**
 * 50 clients that subscribe to the patches and read everything, in a thread of their own: in this
 * thread their parsing would delay the probe's answers, and the figure would be the bench's, not the
 * server's. Resolves with a stop function once all are subscribed; it says how many bytes they read.
 */
async function streamers(port: number, token: string, count: number): Promise<() => Promise<number>> {
  const worker = new Worker(`
    const { parentPort, workerData } = require('node:worker_threads');
    const WebSocket = require(workerData.ws);
    let bytes = 0;
    const sockets = [];
    let open = 0;
    for (let i = 0; i < workerData.count; i++) {
      const ws = new WebSocket('ws://127.0.0.1:' + workerData.port + '/ws?token=' + workerData.token);
      ws.on('message', (d) => { bytes += d.length; });
      ws.once('open', () => { ws.send(JSON.stringify({ t: 'sub', stream: 'estate.patches' })); if (++open === workerData.count) parentPort.postMessage('subscribed'); });
      sockets.push(ws);
    }
    parentPort.on('message', () => { for (const ws of sockets) ws.terminate(); parentPort.postMessage(bytes); });
  `, { eval: true, workerData: { port, token, count, ws: createRequire(import.meta.url).resolve('ws') } });
  await new Promise((resolve, reject) => { worker.once('message', resolve); worker.once('error', reject); });
  return async () => {
    const bytes = await new Promise<number>((resolve) => { worker.once('message', resolve); worker.postMessage('stop'); });
    await worker.terminate();
    return bytes;
  };
}

/** A normal request's latency while 50 clients stream patches. */
async function underStreaming(emit: Emit, speed: number | 'max'): Promise<void> {
  const server = await startServer();
  try {
    const probe = await client(server.port, server.token);
    await probe.request('lab.setSpeed', { speed });
    const stopStreaming = await streamers(server.port, server.token, 50);
    await new Promise((r) => setTimeout(r, 2000));
    const quiet = await client(server.port, server.token);
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      times.push(await quiet.request('replication.summary', {}));
      await new Promise((r) => setTimeout(r, 20));
    }
    const streamedBytes = await stopStreaming();
    times.sort((a, b) => a - b);
    const p95 = times[Math.floor(times.length * 0.95)]!;
    emit({
      name: `normal request p95 while 50 clients stream patches (lab at ${speed === 'max' ? 'max' : `${speed}×`})`, value: round(p95, 1), unit: 'ms',
      ...(speed === 'max' ? {} : { bound: { op: '<=' as const, value: 100 } }), baseline: { name: 'median of the same requests', value: round(times[times.length >> 1]!, 1) }, requests: times.length,
      streamedMB: round(streamedBytes / 1e6, 1), streamersIn: 'a worker thread of the bench',
    });
    for (const s of [probe, quiet]) s.ws.close();
  } finally {
    server.child.kill('SIGKILL');
  }
}

export async function run(emit: Emit): Promise<void> {
  await nonReaders(emit);
  await underStreaming(emit, 60);
  // At 'max' the lab itself takes the event loop flat out between requests: reported, not bounded.
  await underStreaming(emit, 'max');
}
