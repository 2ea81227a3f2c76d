/**
 * Names and paths people type, turned into the ids the contract takes — through the same list channels
 * the app uses. Anything not found is a NOT_FOUND error that says what was looked for.
 */
import { AppError } from '../shared/domain/errors';
import type { FolderNode } from '../shared/domain/folder';
import type { HostSummary } from '../shared/domain/host';
import type { ImageSummary } from '../shared/domain/provision';
import type { CustomizationSpec } from '../shared/domain/spec';
import type { VmSummary } from '../shared/domain/vm';
import { looksLikeId } from './args';
import type { Ctx } from './context';

export async function resolveHost(ctx: Ctx, ref: string): Promise<HostSummary> {
  const hosts = await ctx.client.call('hosts.list', { projectId: ctx.projectId });
  const h = hosts.find((x) => x.id === ref) ?? hosts.find((x) => x.name.toLowerCase() === ref.toLowerCase());
  if (!h) throw new AppError('NOT_FOUND', `No host named "${ref}"`, 'host');
  return h;
}

export async function resolveFolder(ctx: Ctx, ref: string): Promise<FolderNode> {
  const root = await ctx.client.call('folders.tree', { projectId: ctx.projectId });
  const want = ref.length > 1 ? ref.replace(/\/+$/, '') : ref;
  const walk = (n: FolderNode): FolderNode | undefined =>
    n.path === want || n.id === ref ? n : n.children.map(walk).find((x) => x !== undefined);
  const found = walk(root);
  if (!found) throw new AppError('NOT_FOUND', `No folder at ${ref}`, 'folder');
  return found;
}

export async function resolveSpec(ctx: Ctx, ref: string): Promise<CustomizationSpec> {
  const specs = await ctx.client.call('specs.list', { projectId: ctx.projectId });
  const s = specs.find((x) => x.id === ref) ?? specs.find((x) => x.name.toLowerCase() === ref.toLowerCase());
  if (!s) throw new AppError('NOT_FOUND', `No customization spec named "${ref}"`, 'spec');
  return s;
}

/**
 * A cloud image or ISO by id, name or path. When several hosts hold one of that name, the one on `hostId`
 * wins; otherwise the choice is left to the user.
 */
export async function resolveImage(
  ctx: Ctx,
  ref: string,
  kind: 'cloud-image' | 'iso',
  hostId?: string,
): Promise<ImageSummary> {
  const flag = kind === 'iso' ? 'iso' : 'cloud-image';
  const images = await ctx.client.call('images.list', { projectId: ctx.projectId });
  if (looksLikeId(ref)) {
    const byId = images.find((i) => i.id === ref);
    if (byId) return byId;
  }
  const matches = images.filter((i) => (i.name === ref || i.path === ref) && i.kind !== 'disk');
  const what = kind === 'iso' ? 'ISO' : 'cloud image';
  if (matches.length === 0) throw new AppError('NOT_FOUND', `No ${what} named "${ref}"`, flag);
  const onHost = hostId ? matches.filter((i) => i.hostId === hostId) : [];
  if (onHost.length === 1) return onHost[0]!;
  if (matches.length === 1) return matches[0]!;
  throw new AppError(
    'VALIDATION',
    `${matches.length} images are named "${ref}" (on ${matches.map((i) => `${i.hostName ?? 'the workstation'}/${i.pool ?? '-'}`).join(', ')}): give --host or the image's id (${matches.map((i) => i.id).join(', ')})`,
    flag,
  );
}

export async function resolveVm(ctx: Ctx, ref: string, hostName?: string): Promise<VmSummary> {
  const hostId = hostName ? (await resolveHost(ctx, hostName)).id : undefined;
  const all = await ctx.client.call('vms.list', { projectId: ctx.projectId });
  const byId = looksLikeId(ref) ? all.find((v) => v.id === ref) : undefined;
  if (byId) return byId;
  const vms = all.filter((v) => v.name === ref && (hostId === undefined || v.hostId === hostId));
  if (vms.length === 0)
    throw new AppError('NOT_FOUND', `No VM named "${ref}"${hostName ? ` on ${hostName}` : ''}`, 'vm');
  if (vms.length > 1)
    throw new AppError('VALIDATION', `${vms.length} VMs are named "${ref}"; say which host with --host`);
  return vms[0]!;
}

/** id → folder path, for tables. */
export async function folderPaths(ctx: Ctx): Promise<Map<string, string>> {
  const root = await ctx.client.call('folders.tree', { projectId: ctx.projectId });
  const out = new Map<string, string>();
  const walk = (n: FolderNode) => {
    out.set(n.id, n.path);
    n.children.forEach(walk);
  };
  walk(root);
  return out;
}
