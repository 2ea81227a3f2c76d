/**
 * From a create request to one plan per VM: everything checked, placed (and, for a real creation,
 * reserved), with its seed and its domain XML ready. Shared by the review step's dry run and by creation,
 * so what the user reviews is what is used. The disks: plan-disks.ts; the cloud-init seeds: plan-seed.ts.
 */
import { randomUUID } from 'node:crypto';
import { AppError, isAppErrorData } from '../../../shared/domain/errors';
import type { CpuVariant } from '../../../shared/domain/cpu';
import { needsKvm } from '../../../shared/domain/cpu';
import { effectiveFirmware, firmwareRefusal, type Firmware } from '../../../shared/domain/firmware';
import { GUEST_PROFILES, type GuestProfile } from '../../../shared/domain/guest-profiles';
import type { PlacementRequest, PlacementResult, VmPlacement } from '../../../shared/domain/placement';
import type { CreateVmRequest } from '../../../shared/domain/provision';
import type { AppSettingsValue } from '../../../shared/domain/settings';
import type { Seed } from '../../cloudinit/seed';
import type { FoldersRepo } from '../../inventory/folders.repo';
import type { HostInventoryRepo } from '../../inventory/host-inventory.repo';
import type { HostsRepo } from '../../inventory/hosts.repo';
import type { ImagesRepo, StoredImage } from '../../inventory/images.repo';
import type { SpecsRepo } from '../../inventory/specs.repo';
import type { VmsRepo } from '../../inventory/vms.repo';
import { isPlacementError } from '../../scheduler';
import type { CapacityBook, ReservedPlacement } from '../../services/reservations';
import type { PlacementService } from '../../services/placement';
import type { ProjectsService } from '../../services/projects';
import { buildDomainXml, type DomainPlan } from '../../virt/domain-xml';
import { checkCpuChoice, planCpu, type CpuPlan } from './cpu-plan';
import {
  diskSizes,
  hostsOfExistingVolumes,
  planDisks,
  predictedPath,
  vmPoolOf,
  type PlannedDisk,
} from './plan-disks';
import { seedPlanner, type SeedTarget } from './plan-seed';

export type { PlannedDisk } from './plan-disks';

export interface VmPlan {
  readonly vmId: string;
  readonly uuid: string;
  readonly index: number;
  readonly name: string;
  readonly projectId: string;
  readonly folderId: string | null;
  readonly hostId: string;
  readonly hostName: string;
  readonly domainType: 'kvm' | 'qemu';
  /** The CPU variants the start step tries, in order (the domain is defined with the first). */
  readonly cpuAttempts: readonly CpuVariant[];
  /** The user chose the CPU mode: no fallback. */
  readonly cpuExplicit: boolean;
  readonly profile: GuestProfile;
  readonly vcpus: number;
  readonly memoryBytes: number;
  /** The pool that holds the seed (and an uploaded image): the boot disk's pool. */
  readonly pool: string;
  readonly disks: readonly PlannedDisk[];
  readonly image: StoredImage | null;
  /** The image must first be copied into `pool` on this host. */
  readonly uploadImage: boolean;
  readonly seed: Seed | null;
  readonly seedVolume: string | null;
  readonly domain: DomainPlan;
  /** The XML as it would be defined with the predicted paths (the review step). */
  readonly domainXml: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Plans {
  readonly projectId: string;
  readonly items: readonly VmPlan[];
  readonly placement: PlacementResult;
  /** The request as stored on VMs and tasks: the password replaced by whether one was given. */
  readonly storedRequest: Record<string, unknown>;
  readonly reservation: ReservedPlacement | null;
}

export interface PlanDeps {
  readonly projects: ProjectsService;
  readonly folders: FoldersRepo;
  readonly specs: SpecsRepo;
  readonly images: ImagesRepo;
  readonly hosts: HostsRepo;
  readonly hostInventory: HostInventoryRepo;
  readonly vms: VmsRepo;
  readonly placement: PlacementService;
  readonly reservations: CapacityBook;
  readonly settings: () => AppSettingsValue;
}

const bad = (message: string, field: string) => new AppError('VALIDATION', message, field);

export function vmNames(name: string, count: number): string[] {
  return count === 1 ? [name] : Array.from({ length: count }, (_, i) => `${name}-${i + 1}`);
}

/** The request without secrets, as it is stored with the VM and the task. */
export function storableRequest(r: CreateVmRequest): Record<string, unknown> {
  if (!r.customization) return { ...r };
  const { password, ...rest } = r.customization;
  return { ...r, customization: { ...rest, passwordSet: password !== undefined } };
}

/** What checking a request settles, shared by the plans of its VMs. */
interface CheckedRequest {
  readonly projectId: string;
  readonly names: readonly string[];
  readonly profile: GuestProfile;
  readonly firmware: Firmware;
  readonly specRecord: ReturnType<SpecsRepo['getRecord']>;
  readonly image: StoredImage | null;
  /** The image when the VM boots a cloud image (its boot disk is an overlay on it). */
  readonly cloudImage: StoredImage | null;
  readonly wantsSeed: boolean;
}

/** The request's settled parts with what every VM's plan needs besides. */
interface VmPlanInputs extends CheckedRequest {
  readonly sizes: readonly number[];
  readonly vcpus: number;
  readonly seedFor: (vm: SeedTarget) => Seed;
}

export function planCreation(deps: PlanDeps, request: CreateVmRequest, opts: { reserve: boolean }): Plans {
  const checked = checkRequest(deps, request);
  const { projectId, cloudImage, image, profile, firmware } = checked;
  const sizes = diskSizes(request, cloudImage);
  const requiredHosts = hostsOfExistingVolumes(deps.images, projectId, request);

  checkCpuChoice(request.compute.cpuMode, request.compute.accelerator);
  const placementRequest: PlacementRequest = {
    vcpus: request.compute.sockets * request.compute.cores,
    memoryBytes: request.compute.memoryBytes,
    disks: request.disks.flatMap((d, i) =>
      d.kind === 'new'
        ? [{ sizeBytes: Math.max(1, sizes[i]!), thin: i === 0 && cloudImage ? true : d.thin, pool: d.pool }]
        : [],
    ),
    network: request.nics[0]?.network,
    bootImage: image
      ? { name: image.name, path: image.path, sizeBytes: image.allocationBytes ?? 0 }
      : undefined,
    firmware: { uefi: firmware === 'uefi', tpm: profile.tpm },
    requireKvm: needsKvm(request.compute.cpuMode, request.compute.accelerator),
    labels: {},
    group: request.placement.antiAffinityGroup
      ? { name: request.placement.antiAffinityGroup, mode: 'anti-affinity' }
      : undefined,
    requiredHosts: requiredHosts.size ? [...requiredHosts] : undefined,
    excludedHosts: undefined,
    count: request.count,
    strategy: request.placement.strategy,
    manualHost: request.placement.hostId,
  };
  const { result, reservation } = place(deps, placementRequest, projectId, opts.reserve);

  try {
    const inputs: VmPlanInputs = {
      ...checked,
      sizes,
      vcpus: placementRequest.vcpus,
      seedFor: seedPlanner(request, profile, checked.specRecord, deps.settings().agent),
    };
    const items = checked.names.map((name, i) =>
      planVm(deps, request, inputs, { name, index: i + 1, placed: result.placements[i]! }),
    );
    return { projectId, items, placement: result, storedRequest: storableRequest(request), reservation };
  } catch (err) {
    reservation?.release();
    throw err;
  }
}

/** The checks that need no host: folder, names, profile and firmware, customization spec, boot image. */
function checkRequest(deps: PlanDeps, request: CreateVmRequest): CheckedRequest {
  const projectId = deps.projects.resolve(request.projectId).id;

  if (request.folderId !== undefined) {
    const folder = deps.folders.get(request.folderId);
    if (!folder || folder.projectId !== projectId) throw bad('The folder does not exist', 'folderId');
  }
  const names = vmNames(request.name, request.count);
  for (const n of names) {
    if (deps.vms.nameTakenInProject(projectId, n)) {
      throw bad(`A VM named "${n}" already exists`, 'name');
    }
  }

  const profile = GUEST_PROFILES[request.profile];
  const firmwareRefused = firmwareRefusal(profile, request.firmware);
  if (firmwareRefused !== null) throw bad(firmwareRefused, 'firmware');
  const firmware = effectiveFirmware(profile, request.firmware);
  const custom = request.customization;
  let specRecord: ReturnType<SpecsRepo['getRecord']>;
  if (custom?.specId !== undefined) {
    specRecord = deps.specs.getRecord(custom.specId);
    if (!specRecord || specRecord.projectId !== projectId) {
      throw bad('The customization spec does not exist', 'customization.specId');
    }
  }

  const image = bootImage(deps, request, projectId);
  const cloudImage = request.boot.kind === 'cloud-image' ? image : null;
  const wantsSeed = cloudImage !== null || custom !== undefined;
  if (custom !== undefined && !profile.cloudInit) {
    throw bad(
      `The ${profile.label} profile does not use cloud-init: remove the customization`,
      'customization',
    );
  }
  return { projectId, names, profile, firmware, specRecord, image, cloudImage, wantsSeed };
}

/** The image the VM boots from (none for an empty VM), of the right kind and visible to the project. */
function bootImage(deps: PlanDeps, request: CreateVmRequest, projectId: string): StoredImage | null {
  if (request.boot.kind === 'none') return null;
  const image = deps.images.get(request.boot.imageId) ?? null;
  const hostOk = image && (image.hostId === null || deps.hosts.get(image.hostId)?.projectId === projectId);
  if (!image || !hostOk) throw bad('The boot image does not exist', 'boot.imageId');
  if (request.boot.kind === 'iso' && image.kind !== 'iso') {
    throw bad(`"${image.name}" is not an ISO image`, 'boot.imageId');
  }
  if (request.boot.kind === 'cloud-image' && image.kind === 'iso') {
    throw bad(`"${image.name}" is an ISO, not a cloud image`, 'boot.imageId');
  }
  return image;
}

/** Places the VMs; a real creation also books the capacity, which the caller releases if planning fails. */
function place(
  deps: PlanDeps,
  placementRequest: PlacementRequest,
  projectId: string,
  reserve: boolean,
): { result: PlacementResult; reservation: ReservedPlacement | null } {
  try {
    if (reserve) {
      // The snapshot is read inside the booking's write transaction: what other processes hold is current.
      const reservation = deps.reservations.placeAndReserve(placementRequest, () =>
        deps.placement.snapshot(projectId),
      );
      return { result: reservation.result, reservation };
    }
    return {
      result: deps.reservations.place(placementRequest, deps.placement.snapshot(projectId)),
      reservation: null,
    };
  } catch (err) {
    if (isPlacementError(err)) throw bad(err.message, 'placement');
    throw err;
  }
}

/** The plan of one VM where it was placed. */
function planVm(
  deps: PlanDeps,
  request: CreateVmRequest,
  inputs: VmPlanInputs,
  vm: { readonly name: string; readonly index: number; readonly placed: VmPlacement },
): VmPlan {
  const { name, index, placed } = vm;
  const { image, wantsSeed } = inputs;
  const host = deps.hosts.get(placed.hostId)!;
  const pools = new Map(deps.hostInventory.pools(placed.hostId).map((p) => [p.name, p]));
  // Other NICs than the first (which the scheduler checked) must be on this host too.
  const nets = new Map(deps.hostInventory.networks(placed.hostId).map((n) => [n.name, n]));
  request.nics.forEach((n, k) => {
    if (!nets.has(n.network)) {
      throw bad(`Network "${n.network}" does not exist on host ${host.name}`, `nics.${k}.network`);
    }
  });
  const disks = planDisks(deps.images, request, {
    name,
    placed,
    pools,
    sizes: inputs.sizes,
    cloudImage: inputs.cloudImage,
  });
  const vmPool = vmPoolOf(disks, pools);
  if ((wantsSeed || placed.uploadImage) && vmPool === undefined) {
    throw bad(`Host ${host.name} has no active storage pool for the VM's files`, 'disks');
  }
  const cpu = planCpu(host, request.compute.cpuMode, request.compute.accelerator);
  const vmId = randomUUID();
  const uuid = randomUUID();
  const seed = wantsSeed
    ? inputs.seedFor({ vmName: name, instanceId: uuid, index, hostName: host.name })
    : null;
  const seedVolume = seed ? `${name}-cidata.iso` : null;
  const imagePath =
    image && (placed.uploadImage || image.hostId !== placed.hostId)
      ? predictedPath(pools.get(vmPool!), image.name)
      : (image?.path ?? null);
  const domain = domainPlanOf(request, inputs, {
    name,
    uuid,
    vmId,
    cpu,
    disks,
    hyperv: host.facts?.hypervFeatures,
    installer: request.boot.kind === 'iso' ? imagePath : null,
    seedPath: seedVolume ? predictedPath(pools.get(vmPool!), seedVolume) : null,
  });
  return {
    vmId,
    uuid,
    index,
    name,
    projectId: inputs.projectId,
    folderId: request.folderId ?? null,
    hostId: placed.hostId,
    hostName: host.name,
    domainType: domain.domainType,
    cpuAttempts: cpu.attempts,
    cpuExplicit: cpu.explicit,
    profile: inputs.profile,
    vcpus: inputs.vcpus,
    memoryBytes: request.compute.memoryBytes,
    pool: vmPool ?? '',
    disks,
    image,
    uploadImage: image !== null && image.hostId !== placed.hostId,
    seed,
    seedVolume,
    domain,
    domainXml: toXml(domain),
    labels: {
      ...request.labels,
      ...(request.placement.antiAffinityGroup ? { 'qhci.group': request.placement.antiAffinityGroup } : {}),
    },
  };
}

/** The domain of one VM, with the predicted paths of its disks, installer and seed. */
function domainPlanOf(
  request: CreateVmRequest,
  inputs: VmPlanInputs,
  vm: {
    readonly name: string;
    readonly uuid: string;
    readonly vmId: string;
    readonly cpu: CpuPlan;
    readonly disks: readonly PlannedDisk[];
    readonly hyperv: DomainPlan['hyperv'];
    readonly installer: string | null;
    readonly seedPath: string | null;
  },
): DomainPlan {
  const { name, uuid, cpu } = vm;
  const { profile } = inputs;
  return {
    name,
    uuid,
    title: name,
    description: request.description || undefined,
    domainType: cpu.domainType,
    cpuMode: cpu.attempts[0],
    profile,
    cpu: { sockets: request.compute.sockets, cores: request.compute.cores },
    memoryBytes: request.compute.memoryBytes,
    disks: vm.disks.map((d) => ({ path: d.predictedPath, format: d.format })),
    cdroms: [
      ...(vm.installer ? [{ path: vm.installer, purpose: 'installer' as const }] : []),
      ...(vm.seedPath ? [{ path: vm.seedPath, purpose: 'seed' as const }] : []),
    ],
    nics: request.nics.map((n) => ({ network: n.network, model: n.model ?? profile.nicModel })),
    boot:
      request.boot.kind === 'iso'
        ? ['cdrom', 'hd']
        : request.boot.kind === 'none'
          ? ['hd', 'network']
          : ['hd'],
    firmware: inputs.firmware,
    tpm: profile.tpm,
    hyperv: vm.hyperv,
    metadata: { vmId: vm.vmId, projectId: inputs.projectId },
  };
}

/** The domain XML, with a builder complaint turned into a readable validation error. */
export function toXml(plan: DomainPlan): string {
  try {
    return buildDomainXml(plan);
  } catch (err) {
    if (isAppErrorData(err)) throw err;
    throw new AppError('VALIDATION', `Cannot build the domain XML: ${(err as Error).message}`);
  }
}
