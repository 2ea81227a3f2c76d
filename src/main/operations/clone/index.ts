/**
 * Cloning a VM as operations on the engine: one task per clone (check → volumes → files → seed → define →
 * record; the seed made beside the volumes). A full clone copies the source's writable disks; a linked clone (of a template) is a qcow2 overlay
 * on each of its disks. The clones go to the source's host and pools, or where the scheduler places them
 * (booked in the inventory like a creation); a disk bound for another host travels through the workstation,
 * checksum-verified. The whole request is checked before any task starts (every name free, every pool with
 * room), so a refusal is the call's error and starts nothing; each check step reads again under its lock
 * what can have changed since (one round trip per host while the source's XML is the same).
 * The tasks run one after another: one that fails removes what it made and the others go on.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../../shared/domain/errors';
import {
  cloneNames,
  cloneNamesProblem,
  type VmCloneInput,
  type VmCloneStarted,
} from '../../../shared/domain/clone';
import type { OperationDef } from '../../tasks/engine';
import { toTaskError, type TaskHandle } from '../../tasks/task-log';
import { vmLock, vmOnHost, type VmOnHost } from '../snapshots/context';
import { checkStep } from './check';
import { cloneUndoer, type CloneCtx, type CloneDeps, type CloneJob, type CloneUndo } from './context';
import { defineStep, dropStagedDefine, recordStep } from './define';
import { dropUnusedSeed, filesStep, seedStep } from './files';
import type { ReservedPlacement } from '../../services/reservations';
import { placeClones } from './place';
import {
  OVERLAY_BYTES,
  planCloneDisks,
  readHosts,
  readShutOffSource,
  refuseUnlessTemplate,
  sourceDisks,
  type SourceDisk,
} from './plan';
import { TemplateReads } from './template-reads';
import { volumesStep } from './volumes';

export type { CloneDeps } from './context';

export function vmCloneOperation(deps: CloneDeps): OperationDef<'vm.clone', CloneCtx, CloneUndo> {
  const release = (ticketId: string | null) => {
    if (ticketId) deps.reservations.release(ticketId);
  };
  return {
    kind: 'vm.clone',
    undo: cloneUndoer(deps),
    steps: [
      { name: 'check', run: (ctx, step) => checkStep(deps, ctx, step) },
      { name: 'volumes', run: (ctx, step) => volumesStep(deps, ctx, step) },
      { name: 'files', run: (ctx, step) => filesStep(deps, ctx, step) },
      // The seed needs only the check's plan: it is made while the disks are copied.
      { name: 'seed', early: 'volumes', run: (ctx, step) => seedStep(deps, ctx, step) },
      { name: 'define', run: (ctx, step) => defineStep(deps, ctx, step) },
      { name: 'record', run: (ctx, step) => recordStep(deps, ctx, step) },
    ],
    result: (ctx) => ({
      vmId: ctx.plan?.vmId ?? null,
      name: ctx.job.name,
      sourceId: ctx.source.id,
      mode: ctx.job.mode,
      hostId: ctx.job.hostId,
    }),
    finally: (ctx) => {
      release(ctx.job.ticketId);
      deps.engine.track(dropUnusedSeed(ctx));
      deps.engine.track(dropStagedDefine(ctx));
    },
    interrupted: (taskId) => void deps.reservations.releaseForTask(taskId),
    interruptedMessage:
      'Interrupted: the app stopped while this clone was being made; what it had made was removed',
  };
}

/**
 * Every clone of the request checked on its host before any task starts: names, volume names, room (one
 * virsh round trip per host).
 */
async function refuseAny(deps: CloneDeps, vm: VmOnHost, disks: readonly SourceDisk[], jobs: CloneJob[]) {
  const srcOps = await deps.opsFor(vm.hostId);
  for (const hostId of new Set(jobs.map((j) => j.hostId))) {
    const here = jobs.filter((j) => j.hostId === hostId);
    const ops = await deps.opsFor(hostId);
    const planned = [];
    const bases = new Set<string>();
    for (const job of here) {
      for (const d of await planCloneDisks(deps, vm, disks, job, ops)) {
        // One base copy per disk serves every linked clone on the host.
        if (d.base && !d.base.path && bases.has(d.target)) {
          planned.push({ ...d, base: null, requiredBytes: OVERLAY_BYTES });
        } else planned.push(d);
        if (d.base) bases.add(d.target);
      }
    }
    const at = { hostId, projectId: vm.projectId };
    const read = await readHosts(deps, at, ops, hostId === vm.hostId ? null : srcOps, planned);
    read.refuse(here.map((j) => j.name));
  }
}

/** One job per name: on the source's host and pools, or where the scheduler placed it (and booked). */
function jobsOf(
  input: VmCloneInput,
  vm: VmOnHost,
  template: boolean,
  names: readonly string[],
  reserved: ReservedPlacement | null,
): CloneJob[] {
  return names.map((name, i) => {
    const placed = reserved?.result.placements[i];
    return {
      vmId: randomUUID(),
      uuid: randomUUID(),
      name,
      ...(input.description ? { description: input.description } : {}),
      mode: input.mode,
      hostId: placed?.hostId ?? vm.hostId,
      pools: placed?.diskPools ?? null,
      // The last task holds the source's lock from the request on; the others run before it, one by one.
      locksSource: input.mode === 'full' && !template && i === names.length - 1,
      ticketId: reserved?.tickets[i]?.id ?? null,
    };
  });
}

/** The clone operation as the engine registered it. */
type CloneOp = OperationDef<'vm.clone', CloneCtx, CloneUndo>;

/** One task per job, each with its lock; none when one cannot start. */
function startTasks(
  deps: CloneDeps,
  op: CloneOp,
  vm: VmOnHost,
  input: VmCloneInput,
  jobs: readonly CloneJob[],
) {
  const tasks: TaskHandle<CloneUndo>[] = [];
  try {
    for (const job of jobs) {
      const task = deps.engine.start(op, {
        projectId: vm.projectId,
        title: `Clone VM ${vm.name} as ${job.name}${job.mode === 'linked' ? ' (linked)' : ''}`,
        target: { type: 'vm', id: vm.id },
        input: { ...input, name: job.name, count: 1, hostId: job.hostId, pools: job.pools, vmId: vm.id },
        lock: job.locksSource ? vmLock(vm) : { key: `vm:${job.vmId}`, label: `VM ${job.name}` },
      });
      if (job.ticketId) deps.reservations.attachTask(job.ticketId, task.id);
      tasks.push(task);
    }
  } catch (err) {
    // Nothing ran yet: the tasks already started end at once, having made nothing.
    for (const t of tasks) t.fail({ ...toTaskError(err), rolledBack: [] });
    throw err;
  }
  return tasks;
}

export function createCloneOps(deps: CloneDeps) {
  const op = deps.engine.register(vmCloneOperation(deps));
  const templateReads = new TemplateReads();

  /** Starts the request's tasks (they run one after another); a refusal to start releases the booking. */
  function begin(
    vm: VmOnHost,
    input: VmCloneInput,
    jobs: readonly CloneJob[],
    known: CloneCtx['known'],
    reserved: ReservedPlacement | null,
  ): VmCloneStarted {
    let tasks: TaskHandle<CloneUndo>[];
    try {
      tasks = startTasks(deps, op, vm, input, jobs);
    } catch (err) {
      reserved?.release();
      throw err;
    }
    const ctxs = jobs.map((job): CloneCtx => ({
      source: vm,
      job,
      known,
      plan: null,
      seedPath: null,
      seedIso: null,
      macs: null,
      defineFile: null,
    }));
    deps.engine.track(
      (async () => {
        for (const [i, task] of tasks.entries()) await deps.engine.run(op, task, ctxs[i]!);
      })(),
    );
    return { taskId: tasks[0]!.id, taskIds: tasks.map((t) => t.id) };
  }

  return {
    async clone(input: VmCloneInput): Promise<VmCloneStarted> {
      const vm = vmOnHost(deps, input.vmId);
      const src = deps.vms.get(vm.id)!;
      const problem = cloneNamesProblem(input.name, vm.name, input.count);
      if (problem) throw new AppError('VALIDATION', problem, 'name');
      const names = cloneNames(input.name, vm.name, input.count);
      if (input.mode === 'linked') refuseUnlessTemplate(deps, vm);
      const busy = deps.engine.busy(vmLock(vm));
      if (busy) throw busy;
      const srcOps = await deps.opsFor(vm.hostId);
      const measured = input.mode === 'full' || input.placement !== undefined;
      // A template's disks read before: the template and its clones' host checked in one round trip.
      if (src.template && !input.placement) {
        const jobs = jobsOf(input, vm, true, names, null);
        const known = await templateReads.check(deps, vm, srcOps, jobs, measured);
        if (known) return begin(vm, input, jobs, known, null);
      }
      const xml = await readShutOffSource(srcOps, vm);
      const disks = await sourceDisks(srcOps, xml, { required: measured });
      if (src.template) templateReads.remember(vm.id, { xml, disks, measured });
      const reserved = input.placement ? placeClones(deps, src, xml, disks, input) : null;
      const jobs = jobsOf(input, vm, src.template, names, reserved);
      try {
        await refuseAny(deps, vm, disks, jobs);
      } catch (err) {
        reserved?.release();
        throw err;
      }
      return begin(vm, input, jobs, { xml, disks }, reserved);
    },
  };
}

export type CloneOps = ReturnType<typeof createCloneOps>;
