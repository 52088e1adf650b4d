import { isStreamName, toWire, type StreamName } from '../../shared/contract/channels.ts';
import { ContractError, type ContractErrorData } from '../../shared/contract/errors.ts';
import type { Core } from './core.ts';
import type { CallContext } from './dispatcher.ts';
import { pacedListener } from './paced-delivery.ts';
import type { LoggerPort } from './ports.ts';

/** What a transport frames for one request: the wire form of the answer, or an error a person may read. */
export type EnvelopeResult = { ok: true; body: unknown } | { ok: false; error: ContractErrorData };

/** Said for every failure that is not a ContractError: its own text stays in the console's log. */
export const INTERNAL_ERROR_MESSAGE = 'The console failed to handle this request; details are in its log.';

/**
 * One connected renderer (an Electron window, a browser tab) as the core sees it: who it is, its
 * requests and its stream subscriptions. The transports (IPC bridge, WebSocket session) only frame
 * what this returns, so both answer alike.
 */
export interface ClientSession {
  /** Request → result. Never throws: role, schema and handler failures come back as `ok: false`. */
  request(channel: string, body: unknown): Promise<EnvelopeResult>;
  /**
   * False when there is no such stream; subscribing twice to one stream delivers once. `everyMs`
   * asks for the stream at most that often, events in between combined (see paced-delivery.ts).
   */
  subscribe(stream: unknown, deliver: (stream: StreamName, event: unknown) => void, options?: { everyMs?: number }): boolean;
  unsubscribe(stream: unknown): void;
  /** Ends every subscription (the window closed, the socket dropped). */
  close(): void;
}

/**
 * The error policy, once for both transports: a ContractError crosses intact (its message was
 * written for the operator); anything else is logged here with its stack and reaches the renderer
 * only as INTERNAL_ERROR_MESSAGE. The role check is the dispatcher's, inside `core.handle`.
 */
export function openClientSession(core: Pick<Core, 'handle' | 'subscribe'>, caller: CallContext, logger: LoggerPort): ClientSession {
  const subscriptions = new Map<StreamName, () => void>();
  return {
    async request(channel, body) {
      try {
        // Encoded inside the try: a body the wire form refuses is reported like any failure.
        return { ok: true, body: toWire(channel, await core.handle(channel, body, caller)) };
      } catch (error) {
        if (error instanceof ContractError) return { ok: false, error: error.toData() };
        logger.error(`${String(channel).slice(0, 100)} failed inside the core`, { actor: caller.actor, error: String((error as Error | undefined)?.stack ?? error) });
        return { ok: false, error: { code: 'internal', message: INTERNAL_ERROR_MESSAGE } };
      }
    },
    subscribe(stream, deliver, options = {}) {
      if (!isStreamName(stream)) return false;
      if (subscriptions.has(stream)) return true;
      const paced = options.everyMs ? pacedListener(stream, options.everyMs, (event) => deliver(stream, event)) : null;
      if (!paced) {
        subscriptions.set(stream, core.subscribe(stream, (event) => deliver(stream, event)));
        return true;
      }
      const off = core.subscribe(stream, paced.listener);
      subscriptions.set(stream, () => { off(); paced.stop(); });
      return true;
    },
    unsubscribe(stream) {
      if (!isStreamName(stream)) return;
      subscriptions.get(stream)?.();
      subscriptions.delete(stream);
    },
    close() {
      for (const unsubscribe of subscriptions.values()) unsubscribe();
      subscriptions.clear();
    },
  };
}
