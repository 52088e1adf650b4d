import { channels, isChannelName } from '../../../shared/contract/channels.ts';
import { ContractError } from '../../../shared/contract/errors.ts';
import type { Transport } from '../../../shared/contract/transport.ts';

/**
 * The wall's transport: only channels the contract declares `read` leave the page. The server
 * refuses operate channels to the viewer token the wall is opened with; this keeps the wall
 * read-only even when someone opens it with an operator link.
 */
export function readOnlyTransport(inner: Transport): Transport {
  return {
    kind: inner.kind,
    request(channel, payload) {
      if (!isChannelName(channel) || channels[channel].access !== 'read') {
        return Promise.reject(new ContractError('forbidden', `${String(channel).slice(0, 100)} is not a read channel, and the wall is read-only.`));
      }
      return inner.request(channel, payload);
    },
    subscribe: (stream, listener) => inner.subscribe(stream, listener),
    onStateChange: (listener) => inner.onStateChange(listener),
    close: () => inner.close(),
  };
}
