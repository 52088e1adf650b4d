import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/**
 * A WebSocket client written on a bare TCP socket (RFC 6455: the upgrade, masked text frames), so
 * a test can stop reading entirely: the `ws` package resumes a paused socket by itself, a hostile
 * or frozen client does not.
 */
export interface RawWsClient {
  socket: Socket;
  send(text: string): void;
  /** Stops reading: whatever the server sends waits in its buffers. */
  stopReading(): void;
}

export function rawWsClient(port: number, path: string, headers: Record<string, string> = {}): Promise<RawWsClient> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('error', reject);
    socket.once('connect', () => {
      const key = randomBytes(16).toString('base64');
      const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13',
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      let head = '';
      const onData = (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (!head.includes('\r\n\r\n')) return;
        socket.off('data', onData);
        if (!head.startsWith('HTTP/1.1 101')) { reject(new Error(head.split('\r\n')[0])); return; }
        resolve({
          socket,
          send: (text) => socket.write(frame(Buffer.from(text, 'utf8'))),
          stopReading: () => { socket.pause(); },
        });
      };
      socket.on('data', onData);
    });
  });
}

/** One masked text frame, as a client must send it. */
function frame(payload: Buffer): Buffer {
  const mask = randomBytes(4);
  const length = payload.length;
  const header = length < 126 ? Buffer.from([0x81, 0x80 | length])
    : length < 65536 ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
      : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), (() => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(length)); return b; })()]);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i % 4]!;
  return Buffer.concat([header, mask, masked]);
}
