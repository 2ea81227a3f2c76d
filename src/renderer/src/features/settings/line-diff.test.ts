import { describe, expect, it } from 'vitest';
import { diffLines, formatDiff, splitLines } from './line-diff';

const lines = (...l: string[]) => l.map((x) => `${x}\n`).join('');

/** The LCS length by plain recursion with memo: the reference the diff's kept lines must match. */
function lcsLength(a: string[], b: string[]): number {
  const memo = new Map<string, number>();
  const go = (i: number, j: number): number => {
    if (i === a.length || j === b.length) return 0;
    const key = `${i},${j}`;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const v = a[i] === b[j] ? go(i + 1, j + 1) + 1 : Math.max(go(i + 1, j), go(i, j + 1));
    memo.set(key, v);
    return v;
  };
  return go(0, 0);
}

/** A small pseudo-random generator, so a failing case can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('line diff', () => {
  it('two equal texts have no hunks', () => {
    const d = diffLines(lines('a', 'b'), lines('a', 'b'));
    expect(d).toEqual({ hunks: [], added: 0, removed: 0 });
  });

  it('a changed memory line is one removal and one addition with three lines of context', () => {
    const before = lines(
      '<domain>',
      '  <name>x</name>',
      '  <uuid>u</uuid>',
      '  <os/>',
      '  <memory>2</memory>',
    );
    const after = lines(
      '<domain>',
      '  <name>x</name>',
      '  <uuid>u</uuid>',
      '  <os/>',
      '  <memory>4</memory>',
    );
    const d = diffLines(before, after);
    expect(d.added).toBe(1);
    expect(d.removed).toBe(1);
    expect(formatDiff(d)).toBe(
      [
        '@@ -2,4 +2,4 @@',
        '   <name>x</name>',
        '   <uuid>u</uuid>',
        '   <os/>',
        '-  <memory>2</memory>',
        '+  <memory>4</memory>',
      ].join('\n'),
    );
  });

  it('within a run of changes the removals come before the additions, as diff -u prints them', () => {
    const d = diffLines(lines('k', 'a', 'b', 'k2'), lines('k', 'x', 'y', 'k2'), 1);
    expect(d.hunks[0]!.lines.map((l) => l.kind)).toEqual([
      'context',
      'remove',
      'remove',
      'add',
      'add',
      'context',
    ]);
  });

  it('changes far apart make two hunks, near ones one', () => {
    const base = Array.from({ length: 20 }, (_, i) => `l${i}`);
    const far = [...base];
    far[2] = 'X';
    far[17] = 'Y';
    expect(diffLines(lines(...base), lines(...far)).hunks.map((h) => h.header)).toEqual([
      '@@ -1,6 +1,6 @@',
      '@@ -15,6 +15,6 @@',
    ]);
    const near = [...base];
    near[2] = 'X';
    near[8] = 'Y';
    expect(diffLines(lines(...base), lines(...near)).hunks.map((h) => h.header)).toEqual([
      '@@ -1,12 +1,12 @@',
    ]);
  });

  it('an addition at the very end numbers its hunk like diff -u, with line numbers on each side', () => {
    const d = diffLines(lines('a', 'b'), lines('a', 'b', 'c'), 0);
    expect(d.hunks[0]!.header).toBe('@@ -2,0 +3,1 @@');
    expect(d.hunks[0]!.lines).toEqual([{ kind: 'add', text: 'c', oldLine: null, newLine: 3 }]);
    const r = diffLines(lines('a', 'b', 'c'), lines('b', 'c'), 0);
    expect(r.hunks[0]!.header).toBe('@@ -1,1 +0,0 @@');
    expect(r.hunks[0]!.lines).toEqual([{ kind: 'remove', text: 'a', oldLine: 1, newLine: null }]);
  });

  it('CRLF and a missing final newline do not count as changes', () => {
    expect(diffLines('a\r\nb\r\n', 'a\nb').hunks).toEqual([]);
    expect(splitLines('')).toEqual([]);
  });

  it('on random texts, the hunks rebuild both sides and keep exactly a longest common subsequence', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = rng(seed);
      const pick = () => Array.from({ length: Math.floor(r() * 12) }, () => 'abcd'[Math.floor(r() * 4)]!);
      const a = pick();
      const b = pick();
      const d = diffLines(lines(...a), lines(...b), Number.MAX_SAFE_INTEGER);
      const all = d.hunks.flatMap((h) => h.lines);
      const same = a.join() === b.join();
      expect(
        all.filter((l) => l.kind !== 'add').map((l) => l.text),
        `seed ${seed}`,
      ).toEqual(same ? [] : a);
      expect(
        all.filter((l) => l.kind !== 'remove').map((l) => l.text),
        `seed ${seed}`,
      ).toEqual(same ? [] : b);
      if (!same) expect(all.filter((l) => l.kind === 'context').length, `seed ${seed}`).toBe(lcsLength(a, b));
      expect(d.added - d.removed).toBe(b.length - a.length);
    }
  });
});
