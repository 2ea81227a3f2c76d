import { PASS, type Predicate } from './predicate';

/** The request's required and excluded hosts. */
export const hostFilter: Predicate = {
  name: 'host-filter',
  check(ctx, { host }) {
    const notRequired = ctx.required !== null && !ctx.required.has(host.id);
    const excluded = ctx.excluded.has(host.id);
    if (!notRequired && !excluded) return PASS;
    const reasons: string[] = [];
    if (notRequired) reasons.push('Node is not one of the required nodes');
    if (excluded) reasons.push('Node is excluded by the request');
    return reasons;
  },
};
