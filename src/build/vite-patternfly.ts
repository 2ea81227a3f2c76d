import type { Plugin } from 'vite';
import { hasSidebarHas, rewriteSidebarHas } from './patternfly-css';

/**
 * The renderer's Vite plugin for patternfly-css.ts: rewrites the stylesheets that hold the page's sidebar
 * `:has()` rules, before Vite's own CSS handling. A production build that rewrote nothing fails: the
 * rules moved, and the list would be slow again without a word.
 */
export function patternflySidebarHas(): Plugin {
  let rewritten = 0;
  let build = false;
  return {
    name: 'qhci-patternfly-sidebar-has',
    enforce: 'pre',
    configResolved(config) {
      build = config.command === 'build';
    },
    transform(code, id) {
      if (!/\.css($|\?)/.test(id) || !hasSidebarHas(code)) return null;
      const out = rewriteSidebarHas(code);
      rewritten += out.rewritten;
      return { code: out.css, map: null };
    },
    buildEnd(error) {
      if (build && !error && rewritten === 0) {
        this.error("patternfly-css: no stylesheet held the page's sidebar :has() rules to rewrite");
      }
    },
  };
}
