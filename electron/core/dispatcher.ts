import {
  channels, isChannelName, roleMayCall,
  type ChannelName, type ParsedRequestOf, type ResponseOf, type Role,
} from '../../shared/contract/channels.ts';
import { ContractError, describeZodError } from '../../shared/contract/errors.ts';

export interface CallContext {
  role: Role;
  /** Who is calling, for the audit log: an OS user, or "browser 127.0.0.1" for the server. */
  actor: string;
}

export type Handlers = {
  [C in ChannelName]: (request: ParsedRequestOf<C>, ctx: CallContext) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

export type Dispatch = (channel: string, body: unknown, ctx: CallContext) => Promise<unknown>;

export interface DispatchOptions {
  /**
   * Runs after every handler, before its answer leaves: makes what the handler journaled (its audit
   * records) durable. When it throws, a request that succeeded fails with its error instead.
   */
  settle?: () => void;
}

/**
 * The one entrance to the core. Unknown channels, viewers calling operate channels and requests
 * that do not match the contract are refused here, before any handler sees them.
 */
export function createDispatcher(handlers: Handlers, options: DispatchOptions = {}): Dispatch {
  const settle = options.settle ?? (() => {});
  return async (channel, body, ctx) => {
    if (!isChannelName(channel)) {
      throw new ContractError('unknown-channel', `There is no channel named "${String(channel).slice(0, 200)}".`);
    }
    const def = channels[channel];
    if (!roleMayCall(ctx.role, def.access)) {
      throw new ContractError('forbidden', def.access === 'attest'
        ? `${channel} records a sign-off, and this console is connected read-only (viewer); a signer or an operator may give it.`
        : `${channel} changes the estate or its settings, and this console is connected ${ctx.role === 'signer' ? 'as a signer (drill sign-offs only)' : 'read-only (viewer)'}.`);
    }
    const parsed = def.request.safeParse(body ?? {});
    if (!parsed.success) {
      const { message, where } = describeZodError(parsed.error);
      throw new ContractError('bad-request', `${channel}: ${message}`, where);
    }
    const handler = handlers[channel] as (request: unknown, ctx: CallContext) => unknown;
    let result: unknown;
    try {
      result = await handler(parsed.data, ctx);
    } catch (error) {
      try { settle(); } catch { /* the request fails anyway; the records stay queued for the next flush */ }
      throw error;
    }
    settle();
    return result;
  };
}
