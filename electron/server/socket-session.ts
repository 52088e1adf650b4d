import type { WebSocket } from 'ws';
import type { Role } from '../../shared/contract/channels.ts';
import { describeZodError } from '../../shared/contract/errors.ts';
import { ClientFrameSchema, type ServerFrame } from '../../shared/contract/wire.ts';
import type { Core } from '../core/core.ts';
import type { LoggerPort } from '../core/ports.ts';
import { openClientSession } from '../core/request-envelope.ts';
import { STANDBY_VERSION } from '../core/version.ts';

/**
 * A client that stays this far behind for this long is better served by reconnecting and taking a
 * fresh snapshot. Both, because one big snapshot response legitimately fills the buffer for a while.
 */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;
const MAX_BEHIND_MS = 20_000;
const CLOSE_TRY_AGAIN_LATER = 1013;
const CLOSE_PROTOCOL_ERROR = 1008;

/**
 * One browser connection: frames in and out, requests answered in any order. Who may do what, what
 * a request answers and which errors keep their text is the core's request envelope (a viewer is
 * refused operate channels there, before any handler sees the request); this only frames.
 */
export function runSocketSession(socket: WebSocket, core: Core, role: Role, actor: string, logger: LoggerPort): void {
  const session = openClientSession(core, { role, actor }, logger);
  let behindSince: number | null = null;
  const send = (frame: ServerFrame) => {
    if (socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      const now = Date.now();
      behindSince ??= now;
      if (now - behindSince > MAX_BEHIND_MS) {
        logger.warn(`Closing a connection that stayed ${socket.bufferedAmount} bytes behind for ${MAX_BEHIND_MS / 1000} s`, { actor });
        socket.close(CLOSE_TRY_AGAIN_LATER, 'Too far behind; reconnect for a fresh snapshot');
        return;
      }
    } else {
      behindSince = null;
    }
    socket.send(JSON.stringify(frame));
  };
  let badFrames = 0;
  const refuseFrame = (message: string) => {
    badFrames += 1;
    logger.warn(`Bad frame from ${actor}: ${message}`);
    if (badFrames > 20) socket.close(CLOSE_PROTOCOL_ERROR, 'Too many malformed messages');
  };

  send({ t: 'hello', role, version: STANDBY_VERSION });

  socket.on('message', (data, isBinary) => {
    if (isBinary) return refuseFrame('binary frames are not part of the protocol');
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      return refuseFrame('not JSON');
    }
    const parsed = ClientFrameSchema.safeParse(json);
    if (!parsed.success) {
      const id = typeof (json as { id?: unknown })?.id === 'number' ? (json as { id: number }).id : null;
      const { message, where } = describeZodError(parsed.error);
      if (id !== null) send({ t: 'res', id, ok: false, error: { code: 'bad-request', message: `Malformed request: ${message}`, where } });
      return refuseFrame(message);
    }
    const frame = parsed.data;
    switch (frame.t) {
      case 'req': {
        void session.request(frame.ch, frame.body).then((result) => send({ t: 'res', id: frame.id, ...result }));
        return;
      }
      case 'sub': {
        if (!session.subscribe(frame.stream, (stream, body) => send({ t: 'evt', stream, body }))) return refuseFrame(`unknown stream ${frame.stream.slice(0, 100)}`);
        return;
      }
      case 'unsub': {
        session.unsubscribe(frame.stream);
        return;
      }
    }
  });

  socket.on('close', () => session.close());
  socket.on('error', (error) => logger.warn(`Connection error from ${actor}: ${error.message}`));
}
