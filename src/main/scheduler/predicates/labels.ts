import type { Predicate } from './predicate';

/** Every label the request names, with exactly its value. */
export const labels: Predicate = {
  name: 'labels',
  check(ctx, { view }) {
    let reasons: string[] | null = null;
    for (const [key, value] of ctx.labels) {
      const actual = Object.hasOwn(view.labels, key) ? view.labels[key] : undefined;
      if (actual === value) continue;
      (reasons ??= []).push(
        actual === undefined
          ? `Node lacks label ${key}=${value}`
          : `Node label ${key} is "${actual}", required "${value}"`,
      );
    }
    return reasons;
  },
};
