import { describe, expect, it, vi } from 'vitest';
import type { Client } from '../../shared/contract/client.ts';
import type { Alert } from '../../shared/model/replication.ts';
import { createAlertsStore } from './alerts-store.ts';

function alert(id: string, severity: Alert['severity'], extra: Partial<Alert> = {}): Alert {
  return { id, kind: 'health', severity, vmId: `p:${id}`, vmName: id, message: `${id} is ${severity}`, raisedAt: 1, raisedWallAt: 1, clearedAt: null, acknowledged: null, ...extra };
}

function fakeClient(initial: Alert[]) {
  let listener: ((e: { alerts: Alert[] }) => void) | null = null;
  const request = vi.fn(async (channel: string, body: { ids?: string[] }) => {
    if (channel === 'alerts.list') return { alerts: initial };
    if (channel === 'alerts.acknowledge') {
      if (body.ids?.includes('forbidden')) throw new Error('alerts.acknowledge needs the operator role');
      return { alerts: initial.map((a) => (body.ids!.includes(a.id) ? { ...a, acknowledged: { by: 'me', at: 2 } } : a)) };
    }
    throw new Error(channel);
  });
  const client = { request, subscribe: (_s: string, l: typeof listener) => { listener = l; return () => {}; } } as unknown as Client;
  return { client, push: (alerts: Alert[]) => listener!({ alerts }) };
}

describe('alerts store', () => {
  it('toasts only critical alerts raised after the first list', async () => {
    const { client, push } = fakeClient([alert('old', 'critical')]);
    const store = createAlertsStore(client);
    await vi.waitFor(() => expect(store.store.getState().status).toBe('ready'));
    expect(store.store.getState().toasts).toEqual([]);
    push([alert('old', 'critical'), alert('w', 'warning'), alert('c', 'critical')]);
    expect(store.store.getState().toasts.map((t) => t.id)).toEqual(['c']);
    // A warning escalated to critical toasts too; a cleared one leaves the toasts.
    push([alert('w', 'critical'), alert('c', 'critical', { clearedAt: 5 })]);
    expect(store.store.getState().toasts.map((t) => t.id)).toEqual(['w']);
  });

  it('acknowledges, and keeps the refusal for the view', async () => {
    const { client } = fakeClient([alert('a', 'warning')]);
    const store = createAlertsStore(client);
    await vi.waitFor(() => expect(store.store.getState().status).toBe('ready'));
    expect(await store.acknowledge(['a'])).toBe(true);
    expect(store.store.getState().alerts[0]!.acknowledged?.by).toBe('me');
    expect(await store.acknowledge(['forbidden'])).toBe(false);
    expect(store.store.getState().ackError).toMatch(/operator role/);
  });
});
