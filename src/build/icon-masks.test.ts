import { PlayIconConfig } from '@patternfly/react-icons/dist/js/icons/play-icon.js';
import { RhUiWarningFillIconConfig } from '@patternfly/react-icons/dist/js/icons/rh-ui-warning-fill-icon.js';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { iconMaskCss, iconSvg, MASK_ICONS, maskIconClass } from './icon-masks';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (n) => n === 'path',
});
const svgOf = (doc: string) =>
  (parser.parse(doc) as { svg: { viewBox: string; xmlns: string; path: { d: string }[] } }).svg;

/** The rules of the stylesheet: class -> the SVG document its mask shows. */
function rules(css: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of css.matchAll(
    /^\.([\w-]+)::before \{\n {2}mask: url\("data:image\/svg\+xml,([^"]+)"\) center \/ contain no-repeat;\n\}$/gm,
  )) {
    out.set(m[1]!, decodeURIComponent(m[2]!));
  }
  return out;
}

describe('icon masks', () => {
  it('has one rule per icon the renderer names, and nothing else', () => {
    const css = iconMaskCss();
    const byClass = rules(css);
    expect([...byClass.keys()]).toEqual(MASK_ICONS.map(maskIconClass));
    expect(css.split('{').length - 1).toBe(MASK_ICONS.length);
  });

  it("masks with PatternFly's own icon: its view box and path, as an SVG document", () => {
    const byClass = rules(iconMaskCss());
    const play = svgOf(byClass.get(maskIconClass('play'))!);
    expect(play.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(play.viewBox).toBe(`0 0 ${PlayIconConfig.icon.width} ${PlayIconConfig.icon.height}`);
    expect(play.path.map((p) => p.d)).toEqual([PlayIconConfig.icon.svgPathData]);
    const warning = svgOf(byClass.get(maskIconClass('warning'))!);
    expect(warning.path.map((p) => p.d)).toEqual([RhUiWarningFillIconConfig.icon.svgPathData]);
  });

  it('draws every path of an icon made of several, within its offset view box', () => {
    const svg = svgOf(
      iconSvg({
        xOffset: -2,
        yOffset: 1,
        width: 10,
        height: 12,
        svgPathData: [{ path: 'M0 0h1' }, { path: 'M2 2h1' }],
      }),
    );
    expect(svg.viewBox).toBe('-2 1 10 12');
    expect(svg.path.map((p) => p.d)).toEqual(['M0 0h1', 'M2 2h1']);
  });

  it('escapes what an attribute cannot hold as it is', () => {
    const doc = iconSvg({ width: 1, height: 1, svgPathData: 'M0 0"/><script/>' });
    expect(doc).not.toContain('<script');
    expect(svgOf(doc).path[0]!.d).toBe('M0 0"/><script/>');
  });
});
