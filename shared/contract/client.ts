import { ContractError, ContractErrorSchema, describeZodError } from './errors.ts';
import {
  channels, streams,
  type ChannelName, type EventOf, type RequestOf, type ResponseOf, type StreamName,
} from './channels.ts';
import type { Transport } from './transport.ts';

export interface Client {
  request<C extends ChannelName>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>>;
  subscribe<S extends StreamName>(stream: S, listener: (event: EventOf<S>) => void): () => void;
}

/**
 * The typed client derived from the contract. Responses and events are validated here too, so a
 * mismatched core and renderer fail loudly at the boundary instead of deep inside a view.
 */
export function createClient(transport: Transport, onInvalidEvent?: (stream: string, error: ContractError) => void): Client {
  return {
    async request(channel, payload) {
      const def = channels[channel];
      const checked = def.request.safeParse(payload);
      if (!checked.success) {
        const { message, where } = describeZodError(checked.error);
        throw new ContractError('bad-request', `${channel}: ${message}`, where);
      }
      let raw: unknown;
      try {
        raw = await transport.request(channel, checked.data);
      } catch (error) {
        if (error instanceof ContractError) throw error;
        const data = ContractErrorSchema.safeParse(error);
        if (data.success) throw ContractError.from(data.data);
        throw new ContractError('internal', error instanceof Error ? error.message : String(error));
      }
      if (def.wire) {
        try {
          raw = def.wire.decode(raw);
        } catch (error) {
          const where = (error as { where?: unknown }).where;
          throw new ContractError('internal', `${channel} answered with an unexpected shape: ${error instanceof Error ? error.message : String(error)}`, typeof where === 'string' ? where : undefined);
        }
        if (def.wire.validates) return raw as ResponseOf<typeof channel>;
      }
      const parsed = def.response.safeParse(raw);
      if (!parsed.success) {
        const { message, where } = describeZodError(parsed.error);
        throw new ContractError('internal', `${channel} answered with an unexpected shape: ${message}`, where);
      }
      return parsed.data as ResponseOf<typeof channel>;
    },
    subscribe(stream, listener) {
      const def = streams[stream];
      const check = (def as { clientCheck?: (raw: unknown) => string | null }).clientCheck;
      if (check) {
        return transport.subscribe(stream, (raw) => {
          const problem = check(raw);
          if (problem === null) listener(raw as EventOf<typeof stream>);
          else onInvalidEvent?.(stream, new ContractError('internal', `${stream}: ${problem}`));
        });
      }
      return transport.subscribe(stream, (raw) => {
        const parsed = def.event.safeParse(raw);
        if (parsed.success) listener(parsed.data as EventOf<typeof stream>);
        else onInvalidEvent?.(stream, new ContractError('internal', `${stream}: ${describeZodError(parsed.error).message}`));
      });
    },
  };
}
