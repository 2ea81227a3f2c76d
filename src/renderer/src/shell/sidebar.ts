/**
 * The masthead's classes for the sidebar's state (AppMasthead sets them). PatternFly's hamburger rules are
 * rewritten at build to read them instead of a `:has()` on the page (src/build/patternfly-css.ts).
 */
export const SIDEBAR_CLASS = {
  expanded: 'qhci-sidebar-expanded',
  collapsed: 'qhci-sidebar-collapsed',
} as const;
