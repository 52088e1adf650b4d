import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { channels, toWire } from '../../../shared/contract/channels.ts';
import type { EstateSnapshot } from '../../../shared/model/estate.ts';
import { fakeTransport } from '../../testing/fake-transport.ts';
import { twoSiteEstate } from '../../testing/estate-fixture.ts';
import { LAB_CADENCE_MS, PROBE_MS, STALE_GRACE_MS } from './staleness.ts';
import { CHART_REDRAW_MS } from './liveness-store.ts';
import { createWallServices, type WallServices } from './wall-services.ts';

const summary = (at: number, bits: number) => ({
  at, protectedVms: 3, byHealth: { Normal: 3, Warning: 0, Critical: 0, NotApplicable: 0 }, byTier: [],
  worstLag: null, pendingBytes: 0, wanThroughputBitsPerSec: bits,
});

describe('the wall over a fake core', () => {
  let fake: ReturnType<typeof fakeTransport>;
  let wall: WallServices;
  let estate: EstateSnapshot;
  let seq: number;
  let sessionAnswers: boolean;

  const tick = (ms: number) => vi.advanceTimersByTimeAsync(ms);
  const staleness = () => wall.liveness.store.getState().staleness;
  const patch = (clock: EstateSnapshot['clock'] = estate.clock) => fake.emit('estate.patches', { seq: ++seq, patches: [{ op: 'clock', value: clock }] });

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date', 'performance'] });
    fake = fakeTransport();
    estate = twoSiteEstate(3, 10);
    seq = 10;
    sessionAnswers = true;
    fake.answer('estate.snapshot', () => toWire('estate.snapshot', { ...estate, seq }));
    fake.answer('session.info', () => (sessionAnswers ? { role: 'viewer', version: '0.1.0', backend: 'lab', dataProblems: { problems: [], total: 0 } } : new Promise(() => {})));
    fake.answer('replication.summary', () => summary(estate.clock.now, 1e6));
    wall = createWallServices(fake.transport);
    fake.connect();
    // The fake refuses requests until connected, where the real transport holds them: ask again.
    await wall.services.estate.resync();
  });
  afterEach(() => {
    wall.dispose();
    vi.useRealTimers();
  });

  it('is stale until the estate is loaded and an update has come, then fresh', async () => {
    expect(staleness().stale).toBe(true);
    patch();
    await tick(1_000);
    expect(wall.services.estate.store.getState().status).toBe('ready');
    expect(staleness()).toEqual({ stale: false });
    expect(wall.liveness.store.getState().lastUpdateWallAt).toBe(Date.now() - 1_000);
    expect(wall.liveness.store.getState().tickAt).toBe(performance.now());
  });

  it('goes stale a few seconds beyond the cadence without an update, and says for how long', async () => {
    patch();
    await tick(LAB_CADENCE_MS + STALE_GRACE_MS);
    expect(staleness().stale).toBe(false);
    await tick(1_000);
    expect(staleness()).toMatchObject({ stale: true, reason: 'silent' });
    await tick(5_000);
    expect(staleness()).toMatchObject({ stale: true, reason: 'silent', silentMs: LAB_CADENCE_MS + STALE_GRACE_MS + 6_000 });
    patch();
    await tick(1_000);
    expect(staleness()).toEqual({ stale: false });
  });

  it('is stale at once when the connection drops, and fresh again after the reconnect resync', async () => {
    patch();
    await tick(1_000);
    fake.drop();
    expect(staleness()).toMatchObject({ stale: true, reason: 'disconnected' });
    estate = { ...estate, clock: { ...estate.clock, now: estate.clock.now + 60_000 } };
    fake.restore();
    await tick(0);
    patch();
    await tick(1_000);
    expect(staleness()).toEqual({ stale: false });
    expect(wall.services.estate.store.getState().snapshot?.clock.now).toBe(estate.clock.now);
  });

  it('with the lab paused, a probe every few seconds keeps it fresh while the core answers, and stale when it stops', async () => {
    const paused = { ...estate.clock, speed: 0 };
    estate = { ...estate, clock: paused };
    await wall.services.estate.resync();
    patch(paused);
    await tick(PROBE_MS + STALE_GRACE_MS + 10_000);
    expect(staleness()).toEqual({ stale: false });
    sessionAnswers = false;
    await tick(2 * PROBE_MS + STALE_GRACE_MS);
    expect(staleness()).toMatchObject({ stale: true, reason: 'silent' });
  });

  it('keeps an hour of WAN throughput from the summary stream, bounded', async () => {
    const t0 = estate.clock.now;
    for (let i = 0; i < 2_000; i++) fake.emit('replication.summary', summary(t0 + i * 10_000, i));
    await tick(CHART_REDRAW_MS);
    const points = wall.liveness.store.getState().throughput;
    expect(points.length).toBe(121);
    expect(points.at(-1)).toEqual({ t: t0 + 1_999 * 10_000 - ((t0 + 1_999 * 10_000) % 30_000), value: 1_999 });
  });

  it('redraws the WAN chart at most every few seconds however fast the lab runs, and never drops the newest point', async () => {
    const t0 = estate.clock.now - (estate.clock.now % 30_000);
    const drawn: unknown[] = [];
    const off = wall.liveness.store.subscribe((s, prev) => { if (s.throughput !== prev.throughput) drawn.push(s.throughput); });
    // 600×: a 30-second bucket every 50 ms of wall time, for 10 seconds.
    for (let i = 0; i < 200; i++) {
      fake.emit('replication.summary', summary(t0 + i * 30_000, i));
      await tick(50);
    }
    await tick(CHART_REDRAW_MS);
    off();
    expect(drawn.length).toBeGreaterThanOrEqual(2);
    expect(drawn.length).toBeLessThanOrEqual(1 + Math.ceil((10_000 + CHART_REDRAW_MS) / CHART_REDRAW_MS));
    expect(wall.liveness.store.getState().throughput.at(-1)).toEqual({ t: t0 + 199 * 30_000, value: 199 });
  });

  it('draws the core\'s last hour at once after a reconnect, then follows the stream', async () => {
    const t0 = estate.clock.now - (estate.clock.now % 30_000);
    fake.emit('replication.summary', summary(t0 - 3_600_000, 5));
    fake.answer('replication.wanHistory', () => ({ bucketMs: 30_000, points: [{ t: t0 - 60_000, bitsPerSec: 1 }, { t: t0 - 30_000, bitsPerSec: 2 }] }));
    fake.drop();
    fake.restore();
    await tick(0);
    fake.emit('replication.summary', summary(t0, 3));
    await tick(CHART_REDRAW_MS);
    expect(wall.liveness.store.getState().throughput).toEqual([{ t: t0 - 60_000, value: 1 }, { t: t0 - 30_000, value: 2 }, { t: t0, value: 3 }]);
  });

  it('never sends an operate channel, whatever asks for one', async () => {
    const sent: string[] = [];
    const request = fake.transport.request.bind(fake.transport);
    fake.transport.request = (channel, payload) => { sent.push(channel); return request(channel, payload); };
    const operate = Object.entries(channels).filter(([, def]) => def.access === 'operate').map(([name]) => name);
    for (const channel of operate) {
      await expect(wall.services.transport.request(channel, {})).rejects.toMatchObject({ code: 'forbidden' });
    }
    await expect(wall.services.client.request('settings.update', { theme: 'dark' })).rejects.toMatchObject({ code: 'forbidden' });
    expect(sent).toEqual([]);
  });
});
