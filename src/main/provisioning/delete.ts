/**
 * Deleting what the host holds for the inventory: an image or volume (refused while overlays stand on it or
 * a VM has it attached), and a VM with its own volumes (never a base image other disks use, never a shared
 * ISO).
 */
import { AppError } from '../../shared/domain/errors';
import type { HostsRepo } from '../inventory/hosts.repo';
import type { ImagesRepo } from '../inventory/images.repo';
import type { VmsRepo } from '../inventory/vms.repo';
import type { AppEvents } from '../services/events';
import type { HostsService } from '../services/hosts';
import { parseDomainXml } from '../virt/parse';
import type { HostOps } from './host-ops';

export interface DeletionDeps {
  readonly vms: VmsRepo;
  readonly images: ImagesRepo;
  readonly hosts: HostsRepo;
  readonly hostsService: HostsService;
  readonly events: AppEvents;
  readonly opsFor: (hostId: string) => Promise<HostOps>;
  /** Background work the process waits for before it exits (drain()). */
  readonly track: (p: Promise<void>) => void;
}

export function createDeletions(deps: DeletionDeps) {
  return {
    /** Deletes an image or volume, unless it is the base of overlays or attached to a VM. */
    async deleteImage(id: string): Promise<{ deleted: true }> {
      const img = deps.images.get(id);
      if (!img || img.hostId === null || img.pool === null) {
        throw new AppError('NOT_FOUND', 'The image does not exist', 'id');
      }
      if (img.usedBy > 0) {
        const users = deps.images
          .list(deps.hosts.get(img.hostId)!.projectId, { hostId: img.hostId })
          .filter((v) => v.backingPath === img.path)
          .map((v) => `${v.pool}/${v.name}`);
        throw new AppError(
          'CONFLICT',
          `${img.name} is the base image of ${users.length} disk(s) (${users.join(', ')}): delete those first`,
          'id',
        );
      }
      if (img.attached) throw new AppError('CONFLICT', `${img.name} is attached to a VM`, 'id');
      const ops = await deps.opsFor(img.hostId);
      await ops.deleteVolume(img.pool, img.name);
      await deps.hostsService.sync(img.hostId).catch(() => undefined);
      deps.events.emit('inventory.changed', {
        entity: 'images',
        projectId: deps.hosts.get(img.hostId)!.projectId,
      });
      return { deleted: true };
    },

    /** Stops and undefines the domain and deletes the VM's own volumes (never a base image or a shared ISO). */
    async deleteVm(vmId: string, deleteDisks: boolean): Promise<{ deleted: true }> {
      const vm = deps.vms.detail(vmId);
      if (!vm) throw new AppError('NOT_FOUND', 'The VM does not exist', 'vmId');
      if (vm.state === 'creating') {
        throw new AppError('CONFLICT', `VM ${vm.name} is being created; wait for its task to finish`, 'vmId');
      }
      if (vm.hostId && vm.uuid) {
        const ops = await deps.opsFor(vm.hostId);
        // The disks as the host has them now (the inventory may be behind), else as last synced.
        const live = await ops.driver
          .virsh(['dumpxml', vm.uuid])
          .then((xml) => parseDomainXml(xml).disks)
          .catch(() => null);
        const disks = live ?? vm.details.disks ?? [];
        await ops.removeDomain(vm.uuid);
        const gone: string[] = [];
        const images = deleteDisks ? deps.images.list(vm.projectId, { hostId: vm.hostId }) : [];
        if (deleteDisks) {
          const bases = new Set(images.filter((v) => v.usedBy > 0).map((v) => v.path));
          for (const d of disks) {
            if (!d.source) continue;
            // Its own disks (never a base image other disks stand on) and its own seed.
            const own =
              d.device === 'disk' ? !bases.has(d.source) : d.source.endsWith(`/${vm.name}-cidata.iso`);
            if (own) {
              await ops.deleteVolumeAt(d.source);
              gone.push(d.source);
            }
          }
        }
        // The inventory forgets the deleted volumes now; their pools' free space is read back in the
        // background (drain() waits for it), in one round trip instead of a full sync.
        deps.hostsService.forgetVolumes(vm.hostId, gone);
        const pools = new Set(
          images.flatMap((v) => (v.pool !== null && gone.includes(v.path) ? [v.pool] : [])),
        );
        if (pools.size) {
          deps.track(deps.hostsService.refresh(vm.hostId, { pools: [...pools] }).catch(() => undefined));
        }
      }
      deps.vms.remove(vm.id);
      deps.events.emit('inventory.changed', { entity: 'vms', projectId: vm.projectId });
      return { deleted: true };
    },
  };
}
