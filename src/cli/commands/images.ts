import { resolve } from 'node:path';
import { AppError } from '../../shared/domain/errors';
import { fmtBytes } from '../args';
import { print, table, type Ctx } from '../context';
import { followTasks, ProgressView } from '../follow';
import type { Opts } from '../options';
import { resolveHost } from '../resolve';
import { outcomeText } from './create';

export const IMAGE_USAGE = `Images
  image list [--host NAME] [--kind cloud-image|iso|disk]
  image upload --host NAME --pool POOL (FILE | --from-image ID) [--name VOLUME]
                                         copies a local file or another host's image into a pool
  image delete ID                        deletes the volume (refused while disks stand on it or a VM
                                         has it attached)`;

const KINDS = ['cloud-image', 'iso', 'disk'] as const;

export async function imageCommand(ctx: Ctx, args: string[], o: Opts): Promise<number> {
  const [verb, file] = args;
  const c = ctx.client;
  if (verb === 'list') {
    if (o.kind !== undefined && !(KINDS as readonly string[]).includes(o.kind)) {
      throw new AppError('VALIDATION', `--kind must be one of ${KINDS.join(', ')}`, 'kind');
    }
    const hostId = o.host ? (await resolveHost(ctx, o.host)).id : undefined;
    const images = await c.call('images.list', {
      projectId: ctx.projectId,
      ...(hostId ? { hostId } : {}),
      ...(o.kind ? { kind: o.kind as (typeof KINDS)[number] } : {}),
    });
    print(ctx, images, () =>
      images.length
        ? table(
            ['HOST', 'POOL', 'NAME', 'KIND', 'FORMAT', 'VIRTUAL SIZE', 'USED BY', 'ID'],
            images.map((i) => [
              i.hostName ?? '-',
              i.pool ?? '-',
              i.name,
              i.kind,
              i.format ?? '-',
              fmtBytes(i.virtualBytes),
              i.usedBy ? `${i.usedBy} disk(s)` : i.attached ? 'attached' : '-',
              i.id,
            ]),
          )
        : 'No images',
    );
    return 0;
  }
  if (verb === 'upload') {
    if (!o.host || !o.pool) throw new AppError('VALIDATION', 'image upload needs --host and --pool');
    if ((file === undefined) === (o['from-image'] === undefined)) {
      throw new AppError('VALIDATION', 'image upload needs a FILE or --from-image ID (one of them)');
    }
    const host = await resolveHost(ctx, o.host);
    const { taskId } = await c.call('images.upload', {
      projectId: ctx.projectId,
      hostId: host.id,
      pool: o.pool,
      ...(file !== undefined ? { sourcePath: resolve(file) } : { sourceImageId: o['from-image'] }),
      ...(o.name ? { name: o.name } : {}),
    });
    const [task] = await followTasks(ctx, [taskId], new ProgressView());
    if (ctx.json) console.log(JSON.stringify(task, null, 2));
    if (task!.state !== 'succeeded') {
      console.error(`qhci: ${outcomeText(task!, new Map([[host.id, host.name]]))}`);
      return 1;
    }
    if (!ctx.json) {
      const r = task!.result as { pool?: string; name?: string } | null;
      console.log(`Uploaded ${r?.name ?? ''} to ${host.name} pool ${r?.pool ?? o.pool}`);
    }
    return 0;
  }
  if (verb === 'delete' && file) {
    const images = await c.call('images.list', { projectId: ctx.projectId });
    // The id as image list shows it, or a unique prefix of it.
    const matches = images.filter((i) => i.id.startsWith(file));
    if (matches.length !== 1) {
      throw new AppError(
        'NOT_FOUND',
        matches.length ? `"${file}" names several images` : `No image ${file}`,
        'id',
      );
    }
    const img = matches[0]!;
    const r = await c.call('images.delete', { id: img.id });
    print(ctx, r, () => `Deleted ${img.pool ?? ''}/${img.name} on ${img.hostName ?? 'its host'}`);
    return 0;
  }
  throw new AppError('VALIDATION', `Unknown image command.\n\n${IMAGE_USAGE}`);
}
