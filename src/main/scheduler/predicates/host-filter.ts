import { joinReasons } from '../context';
import type { Predicate } from './predicate';

const NOT_REQUIRED = Object.freeze(['Node is not one of the required nodes']);
const EXCLUDED = Object.freeze(['Node is excluded by the request']);

/** The request's required and excluded hosts. */
export const hostFilter: Predicate = {
  name: 'host-filter',
  check(ctx, { view }) {
    let reasons: readonly string[] | null = null;
    if (ctx.required !== null && !ctx.required.has(view.id)) reasons = NOT_REQUIRED;
    if (ctx.excluded.size !== 0 && ctx.excluded.has(view.id)) reasons = joinReasons(reasons, EXCLUDED);
    return reasons;
  },
};
