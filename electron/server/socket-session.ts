import type { WebSocket } from 'ws';
import type { Role } from '../../shared/contract/channels.ts';
import { describeZodError } from '../../shared/contract/errors.ts';
import { ClientFrameSchema, type ServerFrame } from '../../shared/contract/wire.ts';
import type { Core } from '../core/core.ts';
import type { LoggerPort } from '../core/ports.ts';
import { openClientSession } from '../core/request-envelope.ts';
import { STANDBY_VERSION } from '../core/version.ts';
import { CONNECTION_LIMITS, guardedSender, keepAlive, type ConnectionLimits } from './connection-limits.ts';

const CLOSE_PROTOCOL_ERROR = 1008;

/** A stream event goes to every subscribed connection as the same object: serialized once for all of them. */
const eventFrames = new WeakMap<object, string>();
function eventFrame(stream: string, body: unknown): string {
  if (typeof body !== 'object' || body === null) return JSON.stringify({ t: 'evt', stream, body } satisfies ServerFrame);
  let text = eventFrames.get(body);
  if (text === undefined) {
    text = JSON.stringify({ t: 'evt', stream, body } satisfies ServerFrame);
    eventFrames.set(body, text);
  }
  return text;
}

/**
 * One browser connection: frames in and out, requests answered in any order. Who may do what, what
 * a request answers and which errors keep their text is the core's request envelope (a viewer is
 * refused operate channels there, before any handler sees the request); this only frames.
 */
export function runSocketSession(socket: WebSocket, core: Core, role: Role, actor: string, logger: LoggerPort, limits: ConnectionLimits = CONNECTION_LIMITS): void {
  const session = openClientSession(core, { role, actor }, logger);
  const sendText = guardedSender(socket, limits, logger, actor);
  const send = (frame: ServerFrame) => { sendText(JSON.stringify(frame)); };
  const stopPings = keepAlive(socket, limits, logger, actor);
  let inFlight = 0;
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
        if (inFlight >= limits.maxInFlight) {
          send({ t: 'res', id: frame.id, ok: false, error: { code: 'invalid-state', message: `${limits.maxInFlight} requests of this connection are still being answered; wait for them before sending more.` } });
          return;
        }
        inFlight += 1;
        void session.request(frame.ch, frame.body).then((result) => {
          inFlight -= 1;
          send({ t: 'res', id: frame.id, ...result });
        });
        return;
      }
      case 'sub': {
        const paced = frame.everyMs === undefined ? {} : { everyMs: frame.everyMs };
        if (!session.subscribe(frame.stream, (stream, body) => sendText(eventFrame(stream, body)), paced)) return refuseFrame(`unknown stream ${frame.stream.slice(0, 100)}`);
        return;
      }
      case 'unsub': {
        session.unsubscribe(frame.stream);
        return;
      }
    }
  });

  socket.on('close', () => { stopPings(); session.close(); });
  socket.on('error', (error) => logger.warn(`Connection error from ${actor}: ${error.message}`));
}
