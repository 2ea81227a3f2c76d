/**
 * The one way into main's services, whatever the transport: look the channel up, parse the input with the
 * contract's schema, call the handler, and turn every outcome into a Result carrying at most an AppError.
 */
import type { EventName } from '../../shared/ipc/channels';
import type { z } from 'zod';
import { AppError, type AppErrorData, type Result } from '../../shared/domain/errors';
import { issueMessage } from '../../shared/domain/names';
import { isChannelName } from '../../shared/ipc/channels';
import { contract, type Channel, type ChannelOutput, type ParsedInput } from '../../shared/ipc/contract';

export type Handlers = {
  [C in Channel]: (input: ParsedInput<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
};

export type Dispatch = (channel: unknown, input: unknown) => Promise<Result<unknown>>;

/** What a transport (Electron's IPC, the in-process bridge) needs of the app: calls in, events out. */
export interface DispatchTarget {
  readonly dispatch: Dispatch;
  subscribe(listener: (event: EventName, payload: unknown) => void): () => void;
}

export interface DispatchOptions {
  /** Where unexpected errors are reported (they never cross the boundary). */
  readonly logError?: (channel: string, err: unknown) => void;
}

/** The first zod issue as a person-readable AppError naming its field. */
export function validationError(error: z.ZodError): AppErrorData {
  const issue = error.issues[0];
  if (!issue) return { code: 'VALIDATION', message: 'Invalid input' };
  const field = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return {
      code: 'VALIDATION',
      message: `Unknown field(s): ${issue.keys.slice(0, 5).join(', ')}`,
      ...(field ? { field } : {}),
    };
  }
  const text = issueMessage(issue);
  const message = field ? `${field}: ${text}` : text;
  return field ? { code: 'VALIDATION', message, field } : { code: 'VALIDATION', message };
}

export function createDispatch(handlers: Handlers, opts: DispatchOptions = {}): Dispatch {
  return async (channel, input) => {
    if (!isChannelName(channel)) {
      return {
        ok: false,
        error: { code: 'VALIDATION', message: `Unknown channel "${String(channel).slice(0, 60)}"` },
      };
    }
    const parsed = contract[channel].input.safeParse(input);
    if (!parsed.success) return { ok: false, error: validationError(parsed.error) };
    try {
      const handler = handlers[channel] as (i: unknown) => unknown;
      const value = await handler(parsed.data);
      return { ok: true, value };
    } catch (err) {
      if (err instanceof AppError) return { ok: false, error: err.toData() };
      opts.logError?.(channel, err);
      return {
        ok: false,
        error: { code: 'INTERNAL', message: `QHCI could not complete "${channel}". Details are in the log.` },
      };
    }
  };
}
