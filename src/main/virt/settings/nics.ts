/** The NIC changes: add, remove, change network or model. */
import type { VmSettingsChange } from '../../../shared/domain/vm-settings';
import type { XmlNode } from '../xml';
import { nicNamed } from './facts';
import { hotplug } from './pcie';
import { type Outcome, refuse, type Work } from './work';
import { insertDevice, removeBlock, setAttr, setChild, splice, startTagOf, withStartTag } from './xml-edit';

function knownNetwork(w: Work, name: string): string {
  return w.ctx.networks.includes(name) ? name : refuse(`Network ${name} is not on the VM's host`);
}

export function nicAdd(w: Work, c: Extract<VmSettingsChange, { kind: 'nic-add' }>): Outcome {
  knownNetwork(w, c.network);
  const mac = w.ctx.macs[w.macs]?.toLowerCase();
  if (mac === undefined) throw new Error('A new NIC needs a MAC: pass one per added NIC in context.macs');
  if (!/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/.test(mac)) throw new Error(`Not a MAC address: ${mac}`);
  w.macs++;
  if (nicNamed(w.doc, mac) || (w.live && nicNamed(w.live, mac))) refuse(`MAC ${mac} is already the VM's`);
  const el: XmlNode = {
    interface: {
      '@type': 'network',
      mac: { '@address': mac },
      source: { '@network': c.network },
      model: { '@type': c.model },
    },
  };
  w.doc = insertDevice(w.doc, el, ['interface', 'controller', 'disk']);
  const summary = `New ${c.model} NIC ${mac} on ${c.network}`;
  if (!w.running) return { summary, effect: 'next-boot', live: [] };
  return { summary, ...hotplug(w, el) };
}

export function nicRemove(w: Work, c: Extract<VmSettingsChange, { kind: 'nic-remove' }>): Outcome {
  const nic = nicNamed(w.doc, c.mac) ?? refuse(`The VM has no NIC ${c.mac}`);
  w.doc = removeBlock(w.doc, nic);
  const summary = `Remove NIC ${c.mac}`;
  const live = w.running && w.live ? nicNamed(w.live, c.mac) : undefined;
  if (!live) return { summary, effect: 'next-boot', live: [] };
  return { summary, effect: 'both', live: [{ kind: 'detach-device', xml: live.text }] };
}

function withNetwork(block: string, network: string): string {
  const tag = startTagOf(block);
  const b = withStartTag(block, setAttr(tag, 'type', 'network'));
  return setChild(b, 'source', { source: { '@network': network } }, ['mac']);
}

export function nicUpdate(w: Work, c: Extract<VmSettingsChange, { kind: 'nic-update' }>): Outcome {
  const nic = nicNamed(w.doc, c.mac) ?? refuse(`The VM has no NIC ${c.mac}`);
  const network = c.network === undefined ? undefined : knownNetwork(w, c.network);
  let block = nic.text;
  const parts: string[] = [];
  if (network !== undefined && network !== nic.network) {
    block = withNetwork(block, network);
    parts.push(`network ${nic.network ?? nic.type} → ${network}`);
  }
  if (c.model !== undefined && c.model !== nic.model) {
    block = setChild(block, 'model', { model: { '@type': c.model } }, ['source', 'mac']);
    parts.push(`model ${nic.model ?? 'default'} → ${c.model}`);
  }
  const summary = `NIC ${c.mac}: ${parts.length > 0 ? parts.join(', ') : 'unchanged'}`;
  w.doc = splice(w.doc, nic.start, nic.end, block);
  const live = w.running && w.live ? nicNamed(w.live, c.mac) : undefined;
  if (!live || parts.length === 0) return { summary, effect: 'next-boot', live: [] };
  if (c.model !== undefined && c.model !== live.model) {
    return { summary, effect: 'next-boot', note: 'A NIC model cannot change on a running VM', live: [] };
  }
  if (network === undefined || network === live.network) return { summary, effect: 'both', live: [] };
  return { summary, effect: 'both', live: [{ kind: 'update-device', xml: withNetwork(live.text, network) }] };
}
