/**
 * The whole draft as requests: the scheduler's dry run (built even from a draft that is not valid yet,
 * with defaults for what is missing, so the placement table is always there) and the create request
 * (only from a draft whose every step is valid).
 */
import { needsKvm } from '../../../../shared/domain/cpu';
import { effectiveFirmware } from '../../../../shared/domain/firmware';
import { guestProfile } from '../../../../shared/domain/guest-profiles';
import type { PlacementRequestInput } from '../../../../shared/domain/placement';
import { MAX_CREATE_COUNT, type CreateVmRequestInput } from '../../../../shared/domain/provision';
import {
  GiB,
  parseCount,
  parseSize,
  STEP_IDS,
  type StepErrors,
  type StepId,
  type WizardDraft,
  type WizardFacts,
  type WizardSecrets,
} from './draft';
import * as basics from './steps/basics';
import * as boot from './steps/boot';
import * as compute from './steps/compute';
import * as customization from './steps/customization';
import * as network from './steps/network';
import * as placement from './steps/placement';
import * as storage from './steps/storage';

export function initDraft(): WizardDraft {
  return {
    basics: basics.initStep(),
    placement: placement.initStep(),
    compute: compute.initStep(),
    storage: storage.initStep(),
    network: network.initStep(),
    boot: boot.initStep(),
    customization: customization.initStep(),
  };
}

const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, n));

/** The dry run's request: vCPUs = sockets × cores, memory, disks, the first NIC's network, the boot image. */
export function placementRequest(draft: WizardDraft, facts: WizardFacts): PlacementRequestInput {
  const sockets = parseCount(draft.compute.sockets) ?? 1;
  const cores = parseCount(draft.compute.cores) ?? 1;
  const memory = compute.memoryBytes(draft.compute.memoryGiB) ?? GiB;
  const cloudImage = draft.boot.kind === 'cloud-image' ? facts.image : undefined;
  const disks: NonNullable<PlacementRequestInput['disks']> = [];
  const requiredHosts = new Set<string>();
  draft.storage.disks.forEach((d, i) => {
    if (d.kind === 'existing') {
      const v = facts.volumes.find((x) => x.id === d.imageId);
      if (v?.hostId) requiredHosts.add(v.hostId);
      return;
    }
    let bytes = parseSize(d.size, d.unit);
    if (i === 0 && cloudImage?.virtualBytes !== undefined && cloudImage.virtualBytes !== null)
      bytes = Math.max(bytes ?? 0, cloudImage.virtualBytes);
    if (bytes === null) return;
    disks.push({ sizeBytes: bytes, thin: d.thin, ...(d.pool !== '' ? { pool: d.pool } : {}) });
  });
  const nic = draft.network.nics[0]?.network.trim();
  const image = draft.boot.kind !== 'none' ? facts.image : undefined;
  const profile = guestProfile(draft.boot.profile);
  const group = draft.placement.antiAffinityGroup.trim();
  const manual = draft.placement.mode === 'manual' ? draft.placement.hostId : null;
  return {
    vcpus: clamp(sockets * cores, 1, 1024),
    memoryBytes: Math.max(memory, 1024 * 1024),
    disks,
    ...(nic ? { network: nic } : {}),
    ...(image
      ? {
          bootImage: {
            name: image.name,
            path: image.path,
            sizeBytes: image.allocationBytes ?? image.virtualBytes ?? 0,
          },
        }
      : {}),
    firmware: {
      uefi: effectiveFirmware(profile, draft.boot.firmware ?? 'auto') === 'uefi',
      tpm: profile.tpm,
    },
    requireKvm: needsKvm(draft.compute.cpuMode ?? 'auto', draft.compute.accelerator ?? 'auto'),
    ...(group !== '' && /^[A-Za-z0-9._-]+$/.test(group)
      ? { group: { name: group, mode: 'anti-affinity' as const } }
      : {}),
    ...(requiredHosts.size > 0 ? { requiredHosts: [...requiredHosts] } : {}),
    count: clamp(parseCount(draft.basics.count) ?? 1, 1, MAX_CREATE_COUNT),
    strategy: draft.placement.strategy,
    ...(manual !== null ? { manualHost: manual } : {}),
  };
}

export type StepResults = Record<Exclude<StepId, 'review'>, { ok: boolean; errors: StepErrors }>;

export type DraftCheck =
  | { ok: true; steps: StepResults; request: CreateVmRequestInput }
  | { ok: false; steps: StepResults; firstInvalid: StepId };

/** Every step's check, and the create request when all pass. */
export function checkDraft(
  draft: WizardDraft,
  secrets: WizardSecrets,
  facts: WizardFacts,
  projectId: string | undefined,
): DraftCheck {
  const b = basics.validateStep(draft.basics);
  const p = placement.validateStep(draft.placement, facts);
  const c = compute.validateStep(draft.compute, facts);
  const count = parseCount(draft.basics.count) ?? 1;
  const s = storage.validateStep(draft.storage, facts, { boot: draft.boot, count });
  const n = network.validateStep(draft.network, facts);
  const bt = boot.validateStep(draft.boot, facts, draft.storage);
  const cu = customization.validateStep(
    draft.customization,
    secrets,
    facts,
    draft.boot.kind === 'cloud-image',
  );
  const steps: StepResults = {
    basics: b,
    placement: p,
    compute: c,
    storage: s,
    network: n,
    boot: bt,
    customization: cu,
  };
  const firstInvalid = STEP_IDS.find((id) => id !== 'review' && !steps[id].ok);
  if (firstInvalid !== undefined || !b.ok || !p.ok || !c.ok || !s.ok || !n.ok || !bt.ok || !cu.ok) {
    return { ok: false, steps, firstInvalid: firstInvalid ?? 'basics' };
  }
  const project = b.value.projectId ?? projectId;
  const request: CreateVmRequestInput = {
    ...(project !== undefined ? { projectId: project } : {}),
    name: b.value.name,
    description: b.value.description,
    ...(b.value.folderId !== undefined ? { folderId: b.value.folderId } : {}),
    count: b.value.count,
    placement: p.value,
    compute: c.value,
    disks: [...s.value],
    nics: [...n.value],
    boot: bt.value.boot,
    profile: bt.value.profile,
    firmware: bt.value.firmware,
    ...(cu.value !== undefined ? { customization: cu.value } : {}),
    start: true,
  };
  return { ok: true, steps, request };
}
