/** PCIe slot accounting for devices hot-plugged into a running VM. */
import type { XmlNode } from '../xml';
import type { Outcome, Work } from './work';
import { deviceBlocks, deviceXml, startTagOf } from './xml-edit';

/**
 * The PCIe slots a running q35 VM has free for a hot-plugged device: its pcie-root-port controllers no device
 * sits behind (QEMU adds no root port to a running VM). null: not a PCIe machine.
 */
export function freePcieSlots(live: string): number | null {
  const tags = deviceBlocks(live, 'controller').map((b) => startTagOf(b.text));
  const model = (t: string) => /\smodel=["']([^"']*)/.exec(t)?.[1];
  if (!tags.some((t) => model(t) === 'pcie-root')) return null;
  const used = new Set(
    [...live.matchAll(/<address\b[^>]*>/g)]
      .filter((m) => /\stype=["']pci["']/.test(m[0]))
      .map((m) => Number(/\sbus=["']([^"']*)/.exec(m[0])?.[1] ?? 0)),
  );
  return tags.filter(
    (t) => model(t) === 'pcie-root-port' && !used.has(Number(/\sindex=["'](\d+)/.exec(t)?.[1])),
  ).length;
}

/** A PCI device attached to the running VM too, while it has a free slot; else from its next boot. */
export function hotplug(w: Work, el: XmlNode): Omit<Outcome, 'summary'> {
  if (w.pcieFree === 0) {
    return {
      effect: 'next-boot',
      note: 'The running VM has no free PCIe slot (none can be added while it runs): it appears at next boot',
      live: [],
    };
  }
  if (w.pcieFree !== null) w.pcieFree--;
  return { effect: 'both', live: [{ kind: 'attach-device', xml: deviceXml(el) }] };
}
