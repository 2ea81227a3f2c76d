/**
 * PatternFly icons drawn by CSS rather than as SVG elements, for the rows of long lists: an element with
 * `maskIconClass(icon)` has its `::before` masked by that icon. src/build/icon-masks.ts writes the rules at
 * build time from PatternFly's own icon data; the element's CSS gives the `::before` its box and colour.
 * A row that comes to show another VM then changes a class, where an SVG icon would be taken out and
 * another built and laid out (bench/list).
 */
export const MASK_ICONS = [
  'play',
  'power-off',
  'stop',
  'redo',
  'pause',
  'check-circle',
  'warning',
  'error',
  'info',
  'kebab',
] as const;

export type MaskIcon = (typeof MASK_ICONS)[number];

/** The class that draws the icon, on an element whose `::before` has a box. */
export function maskIconClass(icon: MaskIcon): string {
  return `qhci-icon-${icon}`;
}
