/** fast-xml-parser set up once for libvirt documents: attributes kept, values left as strings. */
import { XMLParser } from 'fast-xml-parser';
import { scanXml } from './xml-scan';

/** Elements that may repeat, by path: always parsed as arrays. */
const ARRAYS = new Set([
  'domain.devices.disk',
  'domain.devices.interface',
  'domain.devices.graphics',
  'domainCapabilities.os.loader.enum',
  'domainCapabilities.os.enum',
  'domainCapabilities.devices.tpm.enum',
  'domainCapabilities.os.loader.value',
  'capabilities.guest',
  'capabilities.guest.arch.domain',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  isArray: (_name, jpath) => ARRAYS.has(String(jpath)),
});

export type XmlNode = Record<string, unknown>;

export function parseXml(xml: string): XmlNode {
  return parser.parse(xml) as XmlNode;
}

const isArrayPath = (path: string) => ARRAYS.has(path);

/**
 * The same tree as parseXml, about ten times faster on what libvirt writes (xml-scan.ts); anything that
 * reader leaves alone goes to fast-xml-parser. For the documents a sync reads by the thousand.
 */
export function parseXmlFast(xml: string): XmlNode {
  return scanXml(xml, isArrayPath) ?? parseXml(xml);
}

/** A child element or attribute as a node (or undefined). */
export function node(parent: unknown, key: string): XmlNode | undefined {
  if (typeof parent !== 'object' || parent === null) return undefined;
  const v = (parent as XmlNode)[key];
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as XmlNode) : undefined;
}

export function nodes(parent: unknown, key: string): XmlNode[] {
  if (typeof parent !== 'object' || parent === null) return [];
  const v = (parent as XmlNode)[key];
  if (Array.isArray(v)) return v.filter((x): x is XmlNode => typeof x === 'object' && x !== null);
  return typeof v === 'object' && v !== null ? [v as XmlNode] : [];
}

/** The text of a child element or an attribute ("@name"). */
export function text(parent: unknown, key: string): string | undefined {
  if (typeof parent !== 'object' || parent === null) return undefined;
  const v = (parent as XmlNode)[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'object' && v !== null && '#text' in v) return String((v as XmlNode)['#text']);
  return undefined;
}

const UNITS: Record<string, number> = {
  b: 1,
  bytes: 1,
  kb: 1000,
  k: 1024,
  kib: 1024,
  mb: 1000 ** 2,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  tb: 1000 ** 4,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  pb: 1000 ** 5,
  p: 1024 ** 5,
  pib: 1024 ** 5,
};

/** A libvirt scaled integer (`<memory unit='KiB'>`) in bytes; `defaultUnit` applies when no unit is given. */
export function bytes(el: unknown, defaultUnit = 'bytes'): number {
  const value = typeof el === 'string' ? el : text({ x: el }, 'x');
  if (value === undefined) return 0;
  const unit = (typeof el === 'object' && el !== null ? text(el, '@unit') : undefined) ?? defaultUnit;
  const scale = UNITS[unit.toLowerCase()];
  const n = Number(value);
  if (!Number.isFinite(n) || scale === undefined) return 0;
  return Math.round(n * scale);
}
