import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseXml, parseXmlFast } from './xml';
import { scanXml } from './xml-scan';

const ROOT = join(__dirname, '../../..');
const ARRAYS = new Set(['domain.devices.disk', 'domain.devices.interface', 'domain.devices.graphics']);
const isArray = (p: string) => ARRAYS.has(p);

function xmlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? xmlFiles(join(dir, e.name)) : e.name.endsWith('.xml') ? [join(dir, e.name)] : [],
  );
}

/** Every libvirt document the project keeps: domains, capabilities, pools, volumes, networks, snapshots. */
const files = [
  ...xmlFiles(join(ROOT, 'src/main/virt/golden')),
  ...xmlFiles(join(ROOT, 'tests/fixtures/virsh')),
];

describe('scanXml', () => {
  it('finds the documents it compares on', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it.each(files.map((f) => [f.slice(ROOT.length + 1), f]))(
    'reads %s exactly as fast-xml-parser does',
    (_name, file) => {
      const xml = readFileSync(file, 'utf8');
      // Comments and declarations are left to fast-xml-parser; libvirt's own output has neither.
      if (/<!--|<\?|<!\[CDATA\[|<!DOCTYPE/.test(xml)) {
        expect(scanXml(xml, isArray)).toBeNull();
        expect(parseXmlFast(xml)).toEqual(parseXml(xml));
        return;
      }
      const fast = scanXml(xml, isArray);
      expect(fast).not.toBeNull();
      expect(parseXmlFast(xml)).toEqual(parseXml(xml));
    },
  );

  it.each([
    ['text and attributes', `<a k=' v ' j="w">t</a>`],
    ['an empty element, with and without attributes', `<a><c></c><d/><e k="1"/><f k="1">  </f></a>`],
    ['repeated elements', `<a><b>1</b><b k="x">2</b><b/></a>`],
    ['text around children', `<a> x <b/> y <b k=' v '/> z</a>`],
    [
      'the five entities, and others left as they are',
      `<a k="&lt;&amp;&#65;&quot;">t&apos;&gt;&#x42;&foo;&amp;lt;</a>`,
    ],
    ['namespaced names', `<a xmlns:test='u'><test:r>5</test:r></a>`],
    ['attributes over lines, spaces around =', `<a k = "a\nb"\n  j='c'/>`],
    ['values that look like numbers stay strings', `<a><b>0012</b><c>true</c></a>`],
    ['paths that are always arrays', `<domain><devices><disk type='file'/><graphics/></devices></domain>`],
  ])('%s', (_what, xml) => {
    expect(scanXml(xml, isArray)).toEqual(parseXml(xml));
  });

  it.each([
    ['a declaration', `<?xml version="1.0"?><a>x</a>`],
    ['a comment', `<a><!-- c --><b/></a>`],
    ['CDATA', `<a><![CDATA[<x>]]></a>`],
    ['a close tag that does not match', `<a><b></a></b>`],
    ['an element never closed', `<a><b></b>`],
    ['text outside the root', `x<a/>`],
    ['an attribute without quotes', `<a k=1/>`],
  ])('leaves %s to fast-xml-parser', (_what, xml) => {
    expect(scanXml(xml, isArray)).toBeNull();
  });
});
