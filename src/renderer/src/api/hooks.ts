/** React Query hooks typed from the IPC contract: a wrong channel or input shape does not compile. */
import { useMutation, useQuery, type UseMutationOptions, type UseQueryOptions } from '@tanstack/react-query';
import type { AppError } from '../../../shared/domain/errors';
import type { Channel, ChannelInput, ChannelOutput, Contract } from '../../../shared/ipc/contract';
import { qhci } from './client';
import { queryKeys } from './keys';

/** Channels that only read: the ones a query may call. */
export type QueryChannel = { [C in Channel]: Contract[C]['mutates'] extends false ? C : never }[Channel];
/** Channels that change the inventory: the ones a mutation may call. */
export type MutationChannel = Exclude<Channel, QueryChannel>;

type QueryOpts<C extends Channel> = Omit<
  UseQueryOptions<ChannelOutput<C>, AppError, ChannelOutput<C>, ReturnType<typeof queryKeys.call<C>>>,
  'queryKey' | 'queryFn'
>;

export function useQhciQuery<C extends QueryChannel>(
  channel: C,
  input: ChannelInput<C>,
  options?: QueryOpts<C>,
) {
  return useQuery({
    ...options,
    queryKey: queryKeys.call(channel, input),
    queryFn: () => qhci.call(channel, input),
  });
}

type MutationOpts<C extends Channel> = Omit<
  UseMutationOptions<ChannelOutput<C>, AppError, ChannelInput<C>>,
  'mutationFn'
>;

/**
 * A call that changes the inventory. Its queries are refreshed by the `inventory.changed` push event
 * main sends after every change (see useInventoryInvalidation), not by the mutation itself.
 */
export function useQhciMutation<C extends MutationChannel>(channel: C, options?: MutationOpts<C>) {
  return useMutation({
    ...options,
    mutationFn: (input: ChannelInput<C>) => qhci.call(channel, input),
  });
}
