import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines, diffXml, formatDiff, prettyXml, type XmlDiff } from './xml-diff';

/** Rebuilds the new text from the old one and the hunks: what a reader of the screen relies on. */
function patch(oldText: string, diff: XmlDiff): string[] {
  const a = oldText === '' ? [] : oldText.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  for (const h of diff.hunks) {
    const start = h.oldLines === 0 ? h.oldStart : h.oldStart - 1;
    out.push(...a.slice(at, start));
    at = start;
    for (const l of h.lines) {
      if (l.kind === 'add') out.push(l.text);
      else {
        expect(a[at]).toBe(l.text);
        if (l.kind === 'context') out.push(l.text);
        at++;
      }
    }
  }
  out.push(...a.slice(at));
  return out;
}

const lines = (n: number, f = (i: number) => `line ${i}`) => Array.from({ length: n }, (_, i) => f(i + 1));

describe('a line diff', () => {
  it('is empty for the same text', () => {
    expect(diffLines('a\nb\n', 'a\nb\n')).toEqual({ hunks: [], added: 0, removed: 0 });
  });

  it('shows a change with three lines of context and numbers it as diff -u does', () => {
    const old = lines(10).join('\n');
    const next = lines(10, (i) => (i === 5 ? 'LINE 5' : `line ${i}`)).join('\n');
    const d = diffLines(old, next);
    expect(formatDiff(d)).toBe(
      [
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+LINE 5',
        ' line 6',
        ' line 7',
        ' line 8',
      ].join('\n'),
    );
    expect(d.added).toBe(1);
    expect(d.removed).toBe(1);
  });

  it('keeps far changes in separate hunks and joins near ones', () => {
    const old = lines(30);
    const far = old.map((l, i) => (i === 2 || i === 25 ? `${l}!` : l));
    expect(diffLines(old.join('\n'), far.join('\n')).hunks).toHaveLength(2);
    const near = old.map((l, i) => (i === 2 || i === 8 ? `${l}!` : l));
    expect(diffLines(old.join('\n'), near.join('\n')).hunks).toHaveLength(1);
  });

  it('numbers a pure insertion after the line it follows', () => {
    const d = diffLines('a\nb\n', 'a\nx\nb\n', 0);
    expect(d.hunks).toEqual([
      {
        oldStart: 1,
        oldLines: 0,
        newStart: 2,
        newLines: 1,
        lines: [{ kind: 'add', text: 'x', oldLine: null, newLine: 2 }],
      },
    ]);
  });

  it('rebuilds the new text from the old one and its hunks, whatever the texts', () => {
    const text = fc.array(fc.constantFrom('<a/>', '<b/>', '<c x="1"/>', '  <d/>', ''), { maxLength: 40 });
    fc.assert(
      fc.property(text, text, fc.integer({ min: 0, max: 4 }), (a, b, context) => {
        const oldText = a.length === 0 ? '' : `${a.join('\n')}\n`;
        const newText = b.length === 0 ? '' : `${b.join('\n')}\n`;
        const d = diffLines(oldText, newText, context);
        expect(patch(oldText, d)).toEqual(b);
        expect(d.added - d.removed).toBe(b.length - a.length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a domain XML diff', () => {
  it('prints both documents one way, so quotes and layout make no difference', () => {
    const a = `<domain type='qemu'><name>a</name><devices><disk type='file'/></devices></domain>`;
    const b = `<domain type="qemu">\n  <name>a</name>\n  <devices>\n    <disk type="file"/>\n  </devices>\n</domain>\n`;
    expect(diffXml(a, b).hunks).toEqual([]);
    expect(prettyXml(a)).toBe(b);
  });

  it('keeps the order of mixed siblings and the escapes as written', () => {
    const xml = `<devices><disk n='1'/><controller/><disk n='2'/><x a='&apos;&amp;'>t &lt; u</x></devices>`;
    expect(prettyXml(xml)).toBe(
      `<devices>\n  <disk n="1"/>\n  <controller/>\n  <disk n="2"/>\n  <x a="&apos;&amp;">t &lt; u</x>\n</devices>\n`,
    );
  });

  it('shows an added device as added lines only', () => {
    const a = `<domain><devices><disk d='vda'/><interface/></devices></domain>`;
    const b = `<domain><devices><disk d='vda'/><disk d='vdb'/><interface/></devices></domain>`;
    const d = diffXml(a, b);
    expect(d.added).toBe(1);
    expect(d.removed).toBe(0);
    expect(d.hunks[0]!.lines.filter((l) => l.kind === 'add').map((l) => l.text)).toEqual([
      '    <disk d="vdb"/>',
    ]);
  });
});
