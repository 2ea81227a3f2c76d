import type { Predicate } from './predicate';

/** The request's required and excluded hosts. */
export const hostFilter: Predicate = {
  name: 'host-filter',
  check(ctx, { view }) {
    const notRequired = ctx.required !== null && !ctx.required.has(view.id);
    const excluded = ctx.excluded.has(view.id);
    if (!notRequired && !excluded) return null;
    const reasons: string[] = [];
    if (notRequired) reasons.push('Node is not one of the required nodes');
    if (excluded) reasons.push('Node is excluded by the request');
    return reasons;
  },
};
