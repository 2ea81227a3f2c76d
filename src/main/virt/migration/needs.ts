/**
 * What a VM's definition asks of a destination host before it can migrate there: its machine type and CPU
 * mode, the files its disks, CD-ROMs and NVRAM read (paths kept on the destination), and what cannot
 * migrate at all (host devices, disks that are not files, shared disks).
 */
import { cpuVariantOf } from '../cpu-xml';
import { disksOf } from '../settings/facts';
import { node, nodes, parseXml, text } from '../xml';

export interface MigratingDisk {
  readonly target: string;
  readonly device: 'disk' | 'cdrom' | 'floppy' | 'lun';
  readonly path: string;
  readonly readonly: boolean;
}

export interface MigrationNeeds {
  readonly name: string;
  readonly uuid: string;
  readonly arch: string | null;
  readonly machine: string | null;
  /** The CPU variant (host-passthrough, host-model, model:X, default). */
  readonly cpu: string;
  readonly disks: readonly MigratingDisk[];
  readonly nvram: string | null;
  readonly tpm: boolean;
  /** Why it cannot migrate anywhere; empty when it can. */
  readonly blockers: readonly string[];
}

const DEVICE_KINDS = new Set(['disk', 'cdrom', 'floppy', 'lun']);

export function migrationNeeds(domainXml: string): MigrationNeeds {
  const dom = node(parseXml(domainXml), 'domain');
  if (!dom) throw new Error('Not a domain document');
  const os = node(dom, 'os');
  const type = node(os, 'type');
  const devices = node(dom, 'devices');
  const blockers: string[] = [];
  const disks: MigratingDisk[] = [];
  for (const d of disksOf(domainXml)) {
    const device = (DEVICE_KINDS.has(d.device) ? d.device : 'disk') as MigratingDisk['device'];
    const shown = `${device === 'cdrom' ? 'CD-ROM' : 'Disk'} ${d.target}`;
    if (d.path === null) {
      if (device !== 'cdrom') blockers.push(`${shown} has no source`);
      continue; // an empty CD-ROM tray needs nothing
    }
    if (d.type !== 'file') {
      blockers.push(
        `${shown} is a ${d.type} disk, not a file: only file disks migrate without shared storage`,
      );
      continue;
    }
    if (/<shareable\s*\/>/.test(d.text)) blockers.push(`${shown} is shared with other VMs`);
    disks.push({ target: d.target, device, path: d.path, readonly: /<readonly\s*\/>/.test(d.text) });
  }
  const hostdevs = nodes(devices, 'hostdev').length;
  if (hostdevs > 0)
    blockers.push(
      `It uses ${hostdevs === 1 ? 'a host device' : `${hostdevs} host devices`} (PCI or USB passthrough)`,
    );
  return {
    name: text(dom, 'name') ?? '',
    uuid: text(dom, 'uuid') ?? '',
    arch: text(type, '@arch') ?? null,
    machine: text(type, '@machine') ?? null,
    cpu: cpuVariantOf(domainXml),
    disks,
    nvram: text(os, 'nvram') ?? null,
    tpm: nodes(devices, 'tpm').length > 0,
    blockers,
  };
}
