/**
 * A small, fast reader for the XML libvirt writes (elements, attributes, text, the five predefined
 * entities), building exactly the tree fast-xml-parser builds with the options of xml.ts: attributes as
 * "@name" (trimmed), text trimmed and joined as "#text" (or the element's value when it has neither
 * attributes nor children), repeated elements as arrays, values left as strings, other entity references
 * left as they are. It reads a domain document about ten times faster, which is most of a sync's parse
 * time on a host with many domains.
 *
 * Anything else (a declaration, a comment, CDATA, a DOCTYPE, a document that is not well formed) makes it
 * give up and return null: the caller then uses fast-xml-parser, which decides what such a document means.
 */
import type { XmlNode } from './xml';

interface Frame {
  readonly name: string;
  readonly path: string;
  obj: XmlNode | null;
  text: string;
}

const ENTITY = /&(lt|gt|amp|apos|quot);/g;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
const decode = (s: string) => (s.includes('&') ? s.replace(ENTITY, (_, e: string) => ENTITIES[e]!) : s);

const NAME = /[^\s/>=<'"]+/y;
const ATTR = /\s+([^\s/>=<'"]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/y;
const TAG_END = /\s*(\/?)>/y;

function add(parent: Frame, key: string, path: string, value: unknown, isArray: (path: string) => boolean) {
  const obj = (parent.obj ??= {});
  const existing = obj[key];
  if (isArray(path)) {
    if (Array.isArray(existing)) existing.push(value);
    else obj[key] = [value];
  } else if (existing === undefined) obj[key] = value;
  else if (Array.isArray(existing)) existing.push(value);
  else obj[key] = [existing, value];
}

function close(f: Frame): unknown {
  if (f.obj === null) return f.text;
  if (f.text !== '') f.obj['#text'] = f.text;
  return f.obj;
}

/** The document's tree, or null when it holds anything this reader leaves to fast-xml-parser. */
export function scanXml(xml: string, isArray: (path: string) => boolean): XmlNode | null {
  const root: Frame = { name: '', path: '', obj: {}, text: '' };
  const stack: Frame[] = [root];
  let pos = 0;
  for (;;) {
    const lt = xml.indexOf('<', pos);
    const raw = (lt === -1 ? xml.slice(pos) : xml.slice(pos, lt)).trim();
    const top = stack[stack.length - 1]!;
    if (raw !== '') {
      // Text outside the root element: not a document this reader vouches for.
      if (top === root || raw.includes('>')) return null;
      top.text += decode(raw);
    }
    if (lt === -1) break;
    const c = xml.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const gt = xml.indexOf('>', lt);
      if (gt === -1 || top === root || xml.slice(lt + 2, gt).trim() !== top.name) return null;
      stack.pop();
      add(stack[stack.length - 1]!, top.name, top.path, close(top), isArray);
      pos = gt + 1;
      continue;
    }
    NAME.lastIndex = lt + 1;
    const m = NAME.exec(xml);
    // A declaration, comment, CDATA or DOCTYPE ("<?", "<!") is no element name.
    if (!m || c === 0x21 || c === 0x3f) return null;
    const name = m[0];
    const frame: Frame = { name, path: top === root ? name : `${top.path}.${name}`, obj: null, text: '' };
    let at = NAME.lastIndex;
    for (;;) {
      ATTR.lastIndex = at;
      const a = ATTR.exec(xml);
      if (!a) break;
      (frame.obj ??= {})[`@${a[1]!}`] = decode((a[2] ?? a[3]!).trim());
      at = ATTR.lastIndex;
    }
    TAG_END.lastIndex = at;
    const end = TAG_END.exec(xml);
    if (!end) return null;
    pos = TAG_END.lastIndex;
    if (end[1] === '/') add(top, name, frame.path, close(frame), isArray);
    else stack.push(frame);
  }
  return stack.length === 1 ? root.obj : null;
}
