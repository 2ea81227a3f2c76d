/** Host names and folder paths by id, for the VM list, tree and detail. */
import { useMemo } from 'react';
import type { FolderNode } from '../../../../shared/domain/folder';
import type { HostSummary } from '../../../../shared/domain/host';
import { useQhciQuery } from '../../api/hooks';
import { useProjectInput } from '../../stores/project';
import { flattenTree } from '../folders/tree';
import type { Lookups } from './filter';

export interface Inventory extends Lookups {
  readonly hosts: readonly HostSummary[];
  /** Every folder, parents first. */
  readonly folders: readonly FolderNode[];
  readonly root: FolderNode | undefined;
}

const NO_HOSTS: readonly HostSummary[] = [];

export function useInventoryLookups(): Inventory {
  const project = useProjectInput();
  const hosts = useQhciQuery('hosts.list', project).data ?? NO_HOSTS;
  const root = useQhciQuery('folders.tree', project).data;
  return useMemo(() => lookupsOf(hosts, root), [hosts, root]);
}

// One Inventory per (hosts, tree) answer, shared by every component: the list's rows are cached per
// Inventory, so a page shown again reuses them.
let last: Inventory | null = null;

function lookupsOf(hosts: readonly HostSummary[], root: FolderNode | undefined): Inventory {
  if (last !== null && last.hosts === hosts && last.root === root) return last;
  const folders = root ? flattenTree(root) : [];
  last = {
    hosts,
    folders,
    root,
    hostNames: new Map(hosts.map((h) => [h.id, h.name])),
    folderPaths: new Map(folders.map((f) => [f.id, f.path])),
  };
  return last;
}
