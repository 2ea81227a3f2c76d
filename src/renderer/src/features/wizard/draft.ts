/**
 * The wizard's draft: what its fields hold, as the user typed it (numbers stay text until they are
 * checked). Each step owns one section; its `initStep` gives the section's defaults and its `validateStep`
 * turns the section into request fields or field errors. Pure: no React, no calls.
 */
import type { Accelerator } from '../../../../shared/domain/cpu';
import type { FirmwareChoice } from '../../../../shared/domain/firmware';
import type { GuestProfileId } from '../../../../shared/domain/guest-profiles';
import type { PlacementOutcome, PlacementStrategy } from '../../../../shared/domain/placement';
import type { NIC_MODELS } from '../../../../shared/domain/provision';
import type { ImageSummary } from '../../../../shared/domain/provision';
import type { CustomizationSpec } from '../../../../shared/domain/spec';
import type { HostSummary, StoredPool } from '../../../../shared/domain/host';

export const STEP_IDS = [
  'basics',
  'placement',
  'compute',
  'storage',
  'network',
  'boot',
  'customization',
  'review',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const STEP_NAMES: Readonly<Record<StepId, string>> = {
  basics: 'Basics',
  placement: 'Placement',
  compute: 'Compute',
  storage: 'Storage',
  network: 'Network',
  boot: 'Boot media',
  customization: 'Customization',
  review: 'Review',
};

export type SizeUnit = 'MiB' | 'GiB';

export interface BasicsDraft {
  name: string;
  description: string;
  /** null: the project the UI shows. */
  projectId: string | null;
  /** null: the project's root folder. */
  folderId: string | null;
  count: string;
}

export interface PlacementDraft {
  mode: 'auto' | 'manual';
  /** The picked host (manual mode). */
  hostId: string | null;
  strategy: PlacementStrategy;
  antiAffinityGroup: string;
}

export interface ComputeDraft {
  sockets: string;
  cores: string;
  /** A preset's or the custom value, in GiB. */
  memoryGiB: string;
  memoryCustom: boolean;
  /** auto, host-passthrough, host-model, default or a CPU model name. */
  cpuMode: string;
  accelerator: Accelerator;
}

export interface NewDiskDraft {
  key: string;
  kind: 'new';
  size: string;
  unit: SizeUnit;
  /** '' lets the scheduler pick a pool on the chosen host. */
  pool: string;
  thin: boolean;
}
export interface ExistingDiskDraft {
  key: string;
  kind: 'existing';
  /** The volume's image id (images.list kind 'disk'); '' until one is chosen. */
  imageId: string;
  pool: string;
  volume: string;
}
export type DiskDraft = NewDiskDraft | ExistingDiskDraft;

export interface StorageDraft {
  disks: DiskDraft[];
}

export type NicModelChoice = '' | (typeof NIC_MODELS)[number];
export interface NicDraft {
  key: string;
  network: string;
  /** '' : the guest profile's model. */
  model: NicModelChoice;
}
export interface NetworkDraft {
  nics: NicDraft[];
}

export interface BootDraft {
  kind: 'cloud-image' | 'iso' | 'none';
  imageId: string | null;
  profile: GuestProfileId;
  /** auto: the profile's firmware. */
  firmware: FirmwareChoice;
}

export interface CustomizationDraft {
  specId: string | null;
  hostnameTemplate: string;
  timezone: string;
  user: string;
  /** One public key per line, as the spec form has it. */
  sshKeys: string;
  installAgent: boolean;
  userData: string;
  userDataMode: 'merge' | 'raw';
  networkConfig: string;
}

export interface WizardDraft {
  basics: BasicsDraft;
  placement: PlacementDraft;
  compute: ComputeDraft;
  storage: StorageDraft;
  network: NetworkDraft;
  boot: BootDraft;
  customization: CustomizationDraft;
}

/** Never part of the draft: held in memory only, beside it, and dropped on discard and on create. */
export interface WizardSecrets {
  password: string;
  passwordConfirm: string;
}

export const NO_SECRETS: WizardSecrets = { password: '', passwordConfirm: '' };

/** Field → message. Keys are field paths such as `name`, `disks.0.size`, `sshKeys.1`. */
export type StepErrors = Record<string, string>;

export type StepCheck<T> = { ok: true; value: T; errors: StepErrors } | { ok: false; errors: StepErrors };

/** What validation needs to know beyond the draft: the inventory and the scheduler's dry run, as loaded. */
export interface WizardFacts {
  readonly hosts: readonly HostSummary[];
  /** Pools of the hosts, by host id (only the hosts loaded so far). */
  readonly pools: Readonly<Record<string, readonly StoredPool[]>>;
  /** The dry run for the current draft; undefined while it runs (or when the draft cannot be placed yet). */
  readonly placement: PlacementOutcome | undefined;
  /** Why the dry run itself failed (not a placement that found no host: that is an outcome). */
  readonly placementError: string | undefined;
  /** The chosen boot image (for cloud images and ISOs). */
  readonly image: ImageSummary | undefined;
  /** Unattached disk volumes that may be used as existing disks. */
  readonly volumes: readonly ImageSummary[];
  readonly spec: CustomizationSpec | undefined;
}

export const EMPTY_FACTS: WizardFacts = {
  hosts: [],
  pools: {},
  placement: undefined,
  placementError: undefined,
  image: undefined,
  volumes: [],
  spec: undefined,
};

export const MiB = 1024 ** 2;
export const GiB = 1024 ** 3;

/** "1.5" GiB → bytes, whole MiB; null when the text is not a positive number. */
export function parseSize(text: string, unit: SizeUnit): number | null {
  const t = text.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  if (!Number.isFinite(n) || n <= 0) return null;
  const mib = unit === 'GiB' ? n * 1024 : n;
  return Math.round(mib) * MiB;
}

/** A whole number typed into a field; null when it is not one. */
export function parseCount(text: string): number | null {
  const t = text.trim();
  return /^\d+$/.test(t) ? Number(t) : null;
}

/** A size as the wizard's size fields write it: GiB when whole, otherwise MiB. */
export function sizeFields(bytes: number): { size: string; unit: SizeUnit } {
  if (bytes % GiB === 0) return { size: String(bytes / GiB), unit: 'GiB' };
  return { size: String(Math.ceil(bytes / MiB)), unit: 'MiB' };
}

let keySeq = 0;
/** A stable React key for a row the user adds (disks, NICs). */
export function rowKey(prefix: string): string {
  keySeq += 1;
  return `${prefix}${keySeq}`;
}
