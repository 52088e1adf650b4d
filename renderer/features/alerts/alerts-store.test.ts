import { describe, expect, it, vi } from 'vitest';
import type { Client } from '../../../shared/contract/client.ts';
import type { Alert, AlertChanges, AlertList } from '../../../shared/model/replication.ts';
import { createAlertsStore } from './alerts-store.ts';

function alert(id: string, severity: Alert['severity'], extra: Partial<Alert> = {}): Alert {
  return { id, kind: 'health', severity, vmId: `p:${id}`, vmName: id, tier: 1, message: `${id} is ${severity}`, raisedAt: 1, raisedWallAt: 1, clearedAt: null, acknowledged: null, incidentId: null, delivery: [], ...extra };
}

/** A core with an alert list at `seq`; the test pushes changes and decides when a list request answers. */
function fakeCore(initial: Alert[], initialSeq = 0) {
  let listener: ((e: AlertChanges) => void) | null = null;
  let list: AlertList = { alerts: initial, seq: initialSeq };
  let hold: Promise<void> | null = null;
  const request = vi.fn(async (channel: string, body: { ids?: string[] }) => {
    if (channel === 'alerts.list') {
      const answer = list;
      if (hold) await hold;
      return answer;
    }
    if (channel === 'alerts.acknowledge') {
      if (body.ids?.includes('forbidden')) throw new Error('alerts.acknowledge needs the operator role');
      list = { alerts: list.alerts.map((a) => (body.ids!.includes(a.id) ? { ...a, acknowledged: { by: 'me', at: 2 } } : a)), seq: list.seq + 1 };
      return list;
    }
    throw new Error(channel);
  });
  const client = { request, subscribe: (_s: string, l: typeof listener) => { listener = l; return () => {}; } } as unknown as Client;
  /** A change as the core numbers it; the core's own list follows. */
  const push = (changed: Alert[], removed: string[] = []) => {
    const byId = new Map(list.alerts.map((a) => [a.id, a]));
    for (const a of changed) byId.set(a.id, a);
    for (const id of removed) byId.delete(id);
    list = { alerts: [...byId.values()], seq: list.seq + 1 };
    listener!({ seq: list.seq, changed, removed });
  };
  const skip = () => { list = { ...list, seq: list.seq + 1 }; };
  return { client, request, push, skip, holdLists: () => { let release!: () => void; hold = new Promise((r) => { release = r; }); return () => { hold = null; release(); }; } };
}

const ids = (s: ReturnType<typeof createAlertsStore>) => s.store.getState().alerts.map((a) => `${a.id}:${a.severity}`).sort();

describe('alerts store', () => {
  it('toasts only critical alerts raised after the first list', async () => {
    const core = fakeCore([alert('old', 'critical')]);
    const store = createAlertsStore(core.client);
    await vi.waitFor(() => expect(store.store.getState().status).toBe('ready'));
    expect(store.store.getState().toasts).toEqual([]);
    core.push([alert('w', 'warning'), alert('c', 'critical')]);
    expect(store.store.getState().toasts.map((t) => t.id)).toEqual(['c']);
    // A warning escalated to critical toasts too; a cleared one leaves the toasts.
    core.push([alert('w', 'critical'), alert('c', 'critical', { clearedAt: 5 })]);
    expect(store.store.getState().toasts.map((t) => t.id)).toEqual(['w']);
    expect(ids(store)).toEqual(['c:critical', 'old:critical', 'w:critical']);
  });

  it('toasts the incident, not the VM alerts filed under it; a toast of a VM alert goes once an incident explains it', async () => {
    const core = fakeCore([]);
    const store = createAlertsStore(core.client);
    await vi.waitFor(() => expect(store.store.getState().status).toBe('ready'));
    core.push([alert('early', 'critical')]);
    expect(store.store.getState().toasts.map((t) => t.id)).toEqual(['early']);
    core.push([alert('wan', 'critical', { kind: 'wan-link', tier: null }), alert('early', 'critical', { incidentId: 'wan' }), alert('late', 'critical', { incidentId: 'wan' })]);
    expect(store.store.getState().toasts.map((t) => t.id)).toEqual(['wan']);
  });

  it('applies changes by id, and drops alerts that fell off the list', async () => {
    const core = fakeCore([alert('a', 'warning'), alert('b', 'warning')], 4);
    const store = createAlertsStore(core.client);
    await vi.waitFor(() => expect(store.store.getState().status).toBe('ready'));
    core.push([alert('c', 'warning', { raisedAt: 9 })], ['a']);
    expect(store.store.getState().alerts.map((a) => a.id)).toEqual(['c', 'b']);
  });

  it('holds changes that arrive before the list, and drops those the list already includes', async () => {
    const core = fakeCore([alert('a', 'warning')], 10);
    const release = core.holdLists();
    const store = createAlertsStore(core.client);
    core.push([alert('b', 'warning')]);
    // The list was read at seq 10; changes 11 and 12 arrive while it travels.
    core.push([alert('a', 'critical')]);
    release();
    await vi.waitFor(() => expect(store.store.getState().status).toBe('ready'));
    expect(ids(store)).toEqual(['a:critical', 'b:warning']);
    expect(core.request).toHaveBeenCalledTimes(1);
  });

  it('reloads the list when a change is missing, instead of showing a list with a hole', async () => {
    const core = fakeCore([alert('a', 'warning')]);
    const store = createAlertsStore(core.client);
    await vi.waitFor(() => expect(store.store.getState().status).toBe('ready'));
    core.skip();
    core.push([alert('b', 'warning')]);
    await vi.waitFor(() => expect(core.request).toHaveBeenCalledTimes(2));
    await vi.waitFor(() => expect(ids(store)).toEqual(['a:warning', 'b:warning']));
  });

  it('acknowledges, and keeps the refusal for the view', async () => {
    const core = fakeCore([alert('a', 'warning')]);
    const store = createAlertsStore(core.client);
    await vi.waitFor(() => expect(store.store.getState().status).toBe('ready'));
    expect(await store.acknowledge(['a'])).toBe(true);
    expect(store.store.getState().alerts[0]!.acknowledged?.by).toBe('me');
    expect(await store.acknowledge(['forbidden'])).toBe(false);
    expect(store.store.getState().ackError).toMatch(/operator role/);
  });
});
