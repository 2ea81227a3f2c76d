/**
 * Taking a snapshot as an operation: check (under the VM's lock, read the host again: the name is free, the
 * mode works, the memory fits) → snapshot (its undo record first: the snapshot by name and the files an
 * external one makes) → verify (read it back). A failure or a crash after the record removes the snapshot
 * again, half-made or whole, and its overlay and memory files where the domain does not use them.
 */
import { z } from 'zod';
import { AppError } from '../../../shared/domain/errors';
import type { SnapshotCreateInput } from '../../../shared/domain/snapshot';
import type { OperationDef, Undoer } from '../../tasks/engine';
import type { StepHandle } from '../../tasks/task-log';
import {
  decideSnapshot,
  externalDiskPlans,
  externalMemoryFile,
  type SnapshotDecision,
} from '../../virt/snapshot-mode';
import type { SnapshotDiskPlan, SnapshotXmlPlan } from '../../virt/snapshot-xml';
import { changed, type SnapshotDeps, type VmOnHost, refuseTemplate } from './context';
import { readFacts, type VmFacts } from './facts';
import { deleteSnapshot, existingFiles, removeSnapshotFile, snapshotAndPool, takeSnapshot } from './host';

const Text = z.string().min(1);

export const CreateUndo = z.strictObject({
  type: z.literal('snapshot'),
  hostId: Text,
  uuid: Text,
  vm: Text,
  name: Text,
  files: z.array(Text),
});
export type CreateUndo = z.infer<typeof CreateUndo>;

export interface CreateCtx {
  readonly vm: VmOnHost;
  readonly input: SnapshotCreateInput;
  /** What the latest check read: the request's before the task, then the check step's (one round trip). */
  checked: VmFacts | null;
  decision: SnapshotDecision | null;
  /** What the snapshot step asks libvirt for (null until the check). */
  plan: SnapshotXmlPlan | null;
  files: string[];
}

function createUndoer(deps: SnapshotDeps): Undoer<CreateUndo> {
  return {
    parse: (raw) => {
      const r = CreateUndo.safeParse(raw);
      return r.success ? r.data : undefined;
    },
    describe: (r) => `snapshot ${r.name} of VM ${r.vm}${r.files.length ? ` (${r.files.join(', ')})` : ''}`,
    async undo(r) {
      const ops = await deps.opsFor(r.hostId);
      const how =
        (await ops.domainState(r.uuid)) === null ? 'absent' : await deleteSnapshot(ops, r.uuid, r.name);
      let removed = how === 'deleted';
      for (const f of r.files) if (await removeSnapshotFile(ops, r.uuid, f)) removed = true;
      return removed;
    },
  };
}

/** What to ask libvirt for, for a decision that allows a snapshot, and the files it will make. */
export function snapshotPlan(
  vm: VmOnHost,
  input: SnapshotCreateInput,
  read: VmFacts,
  d: SnapshotDecision,
): { plan: SnapshotXmlPlan; files: string[] } {
  const disks = read.domain.disks.filter((x) => d.disks.includes(x.target));
  const external = d.mode === 'external';
  const diskPlans: SnapshotDiskPlan[] = external
    ? externalDiskPlans(disks, input.name)
    : disks.map((x) => ({ target: x.target }));
  const memoryFile =
    external && d.memory ? externalMemoryFile(disks[0]!.source ?? '', vm.name, input.name) : undefined;
  const plan: SnapshotXmlPlan = {
    name: input.name,
    ...(input.description ? { description: input.description } : {}),
    mode: d.mode ?? 'internal',
    memory: d.memory,
    ...(memoryFile ? { memoryFile } : {}),
    disks: diskPlans,
    excluded: d.excluded,
  };
  const files = external ? [...diskPlans.map((p) => p.overlay!), ...(memoryFile ? [memoryFile] : [])] : [];
  return { plan, files };
}

/** The decision for this request now, or the refusal it ends in. */
export function decideOrRefuse(read: VmFacts, input: { name?: string; memory: boolean }): SnapshotDecision {
  if (input.name !== undefined && read.snapshotNames.includes(input.name)) {
    throw new AppError('CONFLICT', `The VM already has a snapshot named ${input.name}`, 'name');
  }
  const d = decideSnapshot(read.facts);
  if (d.refusal) throw new AppError('UNSUPPORTED', d.refusal, d.memory ? 'memory' : undefined);
  return d;
}

async function check(deps: SnapshotDeps, ctx: CreateCtx, step: StepHandle<CreateUndo>): Promise<void> {
  refuseTemplate(deps, ctx.vm);
  const ops = await deps.opsFor(ctx.vm.hostId);
  const read = await readFacts(ops, ctx.vm.uuid, ctx.input.memory, {
    pool: 'when-weighed',
    ...(ctx.checked ? { since: ctx.checked } : {}),
  });
  const d = decideOrRefuse(read, ctx.input);
  ctx.checked = read;
  ctx.decision = d;
  Object.assign(ctx, snapshotPlan(ctx.vm, ctx.input, read, d));
  // The undo removes the files an external snapshot makes: none of them may be there before it.
  const [taken] = await existingFiles(ops, ctx.files);
  if (taken !== undefined) {
    throw new AppError('CONFLICT', `${taken} exists already: choose another snapshot name`, 'name');
  }
  const what = d.memory ? `with its ${Math.round(d.memoryBytes / 1024 ** 2)} MiB of memory` : 'disks only';
  step.done(`${d.mode} snapshot, ${what}; the VM is ${d.vmState}`);
}

async function snapshot(deps: SnapshotDeps, ctx: CreateCtx, step: StepHandle<CreateUndo>): Promise<void> {
  const { vm, input } = ctx;
  step.addUndo({
    type: 'snapshot',
    hostId: vm.hostId,
    uuid: vm.uuid,
    vm: vm.name,
    name: input.name,
    files: ctx.files,
  });
  if (!ctx.plan) throw new AppError('INTERNAL', 'The snapshot step ran before its check');
  await takeSnapshot(await deps.opsFor(vm.hostId), vm.uuid, ctx.plan);
  step.done(`Snapshot ${input.name} taken`);
}

async function verify(deps: SnapshotDeps, ctx: CreateCtx, step: StepHandle<CreateUndo>): Promise<void> {
  const ops = await deps.opsFor(ctx.vm.hostId);
  // A disk-only snapshot's check did not look for the pool: its free space is read back now.
  const known = ctx.decision?.pool ?? null;
  const home = known === null ? (ctx.checked?.seen.home ?? null) : null;
  const { exists, pool } = await snapshotAndPool(ops, ctx.vm.uuid, ctx.input.name, home);
  if (!exists) {
    throw new AppError(
      'HOST_ERROR',
      `libvirt reported snapshot ${ctx.input.name} taken, but does not list it`,
    );
  }
  changed(deps, ctx.vm, [known ?? pool]);
  step.done(`Snapshot ${ctx.input.name} is on the host`);
}

export function snapshotCreateOperation(
  deps: SnapshotDeps,
): OperationDef<'vm.snapshot.create', CreateCtx, CreateUndo> {
  return {
    kind: 'vm.snapshot.create',
    undo: createUndoer(deps),
    steps: [
      { name: 'check', run: (ctx, step) => check(deps, ctx, step) },
      { name: 'snapshot', run: (ctx, step) => snapshot(deps, ctx, step) },
      { name: 'verify', run: (ctx, step) => verify(deps, ctx, step) },
    ],
    result: (ctx) => ({
      vmId: ctx.vm.id,
      name: ctx.input.name,
      mode: ctx.decision?.mode ?? null,
      memory: ctx.decision?.memory ?? false,
    }),
    interruptedMessage:
      'Interrupted: the app stopped while this snapshot was being taken; what it had made was removed',
  };
}
