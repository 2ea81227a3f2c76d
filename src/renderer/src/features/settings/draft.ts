/**
 * The Settings tab's draft: the VM's values as the form edits them (text as typed), and the pure step from
 * a draft to the list of changes `vms.settingsPlan` and `vms.updateSettings` take. Nothing is sent for what
 * the user left as it was; field errors are a field → message map, as in the wizard.
 */
import type { VmDetail } from '../../../../shared/domain/vm';
import {
  VmSettingsInput,
  type BootDeviceName,
  type SettingsDiskBus,
  type VmSettingsChange,
} from '../../../../shared/domain/vm-settings';
import { MiB, type NIC_MODELS } from '../../../../shared/domain/provision';
import { parseLabels } from '../specs/draft';

export type NicModelName = (typeof NIC_MODELS)[number];

export interface DiskEdit {
  /** New size in GiB as typed; '' keeps the size. */
  readonly growGiB: string;
  readonly detach: boolean;
  /** With detach: delete the volume the disk reads too. */
  readonly deleteVolume: boolean;
}

export interface NewDiskDraft {
  readonly key: number;
  readonly pool: string;
  readonly sizeGiB: string;
  readonly bus: SettingsDiskBus;
}

export interface ExistingDiskDraft {
  readonly key: number;
  /** `pool/volume`; '' until one is chosen. */
  readonly volume: string;
  readonly bus: SettingsDiskBus;
}

export interface NicEdit {
  readonly remove: boolean;
  readonly network: string;
  readonly model: string;
}

export interface NewNicDraft {
  readonly key: number;
  readonly network: string;
  readonly model: NicModelName;
}

/** A CD-ROM: as it is, ejected, or an ISO (`pool/volume`) inserted. */
export type CdromEdit =
  | { readonly action: 'keep' }
  | { readonly action: 'eject' }
  | { readonly action: 'insert'; readonly iso: string };

export interface SettingsDraft {
  readonly vcpus: string;
  /** '' keeps the maximum. */
  readonly vcpuMax: string;
  readonly memoryMiB: string;
  /** '' keeps the maximum. */
  readonly memoryMaxMiB: string;
  /** By disk target (disks only, not CD-ROMs). */
  readonly disks: Readonly<Record<string, DiskEdit>>;
  readonly newDisks: readonly NewDiskDraft[];
  readonly existingDisks: readonly ExistingDiskDraft[];
  /** By MAC address. */
  readonly nics: Readonly<Record<string, NicEdit>>;
  readonly newNics: readonly NewNicDraft[];
  /** By CD-ROM target. */
  readonly cdroms: Readonly<Record<string, CdromEdit>>;
  /** An ISO (`pool/volume`) for a VM without a CD-ROM: a new one is added; '' for none. */
  readonly newCdromIso: string;
  /** null keeps the boot order. */
  readonly bootOrder: readonly BootDeviceName[] | null;
  readonly autostart: 'keep' | 'on' | 'off';
  readonly description: string;
  /** key=value, one a line. */
  readonly labels: string;
  readonly nextKey: number;
}

type Disk = NonNullable<VmDetail['details']['disks']>[number];
type Nic = NonNullable<VmDetail['details']['nics']>[number];

export const disksOf = (vm: VmDetail): readonly Disk[] =>
  (vm.details.disks ?? []).filter((d) => d.device === 'disk');
export const cdromsOf = (vm: VmDetail): readonly Disk[] =>
  (vm.details.disks ?? []).filter((d) => d.device === 'cdrom');
/** NICs the settings can name: those with a MAC address. */
export const nicsOf = (vm: VmDetail): readonly (Nic & { mac: string })[] =>
  (vm.details.nics ?? []).filter((n): n is Nic & { mac: string } => n.mac !== null);

export const labelsText = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');

export function initDraft(vm: VmDetail): SettingsDraft {
  return {
    vcpus: vm.vcpus === null ? '' : String(vm.vcpus),
    vcpuMax: '',
    memoryMiB: vm.memoryBytes === null ? '' : String(Math.round(vm.memoryBytes / MiB)),
    memoryMaxMiB: '',
    disks: Object.fromEntries(
      disksOf(vm).map((d) => [d.target, { growGiB: '', detach: false, deleteVolume: false }]),
    ),
    newDisks: [],
    existingDisks: [],
    nics: Object.fromEntries(
      nicsOf(vm).map((n) => [n.mac, { remove: false, network: n.source ?? '', model: n.model ?? '' }]),
    ),
    newNics: [],
    cdroms: Object.fromEntries(cdromsOf(vm).map((c) => [c.target, { action: 'keep' } as const])),
    newCdromIso: '',
    bootOrder: null,
    autostart: 'keep',
    description: vm.description,
    labels: labelsText(vm.labels),
    nextKey: 1,
  };
}

/** A whole number as typed, or null when it is not one. */
function wholeNumber(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** GiB as typed (decimals allowed), in bytes rounded to whole MiB, or null. */
export function gibToBytes(text: string): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const mib = Math.round(Number(t) * 1024);
  return mib > 0 ? mib * MiB : null;
}

export type DraftErrors = Readonly<Record<string, string>>;

/** Context for the checks the draft alone cannot make: each disk's size now, when known. */
export interface DraftContext {
  readonly diskBytes: ReadonlyMap<string, number>;
}

function sizeErrors(d: SettingsDraft, ctx: DraftContext): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [target, e] of Object.entries(d.disks)) {
    if (e.detach || e.growGiB.trim() === '') continue;
    const bytes = gibToBytes(e.growGiB);
    const now = ctx.diskBytes.get(target);
    if (bytes === null) errors[`grow-${target}`] = 'Give the new size in GiB (a number above 0)';
    else if (now !== undefined && bytes <= now)
      errors[`grow-${target}`] = 'A disk only grows: give a larger size';
  }
  for (const n of d.newDisks) {
    if (n.pool === '') errors[`new-disk-${n.key}-pool`] = 'Choose a pool';
    if (gibToBytes(n.sizeGiB) === null)
      errors[`new-disk-${n.key}-size`] = 'Give the size in GiB (a number above 0)';
  }
  for (const x of d.existingDisks) {
    if (x.volume === '') errors[`existing-disk-${x.key}`] = 'Choose a volume';
  }
  return errors;
}

/** Errors of the fields, by field id: what stops the review until fixed. */
export function validateDraft(d: SettingsDraft, ctx: DraftContext): DraftErrors {
  const errors: Record<string, string> = {};
  const vcpus = wholeNumber(d.vcpus);
  const vcpuMax = d.vcpuMax.trim() === '' ? undefined : wholeNumber(d.vcpuMax);
  if (vcpus === null || vcpus < 1) errors.vcpus = 'Give a whole number of vCPUs, at least 1';
  if (vcpuMax === null || vcpuMax === 0) errors.vcpuMax = 'Give a whole number, or leave it empty to keep it';
  else if (vcpus !== null && vcpuMax !== undefined && vcpus > vcpuMax) {
    errors.vcpus = `${vcpus} vCPUs is above the maximum of ${vcpuMax}`;
  }
  const mem = wholeNumber(d.memoryMiB);
  const memMax = d.memoryMaxMiB.trim() === '' ? undefined : wholeNumber(d.memoryMaxMiB);
  if (mem === null || mem < 64) errors.memory = 'Give the memory in whole MiB, at least 64';
  if (memMax === null || (memMax !== undefined && memMax < 64)) {
    errors.memoryMax = 'Give whole MiB (at least 64), or leave it empty to keep it';
  } else if (mem !== null && memMax !== undefined && mem > memMax) {
    errors.memory = 'Memory is above the maximum memory';
  }
  Object.assign(errors, sizeErrors(d, ctx));
  d.newNics.forEach((n) => {
    if (n.network === '') errors[`new-nic-${n.key}`] = 'Choose a network';
  });
  const insert = Object.entries(d.cdroms).find(([, c]) => c.action === 'insert' && c.iso === '');
  if (insert) errors[`cdrom-${insert[0]}`] = 'Choose an ISO';
  if (d.bootOrder !== null && d.bootOrder.length === 0) errors.bootOrder = 'Keep at least one boot device';
  const labels = parseLabels(d.labels);
  if (labels.error !== undefined) errors.labels = labels.error;
  return errors;
}

const splitVolume = (v: string): { pool: string; volume: string } => {
  const at = v.indexOf('/');
  return { pool: v.slice(0, at), volume: v.slice(at + 1) };
};

/**
 * The maximum to send: the one typed, else the value itself when it passes the maximum the VM has (what the
 * inventory reads as its vCPUs and memory is libvirt's `<vcpu>` and `<memory>`, the maxima), as virt-manager
 * raises "maximum allocation" along; else none (kept).
 */
function maximumFor(value: number, typed: number | null, now: number | null): number | null {
  if (typed !== null) return typed;
  return now !== null && value > now ? value : null;
}

function computeChanges(d: SettingsDraft, vm: VmDetail): VmSettingsChange[] {
  const out: VmSettingsChange[] = [];
  const vcpus = wholeNumber(d.vcpus);
  if (vcpus !== null && (vcpus !== vm.vcpus || d.vcpuMax.trim() !== '')) {
    const maximum = maximumFor(vcpus, wholeNumber(d.vcpuMax), vm.vcpus);
    out.push({ kind: 'vcpus', current: vcpus, ...(maximum === null ? {} : { maximum }) });
  }
  const mem = wholeNumber(d.memoryMiB);
  const memBytes = mem === null ? null : mem * MiB;
  if (memBytes !== null && (memBytes !== vm.memoryBytes || d.memoryMaxMiB.trim() !== '')) {
    const typed = wholeNumber(d.memoryMaxMiB);
    const maximumBytes = maximumFor(memBytes, typed === null ? null : typed * MiB, vm.memoryBytes);
    out.push({ kind: 'memory', currentBytes: memBytes, ...(maximumBytes === null ? {} : { maximumBytes }) });
  }
  return out;
}

function diskChanges(d: SettingsDraft): VmSettingsChange[] {
  const out: VmSettingsChange[] = [];
  for (const [target, e] of Object.entries(d.disks)) {
    const bytes = gibToBytes(e.growGiB);
    if (e.detach) out.push({ kind: 'disk-detach', target, deleteVolume: e.deleteVolume });
    else if (bytes !== null) out.push({ kind: 'disk-grow', target, sizeBytes: bytes });
  }
  for (const n of d.newDisks) {
    const bytes = gibToBytes(n.sizeGiB);
    if (n.pool !== '' && bytes !== null)
      out.push({ kind: 'disk-add-new', pool: n.pool, sizeBytes: bytes, bus: n.bus });
  }
  for (const x of d.existingDisks) {
    if (x.volume !== '') out.push({ kind: 'disk-add-existing', ...splitVolume(x.volume), bus: x.bus });
  }
  return out;
}

function nicChanges(d: SettingsDraft, vm: VmDetail): VmSettingsChange[] {
  const out: VmSettingsChange[] = [];
  for (const nic of nicsOf(vm)) {
    const e = d.nics[nic.mac];
    if (e === undefined) continue;
    if (e.remove) {
      out.push({ kind: 'nic-remove', mac: nic.mac });
      continue;
    }
    const network = e.network !== (nic.source ?? '') && e.network !== '' ? e.network : undefined;
    const model = e.model !== (nic.model ?? '') && e.model !== '' ? (e.model as NicModelName) : undefined;
    if (network !== undefined || model !== undefined) {
      out.push({
        kind: 'nic-update',
        mac: nic.mac,
        ...(network ? { network } : {}),
        ...(model ? { model } : {}),
      });
    }
  }
  for (const n of d.newNics) {
    if (n.network !== '') out.push({ kind: 'nic-add', network: n.network, model: n.model });
  }
  return out;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

function otherChanges(d: SettingsDraft, vm: VmDetail): VmSettingsChange[] {
  const out: VmSettingsChange[] = [];
  for (const [target, c] of Object.entries(d.cdroms)) {
    if (c.action === 'eject') out.push({ kind: 'cdrom-eject', target });
    if (c.action === 'insert' && c.iso !== '')
      out.push({ kind: 'cdrom-insert', target, ...splitVolume(c.iso) });
  }
  if (d.newCdromIso !== '') out.push({ kind: 'cdrom-insert', ...splitVolume(d.newCdromIso) });
  if (d.bootOrder !== null && d.bootOrder.length > 0)
    out.push({ kind: 'boot-order', order: [...d.bootOrder] });
  if (d.autostart !== 'keep') out.push({ kind: 'autostart', enabled: d.autostart === 'on' });
  if (d.description !== vm.description) out.push({ kind: 'description', text: d.description });
  const labels = parseLabels(d.labels);
  if (labels.error === undefined && !sameLabels(labels.labels, vm.labels)) {
    out.push({ kind: 'labels', labels: labels.labels });
  }
  return out;
}

/** The changes the draft makes to the VM, in the order the sections show them; [] when it is unchanged. */
export function draftChanges(d: SettingsDraft, vm: VmDetail): VmSettingsChange[] {
  return [...computeChanges(d, vm), ...diskChanges(d), ...nicChanges(d, vm), ...otherChanges(d, vm)];
}

/** What the request as a whole breaks (two changes on one thing, too many): the schema's own words. */
export function requestErrors(vmId: string, changes: readonly VmSettingsChange[]): string[] {
  if (changes.length === 0) return [];
  const r = VmSettingsInput.safeParse({ vmId, changes });
  return r.success ? [] : [...new Set(r.error.issues.map((i) => i.message))];
}

/** The changes that destroy something and need a confirmation, in words. */
export function destructiveChanges(changes: readonly VmSettingsChange[], vm: VmDetail): string[] {
  return changes.flatMap((c) => {
    if (c.kind === 'disk-detach' && c.deleteVolume) {
      const source = disksOf(vm).find((d) => d.target === c.target)?.source;
      return [`Disk ${c.target} is detached and its volume${source ? ` ${source}` : ''} is deleted`];
    }
    if (c.kind === 'nic-remove') {
      const network = nicsOf(vm).find((n) => n.mac === c.mac)?.source;
      return [`NIC ${c.mac}${network ? ` (on ${network})` : ''} is removed`];
    }
    return [];
  });
}

const KIND_TITLES: Record<VmSettingsChange['kind'], string> = {
  vcpus: 'vCPUs',
  memory: 'Memory',
  'disk-add-new': 'New disk',
  'disk-add-existing': 'Existing volume',
  'disk-grow': 'Grow disk',
  'disk-detach': 'Detach disk',
  'nic-add': 'New NIC',
  'nic-remove': 'Remove NIC',
  'nic-update': 'Change NIC',
  'cdrom-insert': 'Insert ISO',
  'cdrom-eject': 'Eject CD-ROM',
  'boot-order': 'Boot order',
  autostart: 'Autostart',
  description: 'Description',
  labels: 'Labels',
};

/** A short name for a requested change, for a refusal that names it ("Grow disk vda"). */
export function changeTitle(c: VmSettingsChange): string {
  const title = KIND_TITLES[c.kind];
  if ('target' in c && c.target !== undefined) return `${title} ${c.target}`;
  if ('mac' in c) return `${title} ${c.mac}`;
  if (c.kind === 'disk-add-new' || c.kind === 'disk-add-existing' || c.kind === 'cdrom-insert') {
    return `${title} in ${c.pool}`;
  }
  if (c.kind === 'nic-add') return `${title} on ${c.network}`;
  return title;
}
