/**
 * The `<cpu>` element of an existing domain's XML: which variant it is, and the same document with another
 * variant in its place. Only that element changes (its topology, NUMA cells and cache are kept): the rest of
 * the definition goes back to libvirt byte for byte.
 */
import type { CpuVariant } from '../../shared/domain/cpu';
import { cpuElement, xmlBuilder } from './domain-xml';
import { node, nodes, parseXml, text } from './xml';

/** The domain's own `<cpu>` (not one inside `<metadata>`), as [start, end) offsets, or null. */
function findCpu(xml: string): { start: number; end: number } | null {
  const metaEnd = xml.indexOf('</metadata>');
  const metaStart = xml.indexOf('<metadata');
  const re = /<cpu(?=[\s/>])[^>]*?(?:\/>|>[\s\S]*?<\/cpu>)/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    if (metaStart !== -1 && m.index > metaStart && m.index < metaEnd) continue;
    return { start: m.index, end: m.index + m[0].length };
  }
  return null;
}

/** The variant a domain's XML has (a named model with its name; no `<cpu>` mode is the default). */
export function cpuVariantOf(domainXml: string): CpuVariant {
  const at = findCpu(domainXml);
  if (!at) return 'default';
  const cpu = node(parseXml(domainXml.slice(at.start, at.end)), 'cpu') ?? {};
  const mode = text(cpu, '@mode');
  if (mode === 'host-passthrough' || mode === 'maximum') {
    const noArchCaps = nodes(cpu, 'feature').some(
      (f) => text(f, '@name') === 'arch-capabilities' && text(f, '@policy') === 'disable',
    );
    return noArchCaps ? 'host-passthrough-compat' : 'host-passthrough';
  }
  if (mode === 'host-model') return 'host-model';
  const model = text(cpu, 'model');
  return model ? `model:${model}` : 'default';
}

/** The raw text of the child elements kept across a change of variant. */
function keptChildren(cpuXml: string): string[] {
  const out: string[] = [];
  for (const tag of ['numa', 'cache']) {
    const m = new RegExp(`<${tag}(?=[\\s/>])[^>]*?(?:/>|>[\\s\\S]*?</${tag}>)`).exec(cpuXml);
    if (m) out.push(m[0]);
  }
  return out;
}

/** The domain XML with its `<cpu>` replaced by the variant's, topology and NUMA kept. */
export function withCpuVariant(domainXml: string, variant: CpuVariant): string {
  const at = findCpu(domainXml);
  const old = at ? domainXml.slice(at.start, at.end) : '';
  const topo = node(node(parseXml(old || '<cpu/>'), 'cpu'), 'topology');
  const topology: Record<string, string> = {};
  for (const k of ['@sockets', '@dies', '@cores', '@threads']) {
    const v = text(topo, k);
    if (v !== undefined && /^\d+$/.test(v)) topology[k] = v;
  }
  const el = cpuElement(variant, topology);
  if (Object.keys(topology).length === 0) delete el.topology;
  let built = (xmlBuilder.build({ cpu: el }) as string).trim();
  const kept = keptChildren(old);
  if (kept.length) {
    built = built.endsWith('/>')
      ? `${built.slice(0, -2)}>\n${kept.join('\n')}\n</cpu>`
      : built.replace(/<\/cpu>$/, `${kept.join('\n')}\n</cpu>`);
  }
  if (at) return domainXml.slice(0, at.start) + built + domainXml.slice(at.end);
  // No <cpu> yet: it goes after <features> (or <os>), where libvirt writes it.
  const anchor = /<\/features>|<features\s*\/>/.exec(domainXml) ?? /<\/os>/.exec(domainXml);
  if (!anchor) throw new Error('Not a domain document: no <os> element');
  const pos = anchor.index + anchor[0].length;
  return `${domainXml.slice(0, pos)}\n  ${built}${domainXml.slice(pos)}`;
}
