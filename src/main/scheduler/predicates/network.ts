import type { Predicate } from './predicate';

/** The required network exists on the host and is active. */
export const network: Predicate = {
  name: 'network',
  check(ctx, { view }) {
    const name = ctx.vm.network;
    if (name === null) return null;
    const active = view.networks.get(name);
    if (active === true) return null;
    return [
      active === undefined
        ? `Node does not have required network ${name}`
        : `Network ${name} is not active on the node`,
    ];
  },
};
