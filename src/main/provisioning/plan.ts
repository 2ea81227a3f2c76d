/**
 * From a create request to one plan per VM: everything checked, placed (and, for a real creation,
 * reserved), with its seed and its domain XML ready. Shared by the review step's dry run and by creation,
 * so what the user reviews is what is used.
 */
import { randomUUID } from 'node:crypto';
import { AppError, isAppErrorData } from '../../shared/domain/errors';
import { effectiveFirmware, firmwareRefusal } from '../../shared/domain/firmware';
import { GUEST_PROFILES, type GuestProfile } from '../../shared/domain/guest-profiles';
import type { StoredPool } from '../../shared/domain/host';
import type { PlacementRequest, PlacementResult } from '../../shared/domain/placement';
import type { CreateVmRequest } from '../../shared/domain/provision';
import type { AppSettingsValue } from '../../shared/domain/settings';
import { hashPassword } from '../cloudinit/password';
import { buildSeed, type Seed, type SeedSpec } from '../cloudinit/seed';
import type { FoldersRepo } from '../inventory/folders.repo';
import type { HostInventoryRepo } from '../inventory/host-inventory.repo';
import type { HostsRepo } from '../inventory/hosts.repo';
import type { ImagesRepo, StoredImage } from '../inventory/images.repo';
import type { SpecsRepo } from '../inventory/specs.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import { isPlacementError } from '../scheduler';
import type { CapacityBook, ReservedPlacement } from '../services/reservations';
import type { PlacementService } from '../services/placement';
import type { ProjectsService } from '../services/projects';
import { buildDomainXml, type DomainPlan } from '../virt/domain-xml';
import { formatBytes } from '../scheduler/format';
import type { CpuVariant } from '../../shared/domain/cpu';
import { needsKvm } from '../../shared/domain/cpu';
import { checkCpuChoice, planCpu } from './cpu-plan';

export interface PlannedDisk {
  readonly kind: 'new' | 'existing';
  readonly pool: string;
  readonly volume: string;
  readonly capacityBytes: number;
  readonly format: 'qcow2' | 'raw';
  readonly thick: boolean;
  /** The cloud image the boot disk is an overlay on. */
  readonly backing: boolean;
  /** Where the volume will be (dir pools) — the real path is read back after creation. */
  readonly predictedPath: string;
}

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

function predictedPath(pool: StoredPool | undefined, volume: string): string {
  const base = pool?.path ?? `/${pool?.name ?? 'pool'}`;
  return `${base.replace(/\/+$/, '')}/${volume}`;
}

export function planCreation(deps: PlanDeps, request: CreateVmRequest, opts: { reserve: boolean }): Plans {
  const project = deps.projects.resolve(request.projectId);
  const projectId = project.id;

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

  let image: StoredImage | null = null;
  if (request.boot.kind !== 'none') {
    image = deps.images.get(request.boot.imageId) ?? null;
    const hostOk = image && (image.hostId === null || deps.hosts.get(image.hostId)?.projectId === projectId);
    if (!image || !hostOk) throw bad('The boot image does not exist', 'boot.imageId');
    if (request.boot.kind === 'iso' && image.kind !== 'iso') {
      throw bad(`"${image.name}" is not an ISO image`, 'boot.imageId');
    }
    if (request.boot.kind === 'cloud-image' && image.kind === 'iso') {
      throw bad(`"${image.name}" is an ISO, not a cloud image`, 'boot.imageId');
    }
  }

  const cloudImage = request.boot.kind === 'cloud-image' ? image : null;
  const wantsSeed = cloudImage !== null || custom !== undefined;
  if (custom !== undefined && !profile.cloudInit) {
    throw bad(
      `The ${profile.label} profile does not use cloud-init: remove the customization`,
      'customization',
    );
  }

  // The boot disk of a cloud image: an overlay at the requested size, never smaller than the image.
  const sizes = request.disks.map((d, i) => {
    if (d.kind !== 'new') return 0;
    if (i === 0 && cloudImage) {
      const virtual = cloudImage.virtualBytes;
      if (d.sizeBytes === undefined) {
        if (virtual === null) {
          throw bad(
            `The virtual size of "${cloudImage.name}" is not known: give the disk a size`,
            'disks.0.sizeBytes',
          );
        }
        return virtual;
      }
      if (virtual !== null && d.sizeBytes < virtual) {
        throw bad(
          `The boot disk (${formatBytes(d.sizeBytes)}) is smaller than the image's virtual size (${formatBytes(virtual)})`,
          'disks.0.sizeBytes',
        );
      }
      return d.sizeBytes;
    }
    return d.sizeBytes ?? 0;
  });

  // Existing volumes pin the VM to their host, and may not be in use.
  const requiredHosts = new Set<string>();
  request.disks.forEach((d, i) => {
    if (d.kind !== 'existing') return;
    const matches = deps.images
      .list(projectId, { kind: undefined })
      .filter(
        (v) =>
          v.pool === d.pool &&
          v.name === d.volume &&
          (request.placement.hostId === undefined || v.hostId === request.placement.hostId),
      );
    if (matches.length === 0) throw bad(`No volume "${d.volume}" in pool "${d.pool}"`, `disks.${i}.volume`);
    if (matches.length > 1) {
      throw bad(`Volume "${d.volume}" exists on several hosts: choose the host`, `disks.${i}.volume`);
    }
    const v = matches[0]!;
    if (v.attached) throw bad(`Volume "${d.volume}" is already attached to a VM`, `disks.${i}.volume`);
    if (v.usedBy > 0)
      throw bad(`Volume "${d.volume}" is the base image of ${v.usedBy} disk(s)`, `disks.${i}.volume`);
    if (v.kind === 'iso') throw bad(`Volume "${d.volume}" is an ISO`, `disks.${i}.volume`);
    requiredHosts.add(v.hostId!);
  });
  if (requiredHosts.size > 1) throw bad('The existing volumes are on different hosts', 'disks');

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

  let result: PlacementResult;
  let reservation: ReservedPlacement | null = null;
  try {
    if (opts.reserve) {
      // The snapshot is read inside the booking's write transaction: what other processes hold is current.
      reservation = deps.reservations.placeAndReserve(placementRequest, () =>
        deps.placement.snapshot(projectId),
      );
      result = reservation.result;
    } else {
      result = deps.reservations.place(placementRequest, deps.placement.snapshot(projectId));
    }
  } catch (err) {
    if (isPlacementError(err)) throw bad(err.message, 'placement');
    throw err;
  }

  try {
    const settings = deps.settings();
    const passwordHash = custom?.password !== undefined ? hashPassword(custom.password) : undefined;
    const specSeed: SeedSpec | null = specRecord
      ? {
          hostnameTemplate: specRecord.hostnameTemplate,
          timezone: specRecord.timezone,
          sshKeys: specRecord.sshKeys,
          passwordHash: specRecord.adminPasswordHash,
          installAgent: specRecord.installAgent,
          userData: specRecord.userData,
          metaData: specRecord.metaData,
          networkConfig: specRecord.networkConfig,
        }
      : null;

    const items = names.map((name, i): VmPlan => {
      const placed = result.placements[i]!;
      const host = deps.hosts.get(placed.hostId)!;
      const pools = new Map(deps.hostInventory.pools(placed.hostId).map((p) => [p.name, p]));
      // Other NICs than the first (which the scheduler checked) must be on this host too.
      const nets = new Map(deps.hostInventory.networks(placed.hostId).map((n) => [n.name, n]));
      request.nics.forEach((n, k) => {
        if (!nets.has(n.network)) {
          throw bad(`Network "${n.network}" does not exist on host ${host.name}`, `nics.${k}.network`);
        }
      });
      let newIndex = 0;
      const disks: PlannedDisk[] = request.disks.map((d, k) => {
        if (d.kind === 'existing') {
          const v = deps.images.find(placed.hostId, d.pool, d.volume)!;
          return {
            kind: 'existing',
            pool: d.pool,
            volume: d.volume,
            capacityBytes: v.virtualBytes ?? 0,
            format: v.format === 'raw' ? 'raw' : 'qcow2',
            thick: false,
            backing: false,
            predictedPath: v.path,
          };
        }
        const pool = placed.diskPools[newIndex++]!;
        const backing = k === 0 && cloudImage !== null;
        const thick = !backing && !d.thin;
        const volume = `${name}-disk${k}.${thick ? 'raw' : 'qcow2'}`;
        return {
          kind: 'new',
          pool,
          volume,
          capacityBytes: sizes[k]!,
          format: thick ? 'raw' : 'qcow2',
          thick,
          backing,
          predictedPath: predictedPath(pools.get(pool), volume),
        };
      });
      const vmPool =
        disks.find((d) => d.kind === 'new')?.pool ??
        disks[0]?.pool ??
        [...pools.values()]
          .filter((p) => p.state === 'running')
          .sort((a, b) => b.availableBytes - a.availableBytes || a.name.localeCompare(b.name))[0]?.name;
      if ((wantsSeed || placed.uploadImage) && vmPool === undefined) {
        throw bad(`Host ${host.name} has no active storage pool for the VM's files`, 'disks');
      }
      const cpu = planCpu(host, request.compute.cpuMode, request.compute.accelerator);
      const vmId = randomUUID();
      const uuid = randomUUID();
      const seed = wantsSeed
        ? buildSeed({
            vmName: name,
            instanceId: uuid,
            index: i + 1,
            hostName: host.name,
            profile,
            spec: specSeed,
            overrides: {
              hostname: custom?.hostname,
              timezone: custom?.timezone,
              user: custom?.user,
              sshKeys: custom?.sshKeys,
              passwordHash,
              installAgent: custom?.installAgent,
              userData: custom?.userData,
              userDataMode: custom?.userDataMode ?? 'merge',
              networkConfig: custom?.networkConfig,
            },
            agent: settings.agent,
          })
        : null;
      const seedVolume = seed ? `${name}-cidata.iso` : null;
      const imagePath =
        image && (placed.uploadImage || image.hostId !== placed.hostId)
          ? predictedPath(pools.get(vmPool!), image.name)
          : (image?.path ?? null);
      const domain: DomainPlan = {
        name,
        uuid,
        title: name,
        description: request.description || undefined,
        domainType: cpu.domainType,
        cpuMode: cpu.attempts[0],
        profile,
        cpu: { sockets: request.compute.sockets, cores: request.compute.cores },
        memoryBytes: request.compute.memoryBytes,
        disks: disks.map((d) => ({ path: d.predictedPath, format: d.format })),
        cdroms: [
          ...(request.boot.kind === 'iso' && imagePath
            ? [{ path: imagePath, purpose: 'installer' as const }]
            : []),
          ...(seedVolume
            ? [{ path: predictedPath(pools.get(vmPool!), seedVolume), purpose: 'seed' as const }]
            : []),
        ],
        nics: request.nics.map((n) => ({ network: n.network, model: n.model ?? profile.nicModel })),
        boot:
          request.boot.kind === 'iso'
            ? ['cdrom', 'hd']
            : request.boot.kind === 'none'
              ? ['hd', 'network']
              : ['hd'],
        firmware,
        tpm: profile.tpm,
        hyperv: host.facts?.hypervFeatures,
        metadata: { vmId, projectId },
      };
      return {
        vmId,
        uuid,
        index: i + 1,
        name,
        projectId,
        folderId: request.folderId ?? null,
        hostId: placed.hostId,
        hostName: host.name,
        domainType: domain.domainType,
        cpuAttempts: cpu.attempts,
        cpuExplicit: cpu.explicit,
        profile,
        vcpus: placementRequest.vcpus,
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
          ...(request.placement.antiAffinityGroup
            ? { 'qhci.group': request.placement.antiAffinityGroup }
            : {}),
        },
      };
    });
    return { projectId, items, placement: result, storedRequest: storableRequest(request), reservation };
  } catch (err) {
    reservation?.release();
    throw err;
  }
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
