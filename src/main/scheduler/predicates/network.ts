import { reason } from '../context';
import type { Predicate } from './predicate';

const missing = (name: string) => `Node does not have required network ${name}`;
const inactive = (name: string) => `Network ${name} is not active on the node`;

/** The required network exists on the host and is active. */
export const network: Predicate = {
  name: 'network',
  check(ctx, { view }) {
    const name = ctx.vm.network;
    if (name === null) return null;
    const active = view.networks.get(name);
    if (active === true) return null;
    return reason(ctx, active === undefined ? missing : inactive, name);
  },
};
