import type { SocketLike } from '../transport/websocket-transport.ts';

/** A WebSocket stand-in the tests drive by hand: open it, feed frames, close it with a code. */
export class FakeSocket implements SocketLike {
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: unknown[] = [];
  readonly url: string;
  constructor(url: string) { this.url = url; }

  send(data: string): void { this.sent.push(JSON.parse(data)); }
  close(code = 1000, reason = ''): void { this.drop(code, reason); }

  open(role: 'operator' | 'viewer' = 'operator'): void {
    this.readyState = 1;
    this.onopen?.({});
    this.receive({ t: 'hello', role, version: 'test' });
  }
  receive(frame: unknown): void { this.onmessage?.({ data: JSON.stringify(frame) }); }
  drop(code = 1006, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  framesOf(t: string): Array<Record<string, unknown>> {
    return (this.sent as Array<Record<string, unknown>>).filter((f) => f.t === t);
  }
}

export function socketFactory() {
  const sockets: FakeSocket[] = [];
  return {
    sockets,
    create: (url: string) => { const s = new FakeSocket(url); sockets.push(s); return s; },
    get last(): FakeSocket {
      const s = sockets.at(-1);
      if (!s) throw new Error('no socket opened yet');
      return s;
    },
  };
}
