/**
 * What the steps of a creation share: the services they use (CreateDeps) and the state one step hands the
 * next (CreateCtx: the host connection, paths made on the host, the XML, what was read back).
 */
import type { CreateVmRequest } from '../../../shared/domain/provision';
import type { CpuVariant } from '../../../shared/domain/cpu';
import type { HostDriver } from '../../hosts/driver';
import type { HostsRepo } from '../../inventory/hosts.repo';
import type { ImagesRepo } from '../../inventory/images.repo';
import type { VmsRepo } from '../../inventory/vms.repo';
import type { AppEvents } from '../../services/events';
import type { HostsService } from '../../services/hosts';
import type { HostOps } from '../host-ops';
import type { VmPlan } from './plan';
import type { SeedIsoBuilt } from './seed';

export interface CreateOptions {
  /** How often readiness is polled. */
  readonly readyPollMs: number;
  /** Under KVM: how long a started guest may show no sign of life (agent, DHCP lease) before creation fails. */
  readonly lifeTimeoutMs: number;
}

export interface CreateDeps {
  readonly hostsService: HostsService;
  readonly hosts: HostsRepo;
  readonly vmsRepo: VmsRepo;
  readonly imagesRepo: ImagesRepo;
  readonly events: AppEvents;
  readonly log: (msg: string) => void;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
  readonly options: CreateOptions;
}

/** The inventory's read of the new domain, its pools and volumes: parsed early, written once the VM is made. */
export interface ReadBack {
  prepare(): void;
  apply(): void;
}

export interface CreateCtx {
  readonly deps: CreateDeps;
  readonly plan: VmPlan;
  readonly request: CreateVmRequest;
  /** Frees the capacity the placement reserved (idempotent). */
  readonly release: () => void;
  driver: HostDriver | null;
  ops: HostOps | null;
  /** The seed ISO, built while the host is reached and the disks are made; awaited by the seed step. */
  isoBuild: Promise<SeedIsoBuilt | null>;
  imagePath: string | null;
  diskPaths: readonly string[];
  seedPath: string | null;
  xmlFor: ((cpu: CpuVariant) => string) | null;
  readBack: ReadBack | null;
  readonly result: Record<string, unknown>;
}

/** The host's operations, once the image step has connected. */
export function opsOf(ctx: CreateCtx): HostOps {
  if (!ctx.ops) throw new Error('The host is not connected yet');
  return ctx.ops;
}

/** A creation's context before its first step; `release` frees its reserved capacity, once. */
export function newCreateCtx(
  deps: CreateDeps,
  plan: VmPlan,
  request: CreateVmRequest,
  release: () => void,
): CreateCtx {
  let released = false;
  return {
    deps,
    plan,
    request,
    release: () => {
      if (released) return;
      released = true;
      release();
    },
    driver: null,
    ops: null,
    isoBuild: Promise.resolve(null),
    imagePath: null,
    diskPaths: [],
    seedPath: null,
    xmlFor: null,
    readBack: null,
    result: {},
  };
}
