/** The CD-ROM, boot order and description changes. */
import type { BootDeviceName, VmSettingsChange } from '../../../shared/domain/vm-settings';
import type { XmlNode } from '../xml';
import { diskNamed, disksOf, type DiskFacts } from './facts';
import { newTarget, volumeOf } from './disks';
import { type Outcome, refuse, type Work } from './work';
import {
  childOf,
  fragment,
  headEnd,
  insertDevice,
  lineIndent,
  removeBlock,
  removeChild,
  setAttr,
  setChild,
  splice,
  startTagOf,
  withStartTag,
} from './xml-edit';

function cdromOf(doc: string, target: string | undefined): DiskFacts | undefined {
  const cds = disksOf(doc).filter((d) => d.device === 'cdrom');
  if (target === undefined) return cds[0];
  const d = diskNamed(doc, target);
  if (d && d.device !== 'cdrom') refuse(`${target} is a ${d.device}, not a CD-ROM`);
  return d;
}

function withMedium(block: string, path: string | null): string {
  if (path === null) return removeChild(block, 'source');
  const b = withStartTag(block, setAttr(startTagOf(block), 'type', 'file'));
  return setChild(b, 'source', { source: { '@file': path } }, ['driver']);
}

export function cdromInsert(w: Work, c: Extract<VmSettingsChange, { kind: 'cdrom-insert' }>): Outcome {
  const vol = volumeOf(w, c.pool, c.volume);
  if (vol.format !== 'iso' && vol.format !== 'raw' && !/\.iso$/i.test(vol.name)) {
    refuse(`${c.volume} is ${vol.format ?? 'of an unknown format'}, not an ISO`);
  }
  const cd = cdromOf(w.doc, c.target);
  if (!cd) {
    if (c.target !== undefined) refuse(`The VM has no CD-ROM ${c.target}`);
    const { target } = newTarget(w, 'sata', undefined);
    const el: XmlNode = {
      disk: {
        '@type': 'file',
        '@device': 'cdrom',
        driver: { '@name': 'qemu', '@type': 'raw' },
        source: { '@file': vol.path },
        target: { '@dev': target, '@bus': 'sata' },
        readonly: '',
      },
    };
    w.doc = insertDevice(w.doc, el, ['disk', 'emulator']);
    const summary = `New CD-ROM ${target} with ${c.pool}/${c.volume}`;
    if (!w.running) return { summary, effect: 'next-boot', live: [] };
    return { summary, effect: 'next-boot', note: 'A CD-ROM drive cannot be added to a running VM', live: [] };
  }
  w.doc = splice(w.doc, cd.start, cd.end, withMedium(cd.text, vol.path));
  const summary = `Insert ${c.pool}/${c.volume} into ${cd.target}`;
  const live = w.running && w.live ? diskNamed(w.live, cd.target) : undefined;
  if (!live) return { summary, effect: 'next-boot', live: [] };
  return {
    summary,
    effect: 'both',
    live: [{ kind: 'change-media', target: cd.target, path: vol.path, insert: live.path === null }],
  };
}

export function cdromEject(w: Work, c: Extract<VmSettingsChange, { kind: 'cdrom-eject' }>): Outcome {
  const cd = cdromOf(w.doc, c.target) ?? refuse(`The VM has no CD-ROM ${c.target}`);
  w.doc = splice(w.doc, cd.start, cd.end, withMedium(cd.text, null));
  const summary = `Eject ${c.target}`;
  const live = w.running && w.live ? diskNamed(w.live, c.target) : undefined;
  if (!live || live.path === null) return { summary, effect: live ? 'both' : 'next-boot', live: [] };
  return {
    summary,
    effect: 'both',
    live: [{ kind: 'change-media', target: c.target, path: null, insert: false }],
  };
}

export function bootOrder(w: Work, order: readonly BootDeviceName[]): Outcome {
  if (/<boot\s+order=/.test(w.doc)) {
    refuse('This VM boots by per-device order (<boot order>): QHCI does not change it');
  }
  const os =
    /<os\b[^>]*>[\s\S]*?<\/os>/.exec(w.doc.slice(0, headEnd(w.doc))) ?? refuse('The domain has no <os>');
  let block = os[0];
  const indent = /\n([ \t]+)</.exec(block)?.[1] ?? '    ';
  const old = [...block.matchAll(/<boot\b[^>]*\/>/g)].map((m) => /dev=["']([^"']*)/.exec(m[0])?.[1] ?? '');
  while (childOf(block, 'boot')) block = removeChild(block, 'boot');
  const lines = order.map((dev) => fragment({ boot: { '@dev': dev } }, indent)).join('\n');
  let at = block.indexOf('>') + 1;
  for (const t of ['nvram', 'loader', 'firmware', 'type']) {
    const c = childOf(block, t);
    if (c) {
      at = c.end;
      break;
    }
  }
  block = splice(block, at, at, `\n${lines}`);
  w.doc = splice(w.doc, os.index, os.index + os[0].length, block);
  return {
    summary: `Boot order ${old.join(', ') || 'none'} → ${order.join(', ')}`,
    effect: 'next-boot',
    live: [],
  };
}

export function description(w: Work, value: string): Outcome {
  const head = w.doc.slice(0, headEnd(w.doc));
  const old = /<description>[\s\S]*?<\/description>|<description\s*\/>/.exec(head);
  const el = fragment({ description: value }, '').trim();
  if (old) {
    w.doc =
      value === ''
        ? removeBlock(w.doc, { start: old.index, end: old.index + old[0].length, text: old[0] })
        : splice(w.doc, old.index, old.index + old[0].length, el);
  } else if (value !== '') {
    const anchor =
      /<title>[\s\S]*?<\/title>/.exec(head) ??
      /<uuid>[^<]*<\/uuid>/.exec(head) ??
      /<name>[^<]*<\/name>/.exec(head);
    if (!anchor) return refuse('The domain has no <name>');
    const at = anchor.index + anchor[0].length;
    w.doc = splice(w.doc, at, at, `\n${lineIndent(w.doc, anchor.index)}${el}`);
  }
  const summary = value === '' ? 'Clear the description' : 'Change the description';
  if (!w.running) return { summary, effect: 'next-boot', live: [] };
  return { summary, effect: 'both', live: [{ kind: 'description', text: value }] };
}
