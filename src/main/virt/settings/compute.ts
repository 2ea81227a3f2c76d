/** The vCPU and memory changes. */
import type { VmSettingsChange } from '../../../shared/domain/vm-settings';
import { headOf } from './facts';
import type { LiveAction } from './types';
import { formatBytes, type Outcome, refuse, type Work } from './work';
import { headEnd, lineIndent, removeAttr, setAttr, splice, startTagOf } from './xml-edit';

function setVcpu(doc: string, max: number, current: number): string {
  const vcpu = /<vcpu\b[^>]*>[^<]*<\/vcpu>/.exec(doc.slice(0, headEnd(doc)));
  if (!vcpu) return refuse('The domain has no <vcpu> element');
  let tag = startTagOf(vcpu[0]);
  tag = current < max ? setAttr(tag, 'current', String(current)) : removeAttr(tag, 'current');
  const out = splice(doc, vcpu.index, vcpu.index + vcpu[0].length, `${tag}${max}</vcpu>`);
  const topo = /<topology\b[^>]*\/>/.exec(out.slice(0, headEnd(out)));
  if (!topo) return out;
  const has = (n: string) => new RegExp(`\\s${n}=`).test(topo[0]);
  const get = (n: string) => Number(new RegExp(`\\s${n}=["'](\\d+)["']`).exec(topo[0])?.[1] ?? 1);
  const others = get('sockets') * get('dies') * get('clusters') * get('threads');
  if (others * get('cores') === max) return out;
  let next = topo[0];
  if (max % others === 0) {
    next = setAttr(next, 'cores', String(max / others));
  } else {
    // One socket of `max` cores: the only topology every count has.
    next = setAttr(setAttr(next, 'sockets', '1'), 'cores', String(max));
    for (const n of ['dies', 'clusters', 'threads']) if (has(n)) next = setAttr(next, n, '1');
  }
  return splice(out, topo.index, topo.index + topo[0].length, next);
}

export function vcpus(w: Work, c: Extract<VmSettingsChange, { kind: 'vcpus' }>): Outcome {
  const head = headOf(w.doc);
  const max = c.maximum ?? head.vcpuMax;
  if (c.current > max) refuse(`${c.current} vCPUs is above the maximum of ${max}: raise the maximum too`);
  if (c.maximum !== undefined && c.maximum !== head.vcpuMax && /<vcpus\s*>/.test(w.doc)) {
    refuse('This VM lists its vCPUs one by one (<vcpus>): QHCI does not change their number');
  }
  w.doc = setVcpu(w.doc, max, c.current);
  const summary =
    `vCPUs ${head.vcpuCurrent} → ${c.current}` +
    (max !== head.vcpuMax ? ` (maximum ${head.vcpuMax} → ${max})` : '');
  if (!w.running || !w.live) return { summary, effect: 'next-boot', live: [] };
  const live = headOf(w.live);
  if (c.current > live.vcpuMax) {
    return {
      summary,
      effect: 'next-boot',
      note: `The running VM can have at most ${live.vcpuMax} vCPUs; ${c.current} from its next boot`,
      live: [],
    };
  }
  const actions: LiveAction[] =
    c.current === live.vcpuCurrent ? [] : [{ kind: 'setvcpus', count: c.current }];
  return max === live.vcpuMax
    ? { summary, effect: 'both', live: actions }
    : {
        summary,
        effect: 'both',
        note: `The maximum of ${max} vCPUs takes effect at next boot`,
        live: actions,
      };
}

function setMemoryElement(doc: string, tag: 'memory' | 'currentMemory', kib: number): string {
  const re = new RegExp(`<${tag}\\b[^>]*>[^<]*</${tag}>`);
  const m = re.exec(doc.slice(0, headEnd(doc)));
  if (m) {
    const start = setAttr(startTagOf(m[0]), 'unit', 'KiB');
    return splice(doc, m.index, m.index + m[0].length, `${start}${kib}</${tag}>`);
  }
  if (tag === 'memory') return refuse('The domain has no <memory> element');
  const mem = /<memory\b[^>]*>[^<]*<\/memory>/.exec(doc.slice(0, headEnd(doc)));
  if (!mem) return refuse('The domain has no <memory> element');
  const at = mem.index + mem[0].length;
  return splice(
    doc,
    at,
    at,
    `\n${lineIndent(doc, mem.index)}<currentMemory unit='KiB'>${kib}</currentMemory>`,
  );
}

export function memory(w: Work, c: Extract<VmSettingsChange, { kind: 'memory' }>): Outcome {
  const head = headOf(w.doc);
  const kib = c.currentBytes / 1024;
  const maxKib = c.maximumBytes === undefined ? head.memoryKib : c.maximumBytes / 1024;
  if (kib > maxKib) {
    refuse(
      `${formatBytes(c.currentBytes)} is above the maximum memory of ${formatBytes(maxKib * 1024)}: raise the maximum too`,
    );
  }
  if (maxKib !== head.memoryKib && /<numa\s*>/.test(w.doc)) {
    refuse('This VM has NUMA cells: QHCI does not change their memory');
  }
  w.doc = setMemoryElement(setMemoryElement(w.doc, 'memory', maxKib), 'currentMemory', kib);
  const summary =
    `Memory ${formatBytes(head.currentMemoryKib * 1024)} → ${formatBytes(c.currentBytes)}` +
    (maxKib !== head.memoryKib
      ? ` (maximum ${formatBytes(head.memoryKib * 1024)} → ${formatBytes(maxKib * 1024)})`
      : '');
  if (!w.running || !w.live) return { summary, effect: 'next-boot', live: [] };
  const live = headOf(w.live);
  if (kib > live.memoryKib) {
    return {
      summary,
      effect: 'next-boot',
      note: `The running VM can have at most ${formatBytes(live.memoryKib * 1024)}; ${formatBytes(c.currentBytes)} from its next boot`,
      live: [],
    };
  }
  if (!live.balloon && kib !== live.currentMemoryKib) {
    return {
      summary,
      effect: 'next-boot',
      note: 'The VM has no balloon device: memory changes at next boot',
      live: [],
    };
  }
  const actions: LiveAction[] = kib === live.currentMemoryKib ? [] : [{ kind: 'setmem', kib }];
  return maxKib === live.memoryKib
    ? { summary, effect: 'both', live: actions }
    : { summary, effect: 'both', note: 'The new maximum takes effect at next boot', live: actions };
}
