/**
 * A build-time rewrite of three PatternFly rules (Page's stylesheet) that make every DOM change in the app
 * cost a restyle of every button.
 *
 * PatternFly animates the masthead's hamburger icon with rules whose subject is the page root:
 * `.pf-v6-c-page:where(:has(> .pf-v6-c-page__sidebar.pf-m-expanded)) > .pf-v6-c-masthead … .pf-v6-c-button…`.
 * Chromium cannot tell cheaply whether a node inserted or removed anywhere under the page changes that
 * `:has()`, so on every such change it restyles every `.pf-v6-c-button` below the page. In the VM list a
 * filter keystroke that shows or hides rows restyles the hundred buttons of the rows: 5 of a 7 ms layout
 * (bench/list, measured by deleting the rules in the page). The rewrite keys the same rules on a class the
 * masthead carries (AppMasthead sets it from the page's sidebar state, as PageSidebar sets its own), with
 * `:where()` so that no rule gains specificity.
 */

import { SIDEBAR_CLASS } from '../renderer/src/shell/sidebar';

export { SIDEBAR_CLASS };

const SIDEBAR_HAS = ':has(> .pf-v6-c-page__sidebar';

const REWRITES: readonly (readonly [string, string])[] = (['expanded', 'collapsed'] as const).map((state) => [
  `.pf-v6-c-page:where(:has(> .pf-v6-c-page__sidebar.pf-m-${state})) > .pf-v6-c-masthead`,
  `.pf-v6-c-page > .pf-v6-c-masthead:where(.${SIDEBAR_CLASS[state]})`,
]);

/**
 * The stylesheet with the page's sidebar `:has()` rules keyed on the masthead's class instead, and how many
 * selectors it rewrote. Throws if a sidebar `:has()` it does not know is left (a PatternFly upgrade changed
 * them: look again rather than ship the cost back).
 */
export function rewriteSidebarHas(css: string): { css: string; rewritten: number } {
  let rewritten = 0;
  let out = css;
  for (const [from, to] of REWRITES) {
    const parts = out.split(from);
    rewritten += parts.length - 1;
    out = parts.join(to);
  }
  const left = out.indexOf(SIDEBAR_HAS);
  if (left >= 0) {
    throw new Error(
      `patternfly-css: a sidebar :has() rule this build does not know: ${out.slice(Math.max(0, left - 80), left + 80)}`,
    );
  }
  return { css: out, rewritten };
}

/** A stylesheet that holds any sidebar `:has()` (only those are rewritten). */
export function hasSidebarHas(css: string): boolean {
  return css.includes(SIDEBAR_HAS);
}
