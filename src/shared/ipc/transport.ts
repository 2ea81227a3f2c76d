/**
 * The one shape every transport has: Electron preload, the in-process transport of the CLI and tests,
 * and the Playwright bridge. `invoke` never rejects for application errors; it resolves a Result.
 */
import type { Result } from '../domain/errors';
import { AppError } from '../domain/errors';
import type { ChannelName, EventName } from './channels';
import type { Channel, ChannelInput, ChannelOutput, EventPayload } from './contract';

export interface QhciBridge {
  invoke(channel: ChannelName, input: unknown): Promise<Result<unknown>>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

export interface QhciClient {
  call<C extends Channel>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

/** Typed client over any bridge: results are unwrapped, errors are rethrown as AppError. */
export function createClient(bridge: QhciBridge): QhciClient {
  return {
    async call(channel, input) {
      const result = await bridge.invoke(channel, input);
      if (result.ok) return result.value as never;
      throw AppError.fromData(result.error);
    },
    on(event, listener) {
      return bridge.on(event, listener as (payload: unknown) => void);
    },
  };
}
