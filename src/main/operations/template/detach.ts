/**
 * "Detach from template" as an operation under the linked clone's lock: check → rebase → record. Each of its
 * disks that stands on a backing file is rebased onto none (`qemu-img rebase -b ''`, safe mode: the data the
 * backing chain provided is copied into the disk), with qemu-img's progress. Nothing needs undoing: until the
 * last write qemu-img leaves the disk on its old backing file, with the copied clusters equal to what that
 * file gave, so an interrupted rebase leaves the clone as it was, still linked, and can be run again.
 */
import { AppError } from '../../../shared/domain/errors';
import type { OperationDef } from '../../tasks/engine';
import type { StepHandle } from '../../tasks/task-log';
import { cloneFacts } from '../../virt/clone-xml';
import type { HostOps } from '../host-ops';
import { runQemuImg } from '../qemu-img-run';
import { changed, type VmOnHost } from '../snapshots/context';
import { onHost, templateUndoer, type TemplateDeps, type TemplateUndo } from './context';

/** A disk of the clone that stands on a backing file, and what the rebase may write into its pool. */
export interface LinkedDisk {
  readonly path: string;
  readonly pool: string | null;
  /** The backing chain's allocated bytes: at most this much is copied in. */
  readonly backingBytes: number;
}

export interface DetachCtx {
  readonly vm: VmOnHost;
  disks: LinkedDisk[];
}

interface ImageInfo {
  readonly filename: string;
  readonly format: string;
  readonly 'actual-size'?: number;
  readonly 'backing-filename'?: string;
}

async function chainOf(ops: HostOps, path: string): Promise<ImageInfo[]> {
  const out = await onHost(
    ops,
    ['qemu-img', 'info', '-U', '--backing-chain', '--output=json', '-f', 'qcow2', '--', path],
    `Cannot read ${path}`,
  );
  return JSON.parse(out) as ImageInfo[];
}

async function poolOf(ops: HostOps, path: string): Promise<string | null> {
  const r = await ops.driver.exec(['virsh', 'vol-pool', '--vol', path]).catch(() => null);
  return r && r.code === 0 ? r.stdout.trim() || null : null;
}

async function poolAvailable(ops: HostOps, pool: string): Promise<number> {
  const out = await ops.driver.virsh(['pool-info', '--pool', pool, '--bytes']);
  const m = /Available:\s+(\d+)/.exec(out);
  return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
}

/** The clone's qcow2 disks that stand on a backing file, refusing what cannot be detached now. */
export async function linkedDisks(deps: TemplateDeps, ops: HostOps, vm: VmOnHost): Promise<LinkedDisk[]> {
  if (!deps.vms.get(vm.id)?.linked) {
    throw new AppError(
      'CONFLICT',
      `VM ${vm.name} is not a linked clone: it has no template to detach from`,
      'vmId',
    );
  }
  const state = await ops.domainState(vm.uuid);
  if (state === null) throw new AppError('NOT_FOUND', `VM ${vm.name} is not on its host`, 'vmId');
  if (state !== 'shut off') {
    throw new AppError('CONFLICT', `VM ${vm.name} is ${state}: shut it down to detach it`, 'vmId');
  }
  const xml = await ops.driver.virsh(['dumpxml', '--domain', vm.uuid, '--inactive']);
  const disks: LinkedDisk[] = [];
  // The writable qcow2 disks only: a read-only or shareable disk's file is not the clone's to rewrite.
  for (const d of cloneFacts(xml).disks) {
    if (!d.copy || d.format !== 'qcow2' || !d.source) continue;
    const path = d.source;
    const chain = await chainOf(ops, path);
    if (!chain[0]?.['backing-filename']) continue;
    const backingBytes = chain.slice(1).reduce((n, i) => n + (i['actual-size'] ?? 0), 0);
    disks.push({ path, pool: await poolOf(ops, path), backingBytes });
  }
  const need = new Map<string, number>();
  for (const d of disks) if (d.pool) need.set(d.pool, (need.get(d.pool) ?? 0) + d.backingBytes);
  for (const [pool, bytes] of need) {
    const free = await poolAvailable(ops, pool);
    if (bytes > free) {
      const gib = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GiB`;
      throw new AppError(
        'CONFLICT',
        `Pool ${pool} has ${gib(free)} free; detaching may need up to ${gib(bytes)}`,
      );
    }
  }
  return disks;
}

async function checkStep(deps: TemplateDeps, ctx: DetachCtx, step: StepHandle<TemplateUndo>) {
  ctx.disks = await linkedDisks(deps, await deps.opsFor(ctx.vm.hostId), ctx.vm);
  step.done(
    ctx.disks.length ? `To rebase: ${ctx.disks.map((d) => d.path).join(', ')}` : 'No disk on a backing file',
  );
}

async function rebaseStep(deps: TemplateDeps, ctx: DetachCtx, step: StepHandle<TemplateUndo>) {
  if (!ctx.disks.length) return step.skip('No disk on a backing file');
  const ops = await deps.opsFor(ctx.vm.hostId);
  const total = ctx.disks.reduce((n, d) => n + d.backingBytes, 0) || 1;
  let before = 0;
  for (const d of ctx.disks) {
    const what = `Copying the template's data into ${d.path}`;
    step.progress(before / total, what);
    await runQemuImg(
      ops,
      ['rebase', '-p', '-f', 'qcow2', '-b', '', '--', d.path],
      `qemu-img rebase ${d.path}`,
      (f) => step.progress((before + f * d.backingBytes) / total, what),
    );
    before += d.backingBytes;
  }
  step.done(`Standalone: ${ctx.disks.map((d) => d.path).join(', ')}`);
}

async function recordStep(deps: TemplateDeps, ctx: DetachCtx, step: StepHandle<TemplateUndo>): Promise<void> {
  const { vm } = ctx;
  deps.vms.setParent(vm.id, deps.vms.get(vm.id)?.parentId ?? null, false);
  // The pools are read back before the task ends: until the inventory knows the template's disks have no
  // users left, deleting the template would keep them (the safe side, but a surprise).
  const pools = [...new Set(ctx.disks.map((d) => d.pool).filter((p): p is string => p !== null))];
  if (pools.length) {
    // libvirt keeps each volume's backing file from its last pool refresh: it has not seen the rebase.
    const ops = await deps.opsFor(vm.hostId);
    for (const pool of pools) await ops.refreshPool(pool).catch(() => undefined);
    const volumes = ctx.disks.flatMap((d) =>
      d.pool ? [{ pool: d.pool, name: d.path.replace(/^.*\//, '') }] : [],
    );
    await deps.hostsService.refresh(vm.hostId, { pools, volumes }).catch(() => undefined);
  }
  changed(deps, vm);
  step.done(`VM ${vm.name} is a full VM of its own`);
}

export function detachOperation(deps: TemplateDeps): OperationDef<'vm.detach', DetachCtx, TemplateUndo> {
  return {
    kind: 'vm.detach',
    undo: templateUndoer(deps),
    steps: [
      { name: 'check', run: (ctx, step) => checkStep(deps, ctx, step) },
      { name: 'rebase', run: (ctx, step) => rebaseStep(deps, ctx, step) },
      { name: 'record', run: (ctx, step) => recordStep(deps, ctx, step) },
    ],
    result: (ctx) => ({ vmId: ctx.vm.id, name: ctx.vm.name, disks: ctx.disks.map((d) => d.path) }),
    interruptedMessage:
      'Interrupted: the app stopped while this clone was being detached; it is still linked to its template and can be detached again',
  };
}
