/**
 * The document, by offsets: finding and editing elements in place so that every byte a change does not touch
 * stays as it was. What a change adds is built by fast-xml-parser's XMLBuilder (which escapes every value) and
 * indented like its neighbours.
 */
import { xmlBuilder } from '../domain-xml';
import type { XmlNode } from '../xml';
import { refuse } from './work';

export interface Block {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

/** [start, end) of what lies between `<devices>` and `</devices>`. */
function devicesRange(doc: string): { start: number; end: number } | null {
  const open = /<devices\s*>/.exec(doc);
  if (!open) return null;
  const close = doc.indexOf('</devices>', open.index);
  return close < 0 ? null : { start: open.index + open[0].length, end: close };
}

/** The top-level `<tag>` elements of `<devices>` (self-closing or not), in document order. */
export function deviceBlocks(doc: string, tag: string): Block[] {
  const range = devicesRange(doc);
  if (!range) return [];
  const re = new RegExp(`<${tag}(?=[\\s>/])(?:[^>]*?/>|[\\s\\S]*?</${tag}>)`, 'g');
  re.lastIndex = range.start;
  const out: Block[] = [];
  for (let m = re.exec(doc); m && m.index < range.end; m = re.exec(doc)) {
    out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  }
  return out;
}

/** The part of the document before `<devices>` (top-level elements such as `<memory>`, never a device's). */
export function headEnd(doc: string): number {
  return devicesRange(doc)?.start ?? doc.length;
}

export function lineIndent(doc: string, at: number): string {
  const lineStart = doc.lastIndexOf('\n', at - 1) + 1;
  return /^[ \t]*/.exec(doc.slice(lineStart, at))?.[0] ?? '';
}

/**
 * An element built by XMLBuilder, in libvirt's own style (single quotes). The builder escapes every `"` and `'`
 * of a value, so each `"` it writes is a delimiter.
 */
export function built(el: XmlNode): string {
  return (xmlBuilder.build(el) as string).trimEnd().replace(/"/g, "'");
}

/** A built element as lines indented by `indent`. */
export function fragment(el: XmlNode, indent: string): string {
  return built(el)
    .split('\n')
    .map((l) => indent + l)
    .join('\n');
}

export const deviceXml = built;

export function splice(doc: string, start: number, end: number, insert: string): string {
  return doc.slice(0, start) + insert + doc.slice(end);
}

/** Removes a block with the line it stands on. */
export function removeBlock(doc: string, b: Block): string {
  const lineStart = doc.lastIndexOf('\n', b.start - 1);
  const onItsLine = /^[ \t]*$/.test(doc.slice(lineStart + 1, b.start));
  return onItsLine && lineStart >= 0 ? splice(doc, lineStart, b.end, '') : splice(doc, b.start, b.end, '');
}

/** The indentation of a device's children. */
function childIndent(doc: string): string {
  const range = devicesRange(doc);
  if (!range) return '    ';
  const first = /<[A-Za-z]/.exec(doc.slice(range.start, range.end));
  if (first) return lineIndent(doc, range.start + first.index);
  const open = doc.lastIndexOf('<devices', range.start);
  return `${lineIndent(doc, open)}  `;
}

/** Puts a new device after the last `<tag>` of the devices, or else just before `</devices>`. */
export function insertDevice(doc: string, el: XmlNode, after: readonly string[]): string {
  const range = devicesRange(doc);
  if (!range) return refuse('The domain has no <devices> element');
  const indent = childIndent(doc);
  const frag = fragment(el, indent);
  for (const tag of after) {
    const last = deviceBlocks(doc, tag).at(-1);
    if (last) return splice(doc, last.end, last.end, `\n${frag}`);
  }
  const closeIndent = lineIndent(doc, range.end);
  const before = doc.slice(0, range.end).replace(/[ \t]*$/, '');
  return `${before}${frag}\n${closeIndent}${doc.slice(range.end)}`;
}

/** Sets (or adds) an attribute of an element's start tag, keeping its quotes. */
export function setAttr(startTag: string, name: string, value: string): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/'/g, '&apos;');
  const re = new RegExp(`(\\s${name}=)(["'])[^"']*\\2`);
  if (re.test(startTag))
    return startTag.replace(re, (_m, head: string, q: string) => `${head}${q}${escaped}${q}`);
  return startTag.replace(/\s*(\/?>)$/, (_m, close: string) => ` ${name}='${escaped}'${close}`);
}

export function removeAttr(startTag: string, name: string): string {
  return startTag.replace(new RegExp(`\\s${name}=(["'])[^"']*\\1`), '');
}

/** The child element `<tag …/>` or `<tag …>…</tag>` of a block, with its offsets in the block. */
export function childOf(block: string, tag: string): Block | null {
  const m = new RegExp(`<${tag}(?=[\\s>/])(?:[^>]*?/>|[\\s\\S]*?</${tag}>)`).exec(block);
  return m ? { start: m.index, end: m.index + m[0].length, text: m[0] } : null;
}

/** Replaces the child `<tag>` of a block, or adds it after the child `after` (else after the start tag). */
export function setChild(block: string, tag: string, el: XmlNode, after: readonly string[]): string {
  const indent = /\n([ \t]+)</.exec(block)?.[1] ?? '  ';
  const old = childOf(block, tag);
  if (old) return splice(block, old.start, old.end, fragment(el, indent).trimStart());
  let at = block.indexOf('>') + 1;
  for (const t of after) {
    const c = childOf(block, t);
    if (c) {
      at = c.end;
      break;
    }
  }
  return splice(block, at, at, `\n${fragment(el, indent)}`);
}

export function removeChild(block: string, tag: string): string {
  const c = childOf(block, tag);
  return c ? removeBlock(block, c) : block;
}

export const startTagOf = (block: string) => /^<[^>]*>/.exec(block)?.[0] ?? '';
export const withStartTag = (block: string, tag: string) => tag + block.slice(startTagOf(block).length);
