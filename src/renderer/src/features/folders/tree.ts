/** Pure helpers over a project's folder tree (FolderNode from `folders.tree`). */
import type { FolderNode } from '../../../../shared/domain/folder';

/** Every folder, depth first, parents before their children. */
export function flattenTree(root: FolderNode): FolderNode[] {
  const out: FolderNode[] = [];
  const walk = (n: FolderNode) => {
    out.push(n);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}

export function findFolder(root: FolderNode, id: string | null): FolderNode | undefined {
  if (id === null) return undefined;
  return flattenTree(root).find((n) => n.id === id);
}

/** How many folders lie below this one (not counting itself). */
export function countDescendants(node: FolderNode): number {
  return node.children.reduce((sum, c) => sum + 1 + countDescendants(c), 0);
}

/** VMs in this folder and every folder below it. */
export function countVmsInSubtree(node: FolderNode): number {
  return node.children.reduce((sum, c) => sum + countVmsInSubtree(c), node.vmCount);
}

/** Where a folder may be moved: every folder except itself, its descendants and its current parent. */
export function moveTargets(root: FolderNode, folder: FolderNode): FolderNode[] {
  return flattenTree(root).filter(
    (n) => n.id !== folder.id && !n.path.startsWith(`${folder.path}/`) && n.id !== folder.parentId,
  );
}

/** The name shown for a folder: the root folder has no name of its own. */
export function displayName(node: FolderNode): string {
  return node.parentId === null ? '/' : node.name;
}
