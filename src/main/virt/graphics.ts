/**
 * A domain's `<graphics>` devices, read for the consoles: where each one listens and whether it is reachable
 * from beyond its host. Pure.
 *
 * libvirt's forms (formatdomain, "Graphical framebuffers"):
 *   - `<listen type='address' address='…'/>`, or the older `listen='…'` attribute on `<graphics>` (libvirt
 *     writes both, the same, in live XML); without an address QEMU uses qemu.conf's vnc_listen (127.0.0.1
 *     unless changed), and the live XML then shows that address;
 *   - `<listen type='network' network='…'/>`: the address of that virtual network, filled in on start;
 *   - `<listen type='socket' socket='…'/>` (or `socket='…'` on `<graphics>`): a unix socket on the host;
 *   - `<listen type='none'/>`: no listener at all.
 * The port is -1 (or absent) until the VM runs and autoport picks one. `passwd` shows only in XML read with
 * --security-info; only its presence is kept, never its value.
 */
import { node, nodes, parseXml, text, type XmlNode } from './xml';

export type GraphicsListen =
  | { readonly kind: 'address'; readonly address: string | null }
  | { readonly kind: 'network'; readonly network: string | null; readonly address: string | null }
  | { readonly kind: 'socket'; readonly path: string | null }
  | { readonly kind: 'none' };

export interface GraphicsDevice {
  /** vnc, spice, rdp, sdl, egl-headless, dbus… as the XML says. */
  readonly type: string;
  /** The TCP port it listens on; null while none is assigned (port -1 or absent) or for a socket. */
  readonly port: number | null;
  readonly listen: GraphicsListen;
  readonly passwordRequired: boolean;
}

/** Every `<graphics>` under a parsed `<devices>` element (parse.ts shares this). */
export function graphicsDevices(devices: unknown): GraphicsDevice[] {
  return nodes(devices, 'graphics').map((g) => {
    const listen = listenOf(g);
    return {
      type: attr(g, '@type') ?? 'unknown',
      port: listen.kind === 'socket' || listen.kind === 'none' ? null : portOf(attr(g, '@port')),
      listen,
      passwordRequired: attr(g, '@passwd') !== null,
    };
  });
}

/** The graphics devices of a domain document; [] for anything that is not one. */
export function parseGraphicsXml(domainXml: string): GraphicsDevice[] {
  let doc: XmlNode;
  try {
    doc = parseXml(domainXml);
  } catch {
    return [];
  }
  return graphicsDevices(node(node(doc, 'domain'), 'devices'));
}

/** An attribute as a string (fast-xml-parser may hand over other shapes for odd input), or null. */
function attr(el: unknown, key: string): string | null {
  const v = text(el, key);
  return typeof v === 'string' ? v : null;
}

function portOf(value: string | null): number | null {
  if (value === null || !/^\d{1,5}$/.test(value.trim())) return null;
  const port = Number(value.trim());
  return port >= 1 && port <= 65535 ? port : null;
}

/** The first `<listen>` child decides (QEMU takes one for VNC); the old attributes are the fallback. */
function listenOf(g: XmlNode): GraphicsListen {
  const first = nodes(g, 'listen')[0];
  const nonEmpty = (v: string | null) => (v === null || v.trim() === '' ? null : v.trim());
  if (first) {
    const address = nonEmpty(attr(first, '@address'));
    switch (attr(first, '@type')) {
      case 'socket':
        return { kind: 'socket', path: nonEmpty(attr(first, '@socket')) };
      case 'network':
        return { kind: 'network', network: nonEmpty(attr(first, '@network')), address };
      case 'none':
        return { kind: 'none' };
      default:
        return { kind: 'address', address: address ?? nonEmpty(attr(g, '@listen')) };
    }
  }
  const socket = nonEmpty(attr(g, '@socket'));
  if (socket !== null) return { kind: 'socket', path: socket };
  return { kind: 'address', address: nonEmpty(attr(g, '@listen')) };
}

/** The wildcard addresses: a listener on one of them answers on every address of the host. */
function isWildcard(address: string): boolean {
  const a = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return a === '0.0.0.0' || a === '0' || /^[0:]+$/.test(a);
}

function isLoopback(address: string): boolean {
  const a = address.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === '::1' || a === 'localhost';
}

/** Listens on every address of its host (0.0.0.0, ::), or on a virtual network's address. */
export function listensOnAllAddresses(g: GraphicsDevice): boolean {
  if (g.listen.kind === 'network') return true;
  return g.listen.kind === 'address' && g.listen.address !== null && isWildcard(g.listen.address);
}

/**
 * Reachable from beyond its host: any address but loopback, or a network listener. A missing address means
 * QEMU's default (127.0.0.1), a socket or `none` are not on the network.
 */
export function isExposed(g: GraphicsDevice): boolean {
  if (g.listen.kind === 'network') return true;
  if (g.listen.kind !== 'address' || g.listen.address === null) return false;
  return !isLoopback(g.listen.address);
}

/** Where it listens, in words for a page: "127.0.0.1", "network default", a socket path; null if unknown. */
export function listenLabel(g: GraphicsDevice): string | null {
  switch (g.listen.kind) {
    case 'address':
      return g.listen.address;
    case 'network':
      return g.listen.address ?? (g.listen.network !== null ? `network ${g.listen.network}` : 'a network');
    case 'socket':
      return g.listen.path;
    case 'none':
      return null;
  }
}
