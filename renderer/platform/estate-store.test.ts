import { describe, expect, it, vi } from 'vitest';
import type { Client } from '../../shared/contract/client.ts';
import { ContractError } from '../../shared/contract/errors.ts';
import type { EstateSnapshot, PatchBatch } from '../../shared/model/estate.ts';
import { twoSiteEstate } from '../testing/estate-fixture.ts';
import { applyBatches } from '../../shared/model/apply-patches.ts';
import { createEstateStore } from './estate-store.ts';

/** A client whose snapshot answers the test releases by hand, and whose patch stream it drives. */
function fakeClient() {
  const listeners = new Set<(b: PatchBatch) => void>();
  const answers: Array<{ resolve: (s: EstateSnapshot) => void; reject: (e: unknown) => void }> = [];
  const order: string[] = [];
  const client: Client = {
    request: ((channel: string) => {
      order.push(`request ${channel}`);
      return new Promise((resolve, reject) => answers.push({ resolve: resolve as (s: EstateSnapshot) => void, reject }));
    }) as Client['request'],
    subscribe: ((stream: string, listener: (b: PatchBatch) => void) => {
      order.push(`subscribe ${stream}`);
      listeners.add(listener);
      return () => listeners.delete(listener);
    }) as Client['subscribe'],
  };
  return {
    client, order, answers,
    emit: (batch: PatchBatch) => { for (const l of listeners) l(batch); },
    get listenerCount() { return listeners.size; },
  };
}

const rename = (seq: number, id: string, name: string): PatchBatch => ({ seq, patches: [{ op: 'merge', kind: 'vm', id, value: { name } }] });
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('estate store', () => {
  it('subscribes to patches before it asks for the snapshot', () => {
    const fake = fakeClient();
    createEstateStore(fake.client).start();
    expect(fake.order).toEqual(['subscribe estate.patches', 'request estate.snapshot']);
  });

  it('buffers batches until the snapshot arrives, then applies only newer ones in seq order', async () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client);
    estate.start();
    fake.emit(rename(12, 'p0', 'twelve'));
    fake.emit(rename(9, 'p0', 'nine'));       // older than the snapshot: already folded in
    fake.emit(rename(11, 'p0', 'eleven'));    // arrived out of order
    expect(estate.store.getState().snapshot).toBeNull();
    fake.answers[0]?.resolve(twoSiteEstate(3, 10));
    await flush();
    const s = estate.store.getState();
    expect(s.status).toBe('ready');
    expect(s.snapshot?.seq).toBe(12);
    expect(s.snapshot?.vms.p0?.name).toBe('twelve');
  });

  it('applies live batches after the snapshot and drops stale or repeated ones', async () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client);
    estate.start();
    fake.answers[0]?.resolve(twoSiteEstate(3, 5));
    await flush();
    fake.emit(rename(6, 'p1', 'six'));
    fake.emit(rename(6, 'p1', 'again'));
    fake.emit(rename(4, 'p1', 'old'));
    expect(estate.store.getState().snapshot?.vms.p1?.name).toBe('six');
    expect(estate.store.getState().snapshot?.seq).toBe(6);
  });

  it('keeps the identity of untouched tables and entities', async () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client);
    estate.start();
    fake.answers[0]?.resolve(twoSiteEstate(3, 1));
    await flush();
    const before = estate.store.getState().snapshot!;
    fake.emit(rename(2, 'p1', 'renamed'));
    const after = estate.store.getState().snapshot!;
    expect(after).not.toBe(before);
    expect(after.hosts).toBe(before.hosts);
    expect(after.sites).toBe(before.sites);
    expect(after.vms).not.toBe(before.vms);
    expect(after.vms.p0).toBe(before.vms.p0);
    expect(after.vms.p1).not.toBe(before.vms.p1);
  });

  it('records when the clock moved, so views can extrapolate', async () => {
    let t = 100;
    const fake = fakeClient();
    const estate = createEstateStore(fake.client, { now: () => t });
    estate.start();
    fake.answers[0]?.resolve(twoSiteEstate(1, 1));
    await flush();
    t = 200;
    fake.emit(rename(2, 'p0', 'x'));
    expect(estate.store.getState().clockReceivedAt).toBe(100);
    t = 300;
    fake.emit({ seq: 3, patches: [{ op: 'clock', value: { source: 'lab', now: 1, speed: 60 } }] });
    expect(estate.store.getState().clockReceivedAt).toBe(300);
  });

  it('on resync keeps showing the old estate, then replaces it and re-buffers meanwhile', async () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client);
    estate.start();
    fake.answers[0]?.resolve(twoSiteEstate(3, 5));
    await flush();
    const resync = estate.resync();
    expect(estate.store.getState().status).toBe('resyncing');
    fake.emit(rename(21, 'p2', 'after reconnect'));
    expect(estate.store.getState().snapshot?.seq).toBe(5);
    fake.answers[1]?.resolve(twoSiteEstate(3, 20));
    await resync;
    expect(estate.store.getState().snapshot?.seq).toBe(21);
    expect(estate.store.getState().snapshot?.vms.p2?.name).toBe('after reconnect');
    expect(fake.listenerCount).toBe(1);
  });

  it('ignores a snapshot answer overtaken by a newer resync', async () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client);
    estate.start();
    const second = estate.resync();
    fake.answers[1]?.resolve(twoSiteEstate(1, 30));
    await second;
    fake.answers[0]?.resolve(twoSiteEstate(1, 3));
    await flush();
    expect(estate.store.getState().snapshot?.seq).toBe(30);
  });

  it('reports a failed load and retries it', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeClient();
      const estate = createEstateStore(fake.client, { retryDelayMs: 1_000 });
      estate.start();
      fake.answers[0]?.reject(new ContractError('timeout', 'estate.snapshot got no answer'));
      await vi.advanceTimersByTimeAsync(0);
      expect(estate.store.getState()).toMatchObject({ status: 'error', error: expect.stringContaining('no answer') });
      fake.emit(rename(1, 'p0', 'ignored while stale'));
      await vi.advanceTimersByTimeAsync(1_000);
      expect(fake.answers).toHaveLength(2);
      fake.answers[1]?.resolve(twoSiteEstate(1, 2));
      await vi.advanceTimersByTimeAsync(0);
      expect(estate.store.getState()).toMatchObject({ status: 'ready', error: null });
      estate.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops listening when disposed', () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client);
    estate.start();
    estate.dispose();
    expect(fake.listenerCount).toBe(0);
  });
});

describe('estate store structure and coalescing', () => {
  it('bumps structureVersion for added, removed, renamed or moved entities only', async () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client);
    estate.start();
    fake.answers[0]?.resolve(twoSiteEstate(2, 1));
    await flush();
    const v0 = estate.store.getState().structureVersion;
    fake.emit({ seq: 2, patches: [{ op: 'merge', kind: 'vm', id: 'p0', value: { state: 'Off' } }] });
    fake.emit({ seq: 3, patches: [{ op: 'put', kind: 'vm', value: { ...estate.store.getState().snapshot!.vms.p1!, heartbeat: 'NoContact' } }] });
    expect(estate.store.getState().structureVersion).toBe(v0);
    fake.emit({ seq: 4, patches: [{ op: 'merge', kind: 'vm', id: 'p0', value: { hostId: 'b1' } }] });
    expect(estate.store.getState().structureVersion).toBe(v0 + 1);
    fake.emit({ seq: 5, patches: [{ op: 'remove', kind: 'vm', id: 'p1' }] });
    expect(estate.store.getState().structureVersion).toBe(v0 + 2);
  });

  it('applies batches that arrive within applyIntervalMs together, in order', async () => {
    vi.useFakeTimers();
    try {
      let t = 0;
      const fake = fakeClient();
      const estate = createEstateStore(fake.client, { applyIntervalMs: 500, now: () => t });
      estate.start();
      fake.answers[0]?.resolve(twoSiteEstate(2, 1));
      await vi.advanceTimersByTimeAsync(0);
      const updates: number[] = [];
      estate.store.subscribe((s) => updates.push(s.snapshot!.seq));
      fake.emit(rename(2, 'p0', 'a'));          // first one goes at once
      fake.emit(rename(3, 'p0', 'b'));
      fake.emit(rename(4, 'p0', 'c'));
      expect(updates).toEqual([2]);
      t = 500;
      await vi.advanceTimersByTimeAsync(500);
      expect(updates).toEqual([2, 4]);
      expect(estate.store.getState().snapshot?.vms.p0?.name).toBe('c');
      estate.dispose();
    } finally {
      vi.useRealTimers();
    }
  });
  it('applies to a big estate a slice of the VM table per task, with the same result as one apply', async () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client, { sliceVmsAbove: 10, sliceSize: 7 });
    estate.start();
    const start = twoSiteEstate(12, 1);
    fake.answers[0]?.resolve(start);
    await flush();
    const before = estate.store.getState().snapshot!;
    const ids = Object.keys(before.vms);
    expect(ids.length).toBeGreaterThan(20);
    const batches: PatchBatch[] = [
      rename(2, ids[0]!, 'renamed'),
      { seq: 3, patches: [{ op: 'remove', kind: 'vm', id: ids[1]! }, { op: 'clock', value: { ...before.clock, now: before.clock.now + 5000 } }] },
      { seq: 4, patches: [{ op: 'put', kind: 'vm', value: { ...before.vms[ids[2]!]!, id: 'new-vm', name: 'new' } }, { op: 'merge', kind: 'host', id: 'a1', value: { cpuUsagePct: 42 } }] },
    ];
    for (const b of batches) fake.emit(b);
    // Sliced: nothing is committed within the task that received the batch.
    expect(estate.store.getState().snapshot).toBe(before);
    for (let i = 0; i < 10; i++) await flush();
    const after = estate.store.getState().snapshot!;
    expect(after).toEqual(applyBatches(before, batches));
    expect(after.seq).toBe(4);
    // Structural sharing holds: an untouched VM keeps its identity, a renamed one is new.
    expect(after.vms[ids[5]!]).toBe(before.vms[ids[5]!]);
    expect(after.vms[ids[0]!]).not.toBe(before.vms[ids[0]!]);
    expect(estate.store.getState().structureVersion).toBeGreaterThan(1);
  });

  it('drops a sliced apply overtaken by a resync, and applies what came after the fresh snapshot', async () => {
    const fake = fakeClient();
    const estate = createEstateStore(fake.client, { sliceVmsAbove: 10, sliceSize: 5 });
    estate.start();
    fake.answers[0]?.resolve(twoSiteEstate(12, 1));
    await flush();
    const id = Object.keys(estate.store.getState().snapshot!.vms)[0]!;
    fake.emit(rename(2, id, 'stale copy'));
    const resync = estate.resync();
    fake.answers[1]?.resolve(twoSiteEstate(12, 5));
    await resync;
    for (let i = 0; i < 10; i++) await flush();
    expect(estate.store.getState().snapshot!.seq).toBe(5);
    expect(estate.store.getState().snapshot!.vms[id]!.name).not.toBe('stale copy');
    fake.emit(rename(6, id, 'after'));
    for (let i = 0; i < 10; i++) await flush();
    expect(estate.store.getState().snapshot!.vms[id]!.name).toBe('after');
  });
});
