/**
 * "Convert to template" as an operation under the VM's lock: check → shutdown → protect → mark. The VM must
 * be shut off, or running with the user's consent to shut it down (a clean guest shutdown, never a forced
 * one: a guest that does not stop in time fails the task and is started again). Its writable disk files are
 * made read-only (each file's mode recorded first, restored by a rollback), and the inventory marks it a
 * template, which is never started again. A VM with snapshots is refused: a template's disks must not change
 * under its linked clones, and a revert would change them.
 */
import { AppError } from '../../../shared/domain/errors';
import type { VmConvertToTemplateInput } from '../../../shared/domain/template';
import type { OperationDef } from '../../tasks/engine';
import type { StepHandle } from '../../tasks/task-log';
import { cloneFacts } from '../../virt/clone-xml';
import type { HostOps } from '../host-ops';
import { changed, type VmOnHost } from '../snapshots/context';
import { readSnapshots } from '../snapshots/host';
import { onHost, templateUndoer, type TemplateDeps, type TemplateUndo } from './context';

export interface ConvertCtx {
  readonly vm: VmOnHost;
  readonly input: VmConvertToTemplateInput;
  /** The writable disks' files, made read-only. */
  files: string[];
}

const POLL_MS = 1000;

/** Refuses what cannot become a template now; resolves with its writable disk files and its state. */
export async function convertRefusal(
  deps: TemplateDeps,
  ops: HostOps,
  vm: VmOnHost,
  shutDown: boolean,
): Promise<{ files: string[]; state: string }> {
  if (deps.vms.get(vm.id)?.template)
    throw new AppError('CONFLICT', `VM ${vm.name} is a template already`, 'vmId');
  const state = await ops.domainState(vm.uuid);
  if (state === null) throw new AppError('NOT_FOUND', `VM ${vm.name} is not on its host`, 'vmId');
  if (state !== 'shut off' && state !== 'running') {
    throw new AppError('CONFLICT', `VM ${vm.name} is ${state}: resume it or power it off first`, 'vmId');
  }
  if (state === 'running' && !shutDown) {
    throw new AppError(
      'CONFLICT',
      `VM ${vm.name} is running: it must be shut down to become a template`,
      'vmId',
    );
  }
  const { list } = await readSnapshots(ops, vm.uuid);
  if (list.length) {
    throw new AppError(
      'CONFLICT',
      `VM ${vm.name} has ${list.length} snapshot${list.length === 1 ? '' : 's'}: a template's disks must not change, delete them first`,
      'vmId',
    );
  }
  const facts = cloneFacts(await ops.driver.virsh(['dumpxml', '--domain', vm.uuid, '--inactive']));
  if (facts.refusal) throw new AppError('UNSUPPORTED', facts.refusal, 'vmId');
  const files = facts.disks.filter((d) => d.copy).map((d) => d.source!);
  if (!files.length)
    throw new AppError('UNSUPPORTED', `VM ${vm.name} has no writable disk to make a base of`, 'vmId');
  for (const f of files) {
    if ((await ops.driver.exec(['test', '-f', f])).code !== 0) {
      throw new AppError('UNSUPPORTED', `Disk ${f} is not a file: a template's disks must be files`, 'vmId');
    }
  }
  return { files, state };
}

async function checkStep(deps: TemplateDeps, ctx: ConvertCtx, step: StepHandle<TemplateUndo>) {
  const ops = await deps.opsFor(ctx.vm.hostId);
  const { files, state } = await convertRefusal(deps, ops, ctx.vm, ctx.input.shutDown);
  ctx.files = files;
  step.done(`${state}; ${files.length} disk${files.length === 1 ? '' : 's'}: ${files.join(', ')}`);
}

async function shutdownStep(deps: TemplateDeps, ctx: ConvertCtx, step: StepHandle<TemplateUndo>) {
  const { vm } = ctx;
  const ops = await deps.opsFor(vm.hostId);
  if ((await ops.domainState(vm.uuid)) === 'shut off') return step.skip('Already shut off');
  step.addUndo({ type: 'restart', hostId: vm.hostId, uuid: vm.uuid, name: vm.name });
  await ops.driver.power(vm.uuid, 'shutdown');
  const limit = deps.shutdownTimeoutMs ?? 180_000;
  const since = Date.now();
  for (;;) {
    const state = await ops.domainState(vm.uuid);
    if (state === 'shut off') break;
    const waited = Date.now() - since;
    if (waited >= limit) {
      throw new AppError(
        'HOST_ERROR',
        `VM ${vm.name} did not shut down within ${Math.round(limit / 1000)} s; shut it down from inside the guest or power it off, then convert it again`,
      );
    }
    step.progress(waited / limit, `Waiting for the guest to shut down (${state ?? 'gone'})`);
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  deps.hostInventory.setDomainState(vm.hostId, vm.uuid, 'shutoff');
  deps.events.emit('vm.state', { vmId: vm.id, hostId: vm.hostId, state: 'shutoff' });
  step.done(`Shut down in ${((Date.now() - since) / 1000).toFixed(1)} s`);
}

async function protectStep(deps: TemplateDeps, ctx: ConvertCtx, step: StepHandle<TemplateUndo>) {
  const { vm } = ctx;
  const ops = await deps.opsFor(vm.hostId);
  for (const path of ctx.files) {
    const mode = (await onHost(ops, ['stat', '-c', '%a', '--', path], `Cannot read ${path}`)).trim();
    step.addUndo({ type: 'mode', hostId: vm.hostId, path, mode });
    await onHost(ops, ['chmod', 'a-w', '--', path], `Cannot make ${path} read-only`);
  }
  step.done(`Read-only: ${ctx.files.join(', ')}`);
}

function markStep(deps: TemplateDeps, ctx: ConvertCtx, step: StepHandle<TemplateUndo>): Promise<void> {
  deps.vms.setTemplate(ctx.vm.id, true);
  changed(deps, ctx.vm);
  step.done(`VM ${ctx.vm.name} is a template`);
  return Promise.resolve();
}

export function convertOperation(deps: TemplateDeps): OperationDef<'vm.template', ConvertCtx, TemplateUndo> {
  return {
    kind: 'vm.template',
    undo: templateUndoer(deps),
    steps: [
      { name: 'check', run: (ctx, step) => checkStep(deps, ctx, step) },
      { name: 'shutdown', run: (ctx, step) => shutdownStep(deps, ctx, step) },
      { name: 'protect', run: (ctx, step) => protectStep(deps, ctx, step) },
      { name: 'mark', run: (ctx, step) => markStep(deps, ctx, step) },
    ],
    result: (ctx) => ({ vmId: ctx.vm.id, name: ctx.vm.name, bases: ctx.files }),
    interruptedMessage:
      'Interrupted: the app stopped while this VM was becoming a template; its disks were made writable again',
  };
}
