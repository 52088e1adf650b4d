import WebSocket from 'ws';
import { fromWire } from '../shared/contract/channels.ts';
import type { ServedConsole } from './serve-fixture.ts';

type ResponseFrame = { ok: boolean; body?: unknown; error?: { code: string; message: string } };

/**
 * The protocol spoken directly, as a script would: lab controls and checks of what the core reports.
 * Responses come back decoded from their wire form (the estate snapshot travels compact).
 */
export async function connectToCore(served: Pick<ServedConsole, 'operatorUrl'>, link = served.operatorUrl) {
  const url = new URL(link);
  const ws = new WebSocket(`ws://${url.host}/ws?token=${encodeURIComponent(url.searchParams.get('token') ?? '')}`);
  const waits = new Map<number, (frame: ResponseFrame) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { t: string; id: number } & ResponseFrame;
    if (frame.t === 'res') { waits.get(frame.id)?.(frame); waits.delete(frame.id); }
  });
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject); });
  let next = 0;
  return {
    // Typed loosely on purpose: the test asserts on what comes back.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    async call(ch: string, body: unknown): Promise<any> {
      const id = ++next;
      const frame = await new Promise<ResponseFrame>((resolve) => {
        waits.set(id, resolve);
        ws.send(JSON.stringify({ t: 'req', id, ch, body }));
      });
      if (!frame.ok) throw new Error(`${ch}: ${frame.error?.code}: ${frame.error?.message}`);
      return fromWire(ch, frame.body);
    },
    /** The answer as it came: ok with its body, or the error the core gave. */
    async attempt(ch: string, body: unknown): Promise<ResponseFrame> {
      const id = ++next;
      return new Promise<ResponseFrame>((resolve) => {
        waits.set(id, resolve);
        ws.send(JSON.stringify({ t: 'req', id, ch, body }));
      });
    },
    close() { ws.close(); },
  };
}
