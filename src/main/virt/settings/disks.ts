/** The disk changes: add a new or an existing volume, grow, detach. */
import type { SettingsDiskBus, VmSettingsChange } from '../../../shared/domain/vm-settings';
import { diskTargetName } from '../domain-xml';
import type { XmlNode } from '../xml';
import { bootDisk, diskNamed, disksOf } from './facts';
import { hotplug } from './pcie';
import type { SettingsPool, SettingsVolume } from './types';
import { formatBytes, type Outcome, refuse, type Work } from './work';
import { insertDevice, removeBlock } from './xml-edit';

const BUS_PREFIX: Readonly<Record<SettingsDiskBus, 'vd' | 'sd'>> = { virtio: 'vd', sata: 'sd' };

function usedTargets(w: Work): Set<string> {
  return new Set([...disksOf(w.doc), ...(w.live ? disksOf(w.live) : [])].map((d) => d.target));
}

/** The bus and target of a new disk: the given ones checked, else the next free one. */
export function newTarget(
  w: Work,
  bus: SettingsDiskBus | undefined,
  target: string | undefined,
): { bus: SettingsDiskBus; target: string } {
  const used = usedTargets(w);
  const firstBus = disksOf(w.doc).find((d) => d.device === 'disk')?.bus;
  const fromTarget = target?.startsWith('vd') ? 'virtio' : target?.startsWith('sd') ? 'sata' : undefined;
  if (target !== undefined && fromTarget === undefined)
    refuse(`Target ${target}: new disks are vd… (virtio) or sd… (sata)`);
  const b: SettingsDiskBus = bus ?? fromTarget ?? (firstBus === 'sata' ? 'sata' : 'virtio');
  if (target !== undefined) {
    if (fromTarget !== b) refuse(`Target ${target} is not a ${b} disk name (${BUS_PREFIX[b]}…)`);
    if (used.has(target)) refuse(`Target ${target} is already used by another disk`);
    return { bus: b, target };
  }
  for (let i = 0; i < 26 * 27; i++) {
    const t = diskTargetName(BUS_PREFIX[b], i);
    if (!used.has(t)) return { bus: b, target: t };
  }
  return refuse('No free disk target');
}

function diskElement(path: string, format: string, target: string, bus: SettingsDiskBus): XmlNode {
  return {
    disk: {
      '@type': 'file',
      '@device': 'disk',
      driver: { '@name': 'qemu', '@type': format, ...(bus === 'virtio' ? { '@discard': 'unmap' } : {}) },
      source: { '@file': path },
      target: { '@dev': target, '@bus': bus },
    },
  };
}

function attachDisk(w: Work, el: XmlNode, bus: SettingsDiskBus): Omit<Outcome, 'summary'> {
  w.doc = insertDevice(w.doc, el, ['disk', 'emulator']);
  if (!w.running) return { effect: 'next-boot', live: [] };
  if (bus !== 'virtio') {
    return {
      effect: 'next-boot',
      note: 'A SATA disk cannot be added to a running VM: it appears at next boot',
      live: [],
    };
  }
  return hotplug(w, el);
}

function poolOf(w: Work, name: string): SettingsPool {
  return w.ctx.pools.find((p) => p.name === name) ?? refuse(`Pool ${name} is not on the VM's host`);
}

export function volumeOf(w: Work, pool: string, name: string): SettingsVolume {
  return (
    w.ctx.volumes.find((v) => v.pool === pool && v.name === name) ??
    refuse(`Volume ${name} is not in pool ${pool}`)
  );
}

export function diskAddNew(w: Work, c: Extract<VmSettingsChange, { kind: 'disk-add-new' }>): Outcome {
  const pool = poolOf(w, c.pool);
  if (pool.path === null)
    refuse(`Pool ${c.pool} is not a directory pool: QHCI creates new disks only in those`);
  const taken = (n: string) =>
    w.ctx.volumes.some((v) => v.pool === c.pool && v.name === n) ||
    w.createVolumes.some((v) => v.pool === c.pool && v.name === n);
  let name = c.name;
  if (name !== undefined && taken(name))
    refuse(`Volume ${name} already exists in pool ${c.pool}: attach it as an existing disk`);
  for (let n = 1; name === undefined; n++)
    if (!taken(`${w.name}-disk${n}.qcow2`)) name = `${w.name}-disk${n}.qcow2`;
  const { bus, target } = newTarget(w, c.bus, c.target);
  const path = `${pool.path!.replace(/\/+$/, '')}/${name}`;
  const out = attachDisk(w, diskElement(path, 'qcow2', target, bus), bus);
  w.createVolumes.push({ pool: c.pool, name, path, sizeBytes: c.sizeBytes, format: 'qcow2' });
  return { summary: `New ${formatBytes(c.sizeBytes)} disk ${target} (${c.pool}/${name})`, ...out };
}

export function diskAddExisting(
  w: Work,
  c: Extract<VmSettingsChange, { kind: 'disk-add-existing' }>,
): Outcome {
  const vol = volumeOf(w, c.pool, c.volume);
  if (vol.format === 'iso' || /\.iso$/i.test(vol.name))
    refuse(`${c.volume} is an ISO: insert it into a CD-ROM`);
  if (vol.format !== 'qcow2' && vol.format !== 'raw') {
    refuse(`${c.volume} is ${vol.format ?? 'of an unknown format'}: QHCI attaches qcow2 and raw volumes`);
  }
  const same = [...disksOf(w.doc), ...(w.live ? disksOf(w.live) : [])].find((d) => d.path === vol.path);
  if (same) refuse(`${c.volume} is already the VM's disk ${same.target}`);
  const { bus, target } = newTarget(w, c.bus, c.target);
  const out = attachDisk(w, diskElement(vol.path, vol.format!, target, bus), bus);
  return { summary: `Attach ${c.pool}/${c.volume} as ${target}`, ...out };
}

function volumeAt(w: Work, path: string | null): SettingsVolume | undefined {
  return path === null ? undefined : w.ctx.volumes.find((v) => v.path === path);
}

export function diskGrow(w: Work, c: Extract<VmSettingsChange, { kind: 'disk-grow' }>): Outcome {
  const disk = diskNamed(w.doc, c.target) ?? refuse(`The VM has no disk ${c.target}`);
  if (disk.device !== 'disk') refuse(`${c.target} is a ${disk.device}, not a disk`);
  const vol =
    volumeAt(w, disk.path) ?? refuse(`Disk ${c.target} is no volume QHCI knows: it cannot be grown here`);
  if (c.sizeBytes <= vol.capacityBytes) {
    refuse(`Disk ${c.target} is already ${formatBytes(vol.capacityBytes)}: disks only grow`);
  }
  const summary = `Grow ${c.target} ${formatBytes(vol.capacityBytes)} → ${formatBytes(c.sizeBytes)}`;
  if (w.running && w.live && diskNamed(w.live, c.target)) {
    return { summary, effect: 'both', live: [{ kind: 'blockresize', target: c.target, bytes: c.sizeBytes }] };
  }
  w.resizeVolumes.push({ pool: vol.pool, name: vol.name, path: vol.path, sizeBytes: c.sizeBytes });
  return { summary, effect: 'next-boot', live: [] };
}

export function diskDetach(w: Work, c: Extract<VmSettingsChange, { kind: 'disk-detach' }>): Outcome {
  const disk = diskNamed(w.doc, c.target) ?? refuse(`The VM has no disk ${c.target}`);
  if (disk.device === 'cdrom') refuse(`${c.target} is a CD-ROM: eject it instead`);
  if (bootDisk(w.doc)?.target === c.target) refuse(`${c.target} is the disk the VM boots from`);
  let summary = `Detach ${c.target}`;
  if (c.deleteVolume) {
    const vol =
      volumeAt(w, disk.path) ??
      refuse(`Disk ${c.target} is no volume QHCI knows: detach it without deleting`);
    w.deleteVolumes.push({ pool: vol.pool, name: vol.name, path: vol.path });
    summary += ` and delete ${vol.pool}/${vol.name}`;
  }
  w.doc = removeBlock(w.doc, disk);
  const live = w.running && w.live ? diskNamed(w.live, c.target) : undefined;
  if (!live) return { summary, effect: 'next-boot', live: [] };
  if (live.bus !== 'virtio' && live.bus !== 'scsi') {
    return {
      summary,
      effect: 'next-boot',
      note: `A ${live.bus ?? ''} disk cannot be removed from a running VM`,
      live: [],
    };
  }
  return { summary, effect: 'both', live: [{ kind: 'detach-device', xml: live.text }] };
}
