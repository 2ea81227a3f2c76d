import { TreeView, type TreeViewDataItem } from '@patternfly/react-core';
import FolderIcon from '@patternfly/react-icons/dist/esm/icons/folder-icon';
import FolderOpenIcon from '@patternfly/react-icons/dist/esm/icons/folder-open-icon';
import { useMemo } from 'react';
import type { FolderNode } from '../../../../shared/domain/folder';
import { displayName, findFolder } from './tree';

function vmCountLabel(n: number): string {
  return n === 1 ? '1 VM' : `${n} VMs`;
}

function toItem(node: FolderNode): TreeViewDataItem {
  return {
    id: node.id,
    name: (
      <span data-testid={`folder-node-${node.path}`} title={node.path}>
        {displayName(node)}
      </span>
    ),
    hasBadge: true,
    customBadgeContent: (
      <span data-testid={`folder-vmcount-${node.path}`} aria-label={vmCountLabel(node.vmCount)}>
        {vmCountLabel(node.vmCount)}
      </span>
    ),
    ...(node.children.length > 0 ? { defaultExpanded: true, children: node.children.map(toItem) } : {}),
  };
}

/** The project's folders as a tree; each node shows how many VMs sit directly in it. */
export function FolderTree(props: {
  root: FolderNode;
  selectedId: string | null;
  onSelect: (folder: FolderNode) => void;
}) {
  const { root, selectedId, onSelect } = props;
  const data = useMemo(() => [toItem(root)], [root]);
  const selected = findFolder(root, selectedId);
  return (
    <div data-testid="folder-tree">
      <TreeView
        aria-label="Folders"
        data={data}
        hasSelectableNodes
        hasGuides
        icon={<FolderIcon />}
        expandedIcon={<FolderOpenIcon />}
        activeItems={selected ? [{ id: selected.id, name: selected.name }] : []}
        onSelect={(_event, item) => {
          const folder = findFolder(root, item.id ?? null);
          if (folder) onSelect(folder);
        }}
      />
    </div>
  );
}
