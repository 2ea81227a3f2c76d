import { Alert, ToggleGroup, ToggleGroupItem, TreeView, type TreeViewDataItem } from '@patternfly/react-core';
import DesktopIcon from '@patternfly/react-icons/dist/esm/icons/desktop-icon';
import FolderIcon from '@patternfly/react-icons/dist/esm/icons/folder-icon';
import ServerIcon from '@patternfly/react-icons/dist/esm/icons/server-icon';
import { memo, useMemo, useState, type DragEvent } from 'react';
import type { FolderNode } from '../../../../shared/domain/folder';
import type { VmSummary } from '../../../../shared/domain/vm';
import { useQhciMutation } from '../../api/hooks';
import { toAppError } from '../../components/errors';
import { useUi, type VmFilters } from '../../stores/ui';
import { displayName } from '../folders/tree';
import { carriesVms, droppedVms, setDraggedVms } from './drag';
import type { Inventory } from './lookups';

/** A node shows at most this many VMs; the list (filtered to the node) shows all of them. */
const VMS_PER_NODE = 100;

type NodeKind = 'all' | 'host' | 'nohost' | 'folder' | 'nofolder' | 'vm' | 'more';
const nodeId = (kind: NodeKind, id = '') => `${kind}:${id}`;

/** A node's VM count: the number, read out as "N VMs". */
function count(n: number, testId?: string) {
  const text = n === 1 ? '1 VM' : `${n} VMs`;
  return (
    <span data-testid={testId} aria-label={text} title={text}>
      {n}
    </span>
  );
}

function vmItems(vms: readonly VmSummary[], parent: string): TreeViewDataItem[] {
  const items: TreeViewDataItem[] = vms.slice(0, VMS_PER_NODE).map((vm) => ({
    id: nodeId('vm', vm.id),
    icon: <DesktopIcon />,
    name: (
      <span data-testid={`vm-tree-vm-${vm.name}`} draggable onDragStart={(e) => setDraggedVms(e, [vm.id])}>
        {vm.name}
      </span>
    ),
  }));
  if (vms.length > VMS_PER_NODE) {
    items.push({
      id: nodeId('more', parent),
      name: (
        <span className="qhci-subtle">
          {vms.length - VMS_PER_NODE} more: select the node to list them all
        </span>
      ),
    });
  }
  return items;
}

function groupBy(vms: readonly VmSummary[], key: (vm: VmSummary) => string | null) {
  const groups = new Map<string | null, VmSummary[]>();
  for (const vm of vms) {
    const k = key(vm);
    const g = groups.get(k);
    if (g) g.push(vm);
    else groups.set(k, [vm]);
  }
  return groups;
}

function hostTree(vms: readonly VmSummary[], inv: Inventory): TreeViewDataItem[] {
  const byHost = groupBy(vms, (v) => v.hostId);
  const hosts: TreeViewDataItem[] = inv.hosts.map((h) => {
    const own = byHost.get(h.id) ?? [];
    return {
      id: nodeId('host', h.id),
      icon: <ServerIcon />,
      name: <span data-testid={`vm-tree-host-${h.name}`}>{h.name}</span>,
      hasBadge: true,
      customBadgeContent: count(own.length, `vm-tree-count-host-${h.name}`),
      ...(own.length > 0 ? { children: vmItems(own, h.id) } : {}),
    };
  });
  const orphans = byHost.get(null) ?? [];
  if (orphans.length > 0) {
    hosts.push({
      id: nodeId('nohost'),
      name: <span data-testid="vm-tree-nohost">Not on a host</span>,
      hasBadge: true,
      customBadgeContent: count(orphans.length),
      children: vmItems(orphans, 'nohost'),
    });
  }
  return [
    {
      id: nodeId('all'),
      name: <span data-testid="vm-tree-all">All hosts</span>,
      hasBadge: true,
      customBadgeContent: count(vms.length, 'vm-tree-count-all'),
      defaultExpanded: true,
      children: hosts,
    },
  ];
}

function folderTree(vms: readonly VmSummary[], root: FolderNode, over: string | null): TreeViewDataItem[] {
  const byFolder = groupBy(vms, (v) => v.folderId);
  const toItem = (node: FolderNode): TreeViewDataItem => {
    const own = byFolder.get(node.id) ?? [];
    const children = [...node.children.map(toItem), ...vmItems(own, node.id)];
    return {
      id: nodeId('folder', node.id),
      icon: <FolderIcon />,
      name: (
        <span
          data-testid={`vm-tree-folder-${node.path}`}
          data-drop-folder={node.id}
          title={node.path}
          className={over === node.id ? 'qhci-drop-target' : undefined}
        >
          {displayName(node)}
        </span>
      ),
      hasBadge: true,
      customBadgeContent: count(own.length, `vm-tree-count-folder-${node.path}`),
      ...(children.length > 0 ? { children, defaultExpanded: node.parentId === null } : {}),
    };
  };
  const loose = byFolder.get(null) ?? [];
  return [
    toItem(root),
    {
      id: nodeId('nofolder'),
      name: (
        <span
          data-testid="vm-tree-nofolder"
          data-drop-folder="none"
          className={over === 'none' ? 'qhci-drop-target' : undefined}
        >
          In no folder
        </span>
      ),
      hasBadge: true,
      customBadgeContent: count(loose.length, 'vm-tree-count-nofolder'),
      ...(loose.length > 0 ? { children: vmItems(loose, 'nofolder') } : {}),
    },
  ];
}

/** The folder a drag is over: the name of the tree node under the pointer carries it. */
function dropFolder(event: DragEvent): string | null {
  const li = (event.target as Element).closest('li[role="treeitem"]');
  const span = li?.querySelector(':scope > div [data-drop-folder]');
  return span?.getAttribute('data-drop-folder') ?? null;
}

function activeId(f: VmFilters): string {
  if (f.hostId !== null) return nodeId('host', f.hostId);
  if (f.folderId === 'none') return nodeId('nofolder');
  if (f.folderId !== null) return nodeId('folder', f.folderId);
  return nodeId('all');
}

/**
 * The inventory as a tree: hosts and their VMs, or folders and their VMs. Selecting a host or folder
 * filters the list to it; selecting a VM opens it. VMs (from the list or the tree) can be dropped on a
 * folder.
 */
export const VmInventoryTree = memo(function VmInventoryTree(props: {
  vms: readonly VmSummary[];
  inventory: Inventory;
}) {
  const { vms, inventory } = props;
  const mode = useUi((s) => s.vmTreeMode);
  const setMode = useUi((s) => s.setVmTreeMode);
  // Only the node the filters select: typing in the name filter does not render the tree again.
  const active = useUi((s) => activeId(s.vmFilters));
  const setFilters = useUi((s) => s.setVmFilters);
  const openVm = useUi((s) => s.openVm);
  const move = useQhciMutation('vms.moveToFolder');
  const [over, setOver] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const data = useMemo(
    () =>
      mode === 'hosts'
        ? hostTree(vms, inventory)
        : inventory.root
          ? folderTree(vms, inventory.root, over)
          : [],
    [mode, vms, inventory, over],
  );

  const onSelect = (item: TreeViewDataItem) => {
    const [kind, id = ''] = (item.id ?? '').split(':') as [NodeKind, string?];
    if (kind === 'vm') openVm(id);
    else if (kind === 'host') setFilters({ hostId: id, folderId: null });
    else if (kind === 'folder') setFilters({ folderId: id, hostId: null });
    else if (kind === 'nofolder') setFilters({ folderId: 'none', hostId: null });
    else if (kind === 'all') setFilters({ folderId: null, hostId: null });
  };

  const onDragOver = (e: DragEvent) => {
    if (mode !== 'folders' || !carriesVms(e)) return;
    const folder = dropFolder(e);
    if (folder === null) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    if (over !== folder) setOver(folder);
  };
  const onDrop = (e: DragEvent) => {
    const folder = dropFolder(e);
    setOver(null);
    const ids = droppedVms(e);
    if (folder === null || ids.length === 0) return;
    e.preventDefault();
    setError(null);
    move
      .mutateAsync({ vmIds: ids, folderId: folder === 'none' ? null : folder })
      .catch((err: unknown) => setError(toAppError(err).message));
  };

  return (
    <div className="qhci-vm-tree" data-testid="vm-tree">
      <ToggleGroup aria-label="Group the tree by" isCompact className="qhci-vm-tree-mode">
        <ToggleGroupItem
          text="Hosts"
          icon={<ServerIcon />}
          isSelected={mode === 'hosts'}
          onChange={() => setMode('hosts')}
          buttonId="vm-tree-mode-hosts"
          data-testid="vm-tree-mode-hosts"
        />
        <ToggleGroupItem
          text="Folders"
          icon={<FolderIcon />}
          isSelected={mode === 'folders'}
          onChange={() => setMode('folders')}
          buttonId="vm-tree-mode-folders"
          data-testid="vm-tree-mode-folders"
        />
      </ToggleGroup>
      {mode === 'folders' && (
        <p className="qhci-subtle qhci-vm-tree-hint">Drag VMs onto a folder to move them.</p>
      )}
      {error !== null && (
        <Alert variant="danger" isInline isPlain title={error} data-testid="vm-tree-error" />
      )}
      <div
        onDragOver={onDragOver}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setOver(null);
        }}
        onDrop={onDrop}
        className="qhci-vm-tree-body"
      >
        <TreeView
          key={mode}
          aria-label={
            mode === 'hosts' ? 'Hosts and their virtual machines' : 'Folders and their virtual machines'
          }
          data={data}
          hasSelectableNodes
          hasBadges
          activeItems={[{ id: active, name: '' }]}
          onSelect={(_e, item) => onSelect(item)}
        />
      </div>
    </div>
  );
});
