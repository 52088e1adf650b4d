import { describe, expect, it } from 'vitest';
import type { BridgeResult, PreloadBridge } from '../../shared/contract/transport.ts';
import { createIpcTransport } from './ipc-transport.ts';

function fakeBridge(answer: (channel: string, payload: unknown) => BridgeResult) {
  const listeners = new Map<string, Set<(e: unknown) => void>>();
  let onCalls = 0;
  const bridge: PreloadBridge = {
    invoke: async (channel, payload) => answer(channel, payload),
    on(stream, listener) {
      onCalls += 1;
      let set = listeners.get(stream);
      if (!set) listeners.set(stream, (set = new Set()));
      set.add(listener);
      return () => { set.delete(listener); };
    },
  };
  return {
    bridge,
    emit: (stream: string, event: unknown) => { for (const l of listeners.get(stream) ?? []) l(event); },
    count: (stream: string) => listeners.get(stream)?.size ?? 0,
    get onCalls() { return onCalls; },
  };
}

describe('ipc transport', () => {
  it('resolves ok results with their body', async () => {
    const fake = fakeBridge((ch) => ({ ok: true, body: { ch } }));
    await expect(createIpcTransport(fake.bridge).request('session.info', {})).resolves.toEqual({ ch: 'session.info' });
  });

  it('rejects error results as ContractError, and unknown codes as internal', async () => {
    const forbidden = fakeBridge(() => ({ ok: false, error: { code: 'forbidden', message: 'no' } }));
    await expect(createIpcTransport(forbidden.bridge).request('settings.update', {})).rejects.toMatchObject({ name: 'ContractError', code: 'forbidden' });
    const odd = fakeBridge(() => ({ ok: false, error: { code: 'weird', message: 'odd' } }));
    await expect(createIpcTransport(odd.bridge).request('x', {})).rejects.toMatchObject({ code: 'internal', message: 'odd' });
  });

  it('shares one bridge listener per stream and releases it with the last subscriber', () => {
    const fake = fakeBridge(() => ({ ok: true, body: null }));
    const transport = createIpcTransport(fake.bridge);
    const got: unknown[] = [];
    const a = transport.subscribe('estate.patches', (e) => got.push(['a', e]));
    const b = transport.subscribe('estate.patches', (e) => got.push(['b', e]));
    expect(fake.onCalls).toBe(1);
    fake.emit('estate.patches', 1);
    expect(got).toEqual([['a', 1], ['b', 1]]);
    a();
    expect(fake.count('estate.patches')).toBe(1);
    b();
    expect(fake.count('estate.patches')).toBe(0);
  });

  it('reports connected at once and closed after close()', () => {
    const transport = createIpcTransport(fakeBridge(() => ({ ok: true, body: null })).bridge);
    const states: string[] = [];
    transport.onStateChange((s) => states.push(s));
    transport.close();
    expect(states).toEqual(['connected', 'closed']);
  });
});
