/**
 * Putting a migrating VM's files on the destination: a pool file copied through the console (SHA-256
 * verified), a small file outside any pool (NVRAM), an empty overlay over the same backing file. A base or
 * ISO that several VMs of one evacuation need is placed once: a migration waits for another that is placing
 * the same file on the same host, then reuses it if it is equal.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StoredImage } from '../../inventory/images.repo';
import type { StepHandle } from '../../tasks/task-log';
import { copyImage } from '../copy-image';
import type { HostOps } from '../host-ops';
import type { MigrateCtx, MigrateDeps, MigrateUndo } from './context';

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

export function poolAt(deps: MigrateDeps, hostId: string, path: string): string {
  const pool = deps.hostInventory.pools(hostId).find((p) => p.path === dirOf(path));
  if (!pool) throw new AppError('CONFLICT', `No storage pool holds ${path}`);
  return pool.name;
}

/** Shared files being placed by this process's migrations, by destination and path. */
const placing = new Map<string, Promise<unknown>>();
const key = (hostId: string, path: string) => `${hostId}\u0000${path}`;

/** Waits until no migration of this process is placing a file on the host. */
export async function placementsSettled(hostId: string): Promise<void> {
  const mine = [...placing].filter(([k]) => k.startsWith(key(hostId, ''))).map(([, p]) => p);
  await Promise.allSettled(mine);
}

/** Copies a file of a pool on the source into the pool at the same directory on the destination. */
export async function copyAcross(
  deps: MigrateDeps,
  ctx: MigrateCtx,
  path: string,
  step: StepHandle<MigrateUndo>,
  undo: MigrateUndo,
): Promise<void> {
  const src = ctx.vm.hostId;
  const info = ctx.facts!.input.sourceFiles.get(path)!;
  const image: StoredImage = {
    id: `migrate:${path}`,
    hostId: src,
    hostName: null,
    pool: poolAt(deps, src, path),
    name: baseName(path),
    path,
    kind: 'disk',
    format: null,
    virtualBytes: info.sizeBytes,
    allocationBytes: null,
    backingPath: null,
    usedBy: 0,
    attached: false,
    poolPath: null,
    poolType: null,
  };
  const to = { ops: await deps.opsFor(ctx.destId), hostId: ctx.destId, pool: poolAt(deps, ctx.destId, path) };
  const sub: StepHandle<MigrateUndo> = { ...step, done: () => undefined, skip: () => undefined };
  const got = await copyImage(
    { imagesRepo: { find: () => undefined } as never, opsFor: deps.opsFor },
    image,
    to,
    sub,
    undo,
  );
  if (got !== path) throw new AppError('HOST_ERROR', `The copy of ${path} landed at ${got}`);
}

/** A small file outside any pool (NVRAM), through the console as base64. */
export async function copySmallFile(src: HostOps, dest: HostOps, path: string): Promise<void> {
  const r = await src.driver.exec(['base64', '-w0', '--', path]);
  if (r.code !== 0) throw new AppError('HOST_ERROR', `Cannot read ${path}: ${r.stderr.trim()}`);
  const script = 'umask 077; mkdir -p -- "$(dirname -- "$1")" && base64 -d > "$1"';
  const w = await dest.driver.exec(['sh', '-c', script, 'sh', path], { stdin: r.stdout.trim() });
  if (w.code !== 0) throw new AppError('HOST_ERROR', `Cannot write ${path}: ${w.stderr.trim()}`);
}

/** An empty layer at the disk's path on the destination, over the same backing file. */
export async function overlay(
  dest: HostOps,
  path: string,
  info: { sizeBytes: number; backing: string | null },
) {
  const argv = ['qemu-img', 'create', '-q', '-f', 'qcow2'];
  if (info.backing) {
    const fmt = await dest.driver.exec(['qemu-img', 'info', '-U', '--output=json', '--', info.backing]);
    const format =
      fmt.code === 0 ? ((JSON.parse(fmt.stdout) as { format?: string }).format ?? 'qcow2') : 'qcow2';
    argv.push('-F', format, '-b', info.backing);
  }
  argv.push('--', path, String(info.sizeBytes));
  const r = await dest.driver.exec(argv);
  if (r.code !== 0)
    throw new AppError('HOST_ERROR', `Cannot create ${path} on the destination: ${r.stderr.trim()}`);
}

async function fileOn(ops: HostOps, path: string): Promise<boolean> {
  return (await ops.driver.exec(['test', '-e', path])).code === 0;
}

/** A base or ISO: copied unless an equal file is there already (placed by a migration beside this one). */
export async function placeShared(
  deps: MigrateDeps,
  ctx: MigrateCtx,
  path: string,
  step: StepHandle<MigrateUndo>,
  undo: MigrateUndo & { type: 'dest-file' },
): Promise<void> {
  const k = key(ctx.destId, path);
  const [src, dest] = await Promise.all([deps.opsFor(ctx.vm.hostId), deps.opsFor(ctx.destId)]);
  for (let p = placing.get(k); p; p = placing.get(k)) await p.catch(() => undefined);
  // No await between the check above and the registration below: one migration places a file at a time.
  const mine = (async () => {
    if (await fileOn(dest, path)) {
      const [a, b] = await Promise.all([src.sha256(path), dest.sha256(path)]);
      if (a !== b) throw new AppError('CONFLICT', `A different file is at ${path} on the destination`);
      return;
    }
    await copyAcross(deps, ctx, path, step, { ...undo, shared: true });
  })();
  placing.set(k, mine);
  try {
    await mine;
  } finally {
    if (placing.get(k) === mine) placing.delete(k);
  }
}
