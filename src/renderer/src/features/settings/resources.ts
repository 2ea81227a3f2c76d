/** What the VM's host offers the Settings tab: its pools, networks, ISOs, free disk volumes and disk sizes. */
import { useMemo } from 'react';
import type { StoredNetwork, StoredPool } from '../../../../shared/domain/host';
import type { ImageSummary } from '../../../../shared/domain/provision';
import type { VmDetail } from '../../../../shared/domain/vm';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';

export interface HostResources {
  /** Still reading the host's inventory. */
  readonly loading: boolean;
  /** Why it could not be read. */
  readonly error: string | null;
  /** Running pools (a volume is made or read only there). */
  readonly pools: readonly StoredPool[];
  readonly networks: readonly StoredNetwork[];
  /** ISO volumes, offered for the CD-ROM. */
  readonly isos: readonly ImageSummary[];
  /** Disk volumes attached to no domain, offered as existing disks. */
  readonly freeVolumes: readonly ImageSummary[];
  /** The virtual size of each of the VM's disks that the host's volumes know, by target. */
  readonly diskBytes: ReadonlyMap<string, number>;
}

const NONE: readonly never[] = [];

export function useHostResources(vm: VmDetail): HostResources {
  const project = useProjectInput();
  const hostId = vm.hostId ?? '';
  const host = useQhciQuery('hosts.get', { id: hostId }, { enabled: vm.hostId !== null });
  const images = useQhciQuery('images.list', { ...project, hostId }, { enabled: vm.hostId !== null });
  return useMemo(() => {
    const volumes = images.data ?? NONE;
    const sizeOf = new Map(volumes.map((v) => [v.path, v.virtualBytes]));
    const diskBytes = new Map<string, number>();
    for (const d of vm.details.disks ?? []) {
      const bytes = d.source === null ? null : sizeOf.get(d.source);
      if (d.device === 'disk' && typeof bytes === 'number') diskBytes.set(d.target, bytes);
    }
    const usable = (v: ImageSummary) => v.pool !== null;
    return {
      loading: host.isPending || images.isPending,
      error: host.error?.message ?? images.error?.message ?? null,
      pools: (host.data?.pools ?? NONE).filter((p) => p.state === 'running'),
      networks: host.data?.networks ?? NONE,
      isos: volumes.filter((v) => usable(v) && v.kind === 'iso'),
      freeVolumes: volumes.filter((v) => usable(v) && v.kind === 'disk' && !v.attached),
      diskBytes,
    };
  }, [host.data, host.error, host.isPending, images.data, images.error, images.isPending, vm.details.disks]);
}

/** A volume as the draft names it: `pool/name`. */
export const volumeKey = (v: { pool: string | null; name: string }): string => `${v.pool ?? ''}/${v.name}`;
