/**
 * A unified line diff for the Settings review: the domain XML before and after, compared line by line (the
 * longest common subsequence between the common ends) and cut into hunks with context, as `diff -u` shows
 * them. Pure; no dependency.
 */

export type LineKind = 'context' | 'add' | 'remove';

export interface DiffLine {
  readonly kind: LineKind;
  readonly text: string;
  /** 1-based line in the old text (null for an added line). */
  readonly oldLine: number | null;
  /** 1-based line in the new text (null for a removed line). */
  readonly newLine: number | null;
}

export interface DiffHunk {
  /** `@@ -oldStart,oldLines +newStart,newLines @@` */
  readonly header: string;
  readonly lines: readonly DiffLine[];
}

export interface LineDiff {
  readonly hunks: readonly DiffHunk[];
  readonly added: number;
  readonly removed: number;
}

/** Above this many cells the middle is not aligned: all of it out, all of it in (never for a domain XML). */
const MAX_CELLS = 4_000_000;

export function splitLines(text: string): string[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

interface Op {
  readonly kind: LineKind;
  /** 0-based index in a (-1 for add) and in b (-1 for remove). */
  readonly a: number;
  readonly b: number;
}

/** The middle part's edit script, by an LCS table; within a run of changes, removals come first. */
function alignMiddle(a: readonly string[], b: readonly string[], pre: number, n: number, m: number): Op[] {
  const ops: Op[] = [];
  if (n * m > MAX_CELLS) {
    for (let i = 0; i < n; i++) ops.push({ kind: 'remove', a: pre + i, b: -1 });
    for (let j = 0; j < m; j++) ops.push({ kind: 'add', a: -1, b: pre + j });
    return ops;
  }
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] =
        a[pre + i] === b[pre + j]
          ? lcs[(i + 1) * w + j + 1]! + 1
          : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  let removes: Op[] = [];
  let adds: Op[] = [];
  const flush = () => {
    ops.push(...removes, ...adds);
    removes = [];
    adds = [];
  };
  while (i < n || j < m) {
    if (i < n && j < m && a[pre + i] === b[pre + j]) {
      flush();
      ops.push({ kind: 'context', a: pre + i++, b: pre + j++ });
    } else if (j < m && (i === n || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) {
      adds.push({ kind: 'add', a: -1, b: pre + j++ });
    } else {
      removes.push({ kind: 'remove', a: pre + i++, b: -1 });
    }
  }
  flush();
  return ops;
}

function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) {
    suf++;
  }
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: 'context', a: i, b: i });
  ops.push(...alignMiddle(a, b, pre, a.length - pre - suf, b.length - pre - suf));
  for (let k = 0; k < suf; k++) ops.push({ kind: 'context', a: a.length - suf + k, b: b.length - suf + k });
  return ops;
}

function hunkOf(ops: readonly Op[], from: number, to: number, a: string[], b: string[]): DiffHunk {
  let oldAt = 0;
  let newAt = 0;
  for (const o of ops.slice(0, from)) {
    if (o.kind !== 'add') oldAt++;
    if (o.kind !== 'remove') newAt++;
  }
  const lines: DiffLine[] = ops.slice(from, to).map((o) => ({
    kind: o.kind,
    text: o.kind === 'add' ? b[o.b]! : a[o.a]!,
    oldLine: o.kind === 'add' ? null : o.a + 1,
    newLine: o.kind === 'remove' ? null : o.b + 1,
  }));
  const oldLines = lines.filter((l) => l.kind !== 'add').length;
  const newLines = lines.filter((l) => l.kind !== 'remove').length;
  // As diff -u numbers a side with no lines: the line before the hunk.
  const oldStart = oldLines === 0 ? oldAt : oldAt + 1;
  const newStart = newLines === 0 ? newAt : newAt + 1;
  return { header: `@@ -${oldStart},${oldLines} +${newStart},${newLines} @@`, lines };
}

/** The hunks that turn `before` into `after`, each change with up to `context` unchanged lines around it. */
export function diffLines(before: string, after: string, context = 3): LineDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = editScript(a, b);
  const changed = ops.flatMap((o, k) => (o.kind === 'context' ? [] : [k]));
  const hunks: DiffHunk[] = [];
  for (let k = 0; k < changed.length; k++) {
    const from = Math.max(0, changed[k]! - context);
    let last = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * context + 1) last = changed[++k]!;
    hunks.push(hunkOf(ops, from, Math.min(ops.length, last + context + 1), a, b));
  }
  return {
    hunks,
    added: ops.filter((o) => o.kind === 'add').length,
    removed: ops.filter((o) => o.kind === 'remove').length,
  };
}

/** A diff as `diff -u` prints its hunks (for tests and copying). */
export function formatDiff(diff: LineDiff): string {
  const sign: Record<LineKind, string> = { context: ' ', add: '+', remove: '-' };
  return diff.hunks
    .map((h) => [h.header, ...h.lines.map((l) => sign[l.kind] + l.text)].join('\n'))
    .join('\n');
}
