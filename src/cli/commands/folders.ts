import { AppError } from '../../shared/domain/errors';
import type { FolderNode } from '../../shared/domain/folder';
import { print, type Ctx } from '../context';

export const FOLDER_USAGE = `Folders
  folder tree                            show the folder tree with VM counts
  folder create PATH                     create a folder; parents must exist (e.g. /Production/Web)
  folder rename PATH NEW-NAME
  folder move PATH NEW-PARENT-PATH
  folder delete PATH                     subfolders go too; VMs stay with their folder cleared`;

export async function findFolder(ctx: Ctx, path: string): Promise<FolderNode> {
  const want = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const walk = (n: FolderNode): FolderNode | undefined =>
    n.path === want ? n : n.children.map(walk).find((x) => x !== undefined);
  const found = walk(await ctx.client.call('folders.tree', { projectId: ctx.projectId }));
  if (!found) throw new AppError('NOT_FOUND', `No folder at ${path}`);
  return found;
}

function treeText(node: FolderNode, depth = 0): string {
  const label = depth === 0 ? '/' : node.name;
  const line = `${'  '.repeat(depth)}${label}${node.vmCount ? `  (${node.vmCount} VMs)` : ''}`;
  return [line, ...node.children.map((c) => treeText(c, depth + 1))].join('\n');
}

export async function folderCommand(ctx: Ctx, args: string[]): Promise<void> {
  const [verb, a, b] = args;
  const c = ctx.client;
  if (verb === 'tree' || verb === 'list') {
    const tree = await c.call('folders.tree', { projectId: ctx.projectId });
    return print(ctx, tree, () => treeText(tree));
  }
  if (verb === 'create' && a) {
    const slash = a.replace(/\/+$/, '').lastIndexOf('/');
    const parentPath = slash <= 0 ? '/' : a.slice(0, slash);
    const parent = await findFolder(ctx, parentPath);
    const f = await c.call('folders.create', {
      projectId: ctx.projectId,
      parentId: parent.id,
      name: a.slice(slash + 1),
    });
    return print(ctx, f, () => `Created ${f.path}`);
  }
  if (verb === 'rename' && a && b) {
    const f = await c.call('folders.rename', { id: (await findFolder(ctx, a)).id, name: b });
    return print(ctx, f, () => `Renamed to ${f.path}`);
  }
  if (verb === 'move' && a && b) {
    const target = await findFolder(ctx, b);
    const f = await c.call('folders.move', { id: (await findFolder(ctx, a)).id, parentId: target.id });
    return print(ctx, f, () => `Moved to ${f.path}`);
  }
  if (verb === 'delete' && a) {
    const r = await c.call('folders.delete', { id: (await findFolder(ctx, a)).id });
    return print(
      ctx,
      r,
      () => `Deleted ${r.deletedFolders} folder(s); ${r.unassignedVms} VM(s) now have no folder`,
    );
  }
  throw new AppError('VALIDATION', `Unknown folder command.\n\n${FOLDER_USAGE}`);
}
