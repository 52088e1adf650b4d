import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ContractError } from '../../shared/contract/errors.ts';
import type { ConnectionState } from '../../shared/contract/transport.ts';
import { backoffDelay, createWebSocketTransport } from './websocket-transport.ts';
import { socketFactory } from '../testing/fake-socket.ts';

function setup(timeoutMs = 5_000) {
  const factory = socketFactory();
  const transport = createWebSocketTransport({
    url: 'ws://127.0.0.1:1/ws?token=t', createSocket: factory.create,
    requestTimeoutMs: timeoutMs, initialBackoffMs: 100, maxBackoffMs: 1_000, random: () => 0.5,
  });
  const states: Array<[ConnectionState, string | undefined]> = [];
  transport.onStateChange((s, d) => states.push([s, d]));
  return { factory, transport, states };
}

describe('websocket transport', () => {
  beforeEach(() => { vi.useFakeTimers(); });
  afterEach(() => { vi.useRealTimers(); });

  it('is connecting until the hello frame, then connected', () => {
    const { factory, states } = setup();
    expect(states.at(-1)?.[0]).toBe('connecting');
    factory.last.open();
    expect(states.at(-1)?.[0]).toBe('connected');
  });

  it('queues requests made while connecting and resolves them by id', async () => {
    const { factory, transport } = setup();
    const answer = transport.request('session.info', {});
    expect(factory.last.sent).toEqual([]);
    factory.last.open();
    const req = factory.last.framesOf('req')[0];
    expect(req).toMatchObject({ ch: 'session.info', body: {} });
    factory.last.receive({ t: 'res', id: req?.id, ok: true, body: { role: 'viewer' } });
    await expect(answer).resolves.toEqual({ role: 'viewer' });
  });

  it('turns an error frame into a ContractError with code and where', async () => {
    const { factory, transport } = setup();
    factory.last.open();
    const answer = transport.request('settings.update', { theme: 'dark' });
    const id = factory.last.framesOf('req')[0]?.id;
    factory.last.receive({ t: 'res', id, ok: false, error: { code: 'forbidden', message: 'viewer', where: 'theme' } });
    const error = await answer.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toMatchObject({ code: 'forbidden', where: 'theme' });
  });

  it('rejects in-flight requests with disconnected when the socket drops, and reconnects with backoff', async () => {
    const { factory, transport, states } = setup();
    factory.last.open();
    const answer = transport.request('estate.snapshot', {});
    factory.last.drop(1006);
    await expect(answer).rejects.toMatchObject({ code: 'disconnected' });
    expect(states.at(-1)?.[0]).toBe('reconnecting');
    expect(factory.sockets).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(factory.sockets).toHaveLength(2);
    factory.last.drop(1006);
    vi.advanceTimersByTime(199);
    expect(factory.sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(factory.sockets).toHaveLength(3);
    factory.last.open();
    expect(states.at(-1)?.[0]).toBe('connected');
  });

  it('keeps backing off when connections drop right after they open, and starts over once one holds', () => {
    const { factory } = setup();
    factory.last.open();
    factory.last.drop();          // attempt 1: 100 ms
    vi.advanceTimersByTime(100);
    factory.last.open();
    factory.last.drop();          // dropped within stableAfterMs → attempt 2: 200 ms
    vi.advanceTimersByTime(199);
    expect(factory.sockets).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(factory.sockets).toHaveLength(3);
    factory.last.open();
    vi.advanceTimersByTime(10_000); // held: the next drop starts again at 100 ms
    factory.last.drop();
    vi.advanceTimersByTime(100);
    expect(factory.sockets).toHaveLength(4);
  });

  it('re-subscribes every stream after a reconnect and keeps delivering events', () => {
    const { factory, transport } = setup();
    const got: unknown[] = [];
    transport.subscribe('estate.patches', (e) => got.push(e));
    factory.last.open();
    expect(factory.last.framesOf('sub')).toEqual([{ t: 'sub', stream: 'estate.patches' }]);
    factory.last.drop();
    vi.advanceTimersByTime(100);
    factory.last.open();
    expect(factory.last.framesOf('sub')).toEqual([{ t: 'sub', stream: 'estate.patches' }]);
    factory.last.receive({ t: 'evt', stream: 'estate.patches', body: { seq: 1 } });
    expect(got).toEqual([{ seq: 1 }]);
  });

  it('asks for a stream at its pace when one is set, again after a reconnect', () => {
    const factory = socketFactory();
    const transport = createWebSocketTransport({ url: 'ws://127.0.0.1:1/ws?token=t', createSocket: factory.create, initialBackoffMs: 100, random: () => 0.5, streamEveryMs: { 'estate.patches': 2_000 } });
    transport.subscribe('estate.patches', () => {});
    transport.subscribe('settings.changed', () => {});
    factory.last.open();
    expect(factory.last.framesOf('sub')).toEqual([{ t: 'sub', stream: 'estate.patches', everyMs: 2_000 }, { t: 'sub', stream: 'settings.changed' }]);
    factory.last.drop();
    vi.advanceTimersByTime(100);
    factory.last.open();
    expect(factory.last.framesOf('sub')).toEqual([{ t: 'sub', stream: 'estate.patches', everyMs: 2_000 }, { t: 'sub', stream: 'settings.changed' }]);
  });

  it('sends unsub only when the last listener of a stream leaves', () => {
    const { factory, transport } = setup();
    factory.last.open();
    const a = transport.subscribe('settings.changed', () => {});
    const b = transport.subscribe('settings.changed', () => {});
    expect(factory.last.framesOf('sub')).toHaveLength(1);
    a();
    expect(factory.last.framesOf('unsub')).toHaveLength(0);
    b();
    expect(factory.last.framesOf('unsub')).toEqual([{ t: 'unsub', stream: 'settings.changed' }]);
  });

  it('stops retrying and reports unauthorized on close code 4401', async () => {
    const { factory, transport, states } = setup();
    const queued = transport.request('session.info', {});
    factory.last.drop(4401, 'bad token');
    await expect(queued).rejects.toMatchObject({ code: 'unauthorized' });
    expect(states.at(-1)).toEqual(['unauthorized', 'bad token']);
    vi.advanceTimersByTime(60_000);
    expect(factory.sockets).toHaveLength(1);
    await expect(transport.request('session.info', {})).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('times out a request that gets no answer', async () => {
    const { factory, transport } = setup(2_000);
    factory.last.open();
    const answer = transport.request('estate.snapshot', {});
    vi.advanceTimersByTime(2_000);
    await expect(answer).rejects.toMatchObject({ code: 'timeout' });
  });

  it('waits longer for a prediction, which rehearses a whole plan, before calling it timed out', async () => {
    const { factory, transport } = setup(2_000);
    factory.last.open();
    let settled = false;
    const answer = transport.request('recovery.predict', { id: 'full-site', type: 'test-failover' });
    answer.then(() => { settled = true; }, () => { settled = true; });
    vi.advanceTimersByTime(2_000);
    await Promise.resolve();
    expect(settled).toBe(false);
    vi.advanceTimersByTime(2_000 * 5);
    await expect(answer).rejects.toMatchObject({ code: 'timeout', message: 'recovery.predict got no answer within 12 s.' });
  });

  it('ignores frames that do not match the wire schema', () => {
    const { factory, transport } = setup();
    const got: unknown[] = [];
    transport.subscribe('estate.patches', (e) => got.push(e));
    factory.last.open();
    factory.last.onmessage?.({ data: 'not json' });
    factory.last.receive({ t: 'evt', body: 1 });
    expect(got).toEqual([]);
  });

  it('close() stops reconnecting and fails what is pending', async () => {
    const { factory, transport, states } = setup();
    factory.last.open();
    const answer = transport.request('estate.snapshot', {});
    transport.close();
    await expect(answer).rejects.toMatchObject({ code: 'disconnected' });
    vi.advanceTimersByTime(60_000);
    expect(factory.sockets).toHaveLength(1);
    expect(states.at(-1)?.[0]).toBe('closed');
  });
});

describe('backoffDelay', () => {
  it('doubles up to the cap, with bounded jitter', () => {
    expect(backoffDelay(1, 500, 15_000, () => 0.5)).toBe(500);
    expect(backoffDelay(3, 500, 15_000, () => 0.5)).toBe(2_000);
    expect(backoffDelay(20, 500, 15_000, () => 1)).toBe(15_000);
    expect(backoffDelay(2, 500, 15_000, () => 0)).toBe(800);
  });
});
