import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { hasSidebarHas, rewriteSidebarHas, SIDEBAR_CLASS } from './patternfly-css';

const require = createRequire(import.meta.url);
const pageCss = readFileSync(
  require.resolve('@patternfly/react-styles/css/components/Page/page.css'),
  'utf8',
);

describe('rewriteSidebarHas', () => {
  it("rewrites the three hamburger rules of PatternFly's Page stylesheet onto the masthead's class", () => {
    expect(hasSidebarHas(pageCss)).toBe(true);
    const { css, rewritten } = rewriteSidebarHas(pageCss);
    expect(rewritten).toBe(3);
    expect(css).not.toContain(':has(> .pf-v6-c-page__sidebar');
    expect(css.split(`.pf-v6-c-page > .pf-v6-c-masthead:where(.${SIDEBAR_CLASS.expanded})`)).toHaveLength(3);
    expect(css.split(`.pf-v6-c-page > .pf-v6-c-masthead:where(.${SIDEBAR_CLASS.collapsed})`)).toHaveLength(2);
    // Nothing else changes: the same rules, the same declarations.
    const declarations = (s: string) => s.match(/--[\w-]+\s*:[^;]+;/g);
    expect(declarations(css)).toEqual(declarations(pageCss));
    expect(css.split('{').length).toBe(pageCss.split('{').length);
  });

  it('leaves a stylesheet without them as it is', () => {
    const css = '.pf-v6-c-card:has(input) { color: red; }\n.pf-v6-c-page { display: grid; }';
    expect(hasSidebarHas(css)).toBe(false);
    expect(rewriteSidebarHas(css)).toEqual({ css, rewritten: 0 });
  });

  it('refuses a sidebar :has() it does not know, rather than leave its cost in', () => {
    const css = '.pf-v6-c-page:has(> .pf-v6-c-page__sidebar.pf-m-docked) .x { color: red; }';
    expect(() => rewriteSidebarHas(css)).toThrow(/does not know/);
  });
});
