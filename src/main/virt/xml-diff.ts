/**
 * A line diff of two domain documents for the screen: both printed the same way (one element per line, two
 * spaces of indent, attributes in their order, nothing reordered), then compared line by line into hunks with
 * context, as `diff -u` shows them. Pure.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';

export type DiffLineKind = 'context' | 'add' | 'remove';

export interface DiffLine {
  readonly kind: DiffLineKind;
  readonly text: string;
  /** 1-based line in the old document (null for an added line). */
  readonly oldLine: number | null;
  /** 1-based line in the new document (null for a removed line). */
  readonly newLine: number | null;
}

export interface DiffHunk {
  /** 1-based first line and line count in each document, as `@@ -oldStart,oldLines +newStart,newLines @@`. */
  readonly oldStart: number;
  readonly oldLines: number;
  readonly newStart: number;
  readonly newLines: number;
  readonly lines: readonly DiffLine[];
}

export interface XmlDiff {
  readonly hunks: readonly DiffHunk[];
  readonly added: number;
  readonly removed: number;
}

// Order kept (preserveOrder), entities left as written (processEntities off): the document is only re-laid out.
const ORDERED = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  commentPropName: '#comment',
} as const;
const orderedParser = new XMLParser(ORDERED);
const orderedBuilder = new XMLBuilder({
  ...ORDERED,
  format: true,
  indentBy: '  ',
  suppressEmptyNode: true,
});

/** The document printed one way, whatever its quotes, indentation or line breaks between elements. */
export function prettyXml(xml: string): string {
  const out = orderedBuilder.build(orderedParser.parse(xml)) as string;
  return `${out.trim()}\n`;
}

function splitLines(s: string): string[] {
  const lines = s.replace(/\r\n?/g, '\n').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

type Op = { kind: DiffLineKind; a: number; b: number };

/** The edit script from a to b (longest common subsequence over the part between the common ends). */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf])
    suf++;
  const n = a.length - pre - suf;
  const m = b.length - pre - suf;
  const ops: Op[] = [];
  for (let i = 0; i < pre; i++) ops.push({ kind: 'context', a: i, b: i });
  if (n * m > 4_000_000) {
    // Too large to align: all of one out, all of the other in.
    for (let i = 0; i < n; i++) ops.push({ kind: 'remove', a: pre + i, b: -1 });
    for (let j = 0; j < m; j++) ops.push({ kind: 'add', a: -1, b: pre + j });
  } else {
    // lcs[i][j]: the LCS length of a[pre+i..] and b[pre+j..], in one flat array.
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
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i] === b[pre + j]) {
        ops.push({ kind: 'context', a: pre + i++, b: pre + j++ });
      } else if (j < m && (i === n || lcs[i * w + j + 1]! >= lcs[(i + 1) * w + j]!)) {
        ops.push({ kind: 'add', a: -1, b: pre + j++ });
      } else {
        ops.push({ kind: 'remove', a: pre + i++, b: -1 });
      }
    }
    // Within a run of changes, removals first, as diff -u shows them.
    for (let k = pre; k < ops.length;) {
      if (ops[k]!.kind === 'context') {
        k++;
        continue;
      }
      let end = k;
      while (end < ops.length && ops[end]!.kind !== 'context') end++;
      const run = ops.slice(k, end);
      ops.splice(
        k,
        run.length,
        ...run.filter((o) => o.kind === 'remove'),
        ...run.filter((o) => o.kind === 'add'),
      );
      k = end;
    }
  }
  for (let k = 0; k < suf; k++) {
    ops.push({ kind: 'context', a: a.length - suf + k, b: b.length - suf + k });
  }
  return ops;
}

/** Hunks of a line diff, each change with up to `context` unchanged lines around it. */
export function diffLines(oldText: string, newText: string, context = 3): XmlDiff {
  const a = splitLines(oldText);
  const b = splitLines(newText);
  const ops = editScript(a, b);
  const changed = ops.map((o, k) => (o.kind === 'context' ? -1 : k)).filter((k) => k >= 0);
  const hunks: DiffHunk[] = [];
  let k = 0;
  while (k < changed.length) {
    const from = Math.max(0, changed[k]! - context);
    let last = changed[k]!;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * context + 1) last = changed[++k]!;
    const to = Math.min(ops.length, last + context + 1);
    k++;
    const slice = ops.slice(from, to);
    // The line before the hunk in each document, to number a hunk that only adds or only removes.
    let oldAt = 0;
    let newAt = 0;
    for (const o of ops.slice(0, from)) {
      if (o.kind !== 'add') oldAt++;
      if (o.kind !== 'remove') newAt++;
    }
    const lines: DiffLine[] = slice.map((o) => ({
      kind: o.kind,
      text: o.kind === 'add' ? b[o.b]! : a[o.a]!,
      oldLine: o.kind === 'add' ? null : o.a + 1,
      newLine: o.kind === 'remove' ? null : o.b + 1,
    }));
    const oldLines = lines.filter((l) => l.kind !== 'add').length;
    const newLines = lines.filter((l) => l.kind !== 'remove').length;
    hunks.push({
      oldStart: oldLines === 0 ? oldAt : oldAt + 1,
      oldLines,
      newStart: newLines === 0 ? newAt : newAt + 1,
      newLines,
      lines,
    });
  }
  return {
    hunks,
    added: ops.filter((o) => o.kind === 'add').length,
    removed: ops.filter((o) => o.kind === 'remove').length,
  };
}

/** The diff of two domain documents, both printed by prettyXml first. */
export function diffXml(oldXml: string, newXml: string, context = 3): XmlDiff {
  return diffLines(prettyXml(oldXml), prettyXml(newXml), context);
}

/** A diff as `diff -u` prints its hunks (for logs, the CLI and tests). */
export function formatDiff(diff: XmlDiff): string {
  const sign: Record<DiffLineKind, string> = { context: ' ', add: '+', remove: '-' };
  return diff.hunks
    .map(
      (h) =>
        `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@\n` +
        h.lines.map((l) => sign[l.kind] + l.text).join('\n'),
    )
    .join('\n');
}
