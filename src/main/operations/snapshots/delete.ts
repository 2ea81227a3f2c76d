/**
 * Deleting snapshots as an operation: check (each is there) → delete (one by one, children first so each
 * deletion merges only its own data; libvirt merges a deleted snapshot's data into its children and removes
 * an internal one from the qcow2 files) → refresh (read the list back). A deletion cannot be undone; each
 * snapshot's deletion is atomic in libvirt, so a failure or a crash leaves each snapshot whole or gone.
 */
import { AppError } from '../../../shared/domain/errors';
import type { OperationDef, Undoer } from '../../tasks/engine';
import type { StepHandle } from '../../tasks/task-log';
import { changed, type SnapshotDeps, type VmOnHost, refuseTemplate } from './context';
import { deleteSnapshot, readSnapshots, type HostSnapshot } from './host';

export interface DeleteCtx {
  readonly vm: VmOnHost;
  readonly names: readonly string[];
  order: string[];
  deleted: string[];
  left: string[];
}

const noUndo: Undoer<never> = {
  parse: () => undefined,
  describe: () => '',
  undo: () => Promise.resolve(false),
};

/** The named snapshots, descendants before their ancestors. */
export function deletionOrder(
  list: readonly Pick<HostSnapshot, 'name' | 'parent'>[],
  names: readonly string[],
) {
  const parent = new Map(list.map((s) => [s.name, s.parent]));
  const depth = (n: string) => {
    let d = 0;
    for (let p = parent.get(n); p && d < list.length; p = parent.get(p)) d++;
    return d;
  };
  return [...names].sort((a, b) => depth(b) - depth(a));
}

async function check(deps: SnapshotDeps, ctx: DeleteCtx, step: StepHandle<never>): Promise<void> {
  refuseTemplate(deps, ctx.vm);
  const { list } = await readSnapshots(await deps.opsFor(ctx.vm.hostId), ctx.vm.uuid);
  const missing = ctx.names.filter((n) => !list.some((s) => s.name === n));
  if (missing.length) {
    throw new AppError('NOT_FOUND', `VM ${ctx.vm.name} has no snapshot named ${missing.join(', ')}`, 'names');
  }
  ctx.order = deletionOrder(list, ctx.names);
  step.done(`To delete: ${ctx.order.join(', ')}`);
}

async function remove(deps: SnapshotDeps, ctx: DeleteCtx, step: StepHandle<never>): Promise<void> {
  const ops = await deps.opsFor(ctx.vm.hostId);
  for (const [i, name] of ctx.order.entries()) {
    await deleteSnapshot(ops, ctx.vm.uuid, name);
    ctx.deleted.push(name);
    step.progress((i + 1) / ctx.order.length, `Deleted ${name}`);
  }
  step.done(`Deleted ${ctx.deleted.join(', ')}`);
}

async function refresh(deps: SnapshotDeps, ctx: DeleteCtx, step: StepHandle<never>): Promise<void> {
  const { list } = await readSnapshots(await deps.opsFor(ctx.vm.hostId), ctx.vm.uuid);
  ctx.left = list.map((s) => s.name);
  const still = ctx.deleted.filter((n) => ctx.left.includes(n));
  if (still.length) throw new AppError('HOST_ERROR', `libvirt still lists ${still.join(', ')}`);
  changed(deps, ctx.vm);
  step.done(ctx.left.length ? `Left: ${ctx.left.join(', ')}` : 'No snapshots left');
}

export function snapshotDeleteOperation(
  deps: SnapshotDeps,
): OperationDef<'vm.snapshot.delete', DeleteCtx, never> {
  return {
    kind: 'vm.snapshot.delete',
    undo: noUndo,
    steps: [
      { name: 'check', run: (ctx, step) => check(deps, ctx, step) },
      { name: 'delete', run: (ctx, step) => remove(deps, ctx, step) },
      { name: 'refresh', run: (ctx, step) => refresh(deps, ctx, step) },
    ],
    result: (ctx) => ({ vmId: ctx.vm.id, deleted: ctx.deleted, left: ctx.left }),
    interruptedMessage:
      'Interrupted: the app stopped while snapshots were being deleted; each is either whole or gone (list them)',
  };
}
