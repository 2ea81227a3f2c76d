import { joinReasons, reason } from '../context';
import type { Predicate } from './predicate';

// label: key NUL value (labels never contain control characters).
const lacks = (label: string) => `Node lacks label ${label.replace('\u0000', '=')}`;
const differs = (label: string, actual: string) => {
  const cut = label.indexOf('\u0000');
  return `Node label ${label.slice(0, cut)} is "${actual}", required "${label.slice(cut + 1)}"`;
};

/** Every label the request names, with exactly its value. */
export const labels: Predicate = {
  name: 'labels',
  check(ctx, { view }) {
    let reasons: readonly string[] | null = null;
    for (const { key, value, both } of ctx.labels) {
      const actual = Object.hasOwn(view.labels, key) ? view.labels[key] : undefined;
      if (actual === value) continue;
      reasons = joinReasons(
        reasons,
        actual === undefined ? reason(ctx, lacks, both) : reason(ctx, differs, both, actual),
      );
    }
    return reasons;
  },
};
