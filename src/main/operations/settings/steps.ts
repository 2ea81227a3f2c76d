/**
 * The steps of a settings change besides the live one: the plan made again under the lock (refused if it
 * has refusals now) with its growth booked; new volumes (undo: delete); cold growth (no undo: a grown disk
 * stays grown); the new definition (undo: the previous one); autostart; the inventory's record; the volumes
 * of detached disks deleted once everything else has succeeded; and the VM read back into the inventory.
 */
import { AppError } from '../../../shared/domain/errors';
import { isPlacementError } from '../../scheduler';
import type { StepHandle } from '../../tasks/task-log';
import { headOf } from '../../virt/settings/facts';
import { HostOps } from '../host-ops';
import { changed } from '../snapshots/context';
import type { SettingsCtx, SettingsUndo } from './context';
import { growthRequest, grows } from './fit';
import { planVmSettings } from './preview';
import type { SettingsDeps } from '.';

type Step = (deps: SettingsDeps, ctx: SettingsCtx, step: StepHandle<SettingsUndo>) => Promise<void>;

/** The refusals of a plan as one error (what the request's caller and the failed task show). */
export function refusalError(refusals: readonly { index: number; message: string }[]): AppError {
  const text = refusals.map((r) => (r.index < 0 ? r.message : `change ${r.index + 1}: ${r.message}`));
  return new AppError('VALIDATION', `The change cannot be made: ${text.join('; ')}`, 'changes');
}

export const checkStep: Step = async (deps, ctx, step) => {
  const { vm } = ctx;
  const planned = await planVmSettings(deps, await deps.opsFor(vm.hostId), vm, ctx.input.changes);
  if (planned.refusals.length) throw refusalError(planned.refusals);
  ctx.planned = planned;
  if (grows(planned.growth)) {
    try {
      const booked = deps.reservations.placeAndReserve(growthRequest(planned.growth, vm.hostId), () =>
        deps.placement.snapshot(vm.projectId),
      );
      ctx.release = booked.release;
      for (const t of booked.tickets) deps.reservations.attachTask(t.id, ctx.taskId);
    } catch (err) {
      if (isPlacementError(err)) throw refusalError([{ index: -1, message: err.message }]);
      throw err;
    }
  }
  const n = planned.plan.changes.length;
  step.done(`${planned.state}; ${n} change${n === 1 ? '' : 's'}${ctx.release ? '; growth booked' : ''}`);
};

export const volumesStep: Step = async (deps, ctx, step) => {
  const { vm } = ctx;
  const list = ctx.planned!.plan.createVolumes;
  if (!list.length) return step.skip('No new volume');
  const ops = await deps.opsFor(vm.hostId);
  for (const v of list) {
    step.addUndo({ type: 'volume', hostId: vm.hostId, pool: v.pool, name: v.name });
    const [made, where] = await ops.batch([
      HostOps.createArgs({ pool: v.pool, name: v.name, capacityBytes: v.sizeBytes, format: v.format }),
      HostOps.pathArgs(v.pool, v.name),
    ]);
    if (!made?.ok) {
      const error = made?.ok === false ? made.error : 'no answer';
      if (/exists already|already exists/i.test(error)) {
        step.dropUndo((u) => u.type === 'volume' && u.pool === v.pool && u.name === v.name);
        throw new AppError('CONFLICT', `Pool ${v.pool} already has a volume ${v.name}`, 'changes');
      }
      throw new AppError('HOST_ERROR', `Cannot create volume ${v.pool}/${v.name}: ${error}`);
    }
    const path = where?.ok ? where.out.trim() : '';
    if (path !== v.path) {
      throw new AppError('HOST_ERROR', `Volume ${v.name} is at ${path || 'no path'}, not ${v.path}`);
    }
  }
  step.done(list.map((v) => `${v.pool}/${v.name}`).join(', '));
};

export const growStep: Step = async (deps, ctx, step) => {
  const list = ctx.planned!.plan.resizeVolumes;
  if (!list.length) return step.skip('No disk grows while the VM is shut off');
  const ops = await deps.opsFor(ctx.vm.hostId);
  for (const v of list) {
    // No undo: qemu-img cannot give the bytes back safely, so a rollback leaves the disk grown.
    await ops.driver.virsh(
      ['vol-resize', '--pool', v.pool, '--vol', v.name, '--capacity', String(v.sizeBytes)],
      { timeoutMs: 10 * 60_000 },
    );
  }
  step.done(`${list.map((v) => `${v.pool}/${v.name}`).join(', ')} (a rollback leaves them grown)`);
};

export const defineStep: Step = async (deps, ctx, step) => {
  const { vm } = ctx;
  const { ctx: read, plan } = ctx.planned!;
  if (plan.inactiveXml === read.inactiveXml) return step.skip('The definition does not change');
  const ops = await deps.opsFor(vm.hostId);
  step.addUndo({ type: 'define', hostId: vm.hostId, uuid: vm.uuid, name: vm.name, xml: read.inactiveXml });
  await ops.defineInSession(plan.inactiveXml);
  step.done();
};

export const autostartStep: Step = async (deps, ctx, step) => {
  const { vm } = ctx;
  const want = ctx.planned!.plan.autostart;
  if (want === null) return step.skip('Autostart does not change');
  const ops = await deps.opsFor(vm.hostId);
  const info = await ops.driver.virsh(['dominfo', '--domain', vm.uuid]);
  const was = /^Autostart:\s*enable/im.test(info);
  if (was === want) return step.skip(`Autostart is ${want ? 'on' : 'off'} already`);
  step.addUndo({ type: 'autostart', hostId: vm.hostId, uuid: vm.uuid, enabled: was });
  await ops.driver.virsh(['autostart', '--domain', vm.uuid, ...(want ? [] : ['--disable'])]);
  step.done(want ? 'On' : 'Off');
};

export const recordStep: Step = async (deps, ctx, step) => {
  const { vm } = ctx;
  const { plan } = ctx.planned!;
  // The VM's devices as the host has them now first, then what only the inventory holds; its size is the
  // new definition's, which a sync reads once it has booted.
  const read = await deps.hostsService.refresh(vm.hostId, { domains: [vm.name] }).then(
    () => '',
    (err: unknown) => `; its devices are read at the next sync (${(err as Error).message})`,
  );
  const row = deps.vms.get(vm.id);
  if (!row) throw new AppError('NOT_FOUND', `VM ${vm.name} is no longer in the inventory`, 'vmId');
  const description = ctx.input.changes.find((c) => c.kind === 'description')?.text;
  step.addUndo({ type: 'record', vmId: vm.id, labels: row.labels, description: row.description });
  const head = headOf(plan.inactiveXml);
  deps.vms.setSettings(vm.id, {
    ...(plan.labels ? { labels: plan.labels } : {}),
    ...(description !== undefined ? { description } : {}),
    vcpus: head.vcpuMax,
    memoryBytes: head.memoryKib * 1024,
  });
  step.done(`${head.vcpuMax} vCPUs, ${head.memoryKib / 1024} MiB${read}`);
};

export const deleteStep: Step = async (deps, ctx, step) => {
  const list = ctx.planned!.plan.deleteVolumes;
  if (!list.length) return step.skip('No volume to delete');
  const ops = await deps.opsFor(ctx.vm.hostId);
  const paths: string[] = [];
  for (const v of list) {
    const name = `${v.pool}/${v.name}`;
    // A disk the guest has not released is still open in QEMU: its volume stays (and is said to).
    if (ctx.held.includes(v.path)) {
      ctx.left.push(`${name} (the guest has not released the disk yet)`);
      continue;
    }
    try {
      await ops.deleteVolume(v.pool, v.name);
      ctx.deleted.push(name);
      paths.push(v.path);
    } catch (err) {
      // The change is made: a volume that will not go is reported, not a reason to undo it.
      ctx.left.push(`${name} (${(err as Error).message})`);
    }
  }
  deps.hostsService.forgetVolumes(ctx.vm.hostId, paths);
  step.done([...ctx.deleted, ...ctx.left.map((l) => `left: ${l}`)].join(', '));
};

export const refreshStep: Step = async (deps, ctx, step) => {
  const { vm } = ctx;
  const { plan, growth } = ctx.planned!;
  // New and grown volumes (cold or live): their capacity as the host has it now.
  const volumes = growth.disks.map((v) => ({ pool: v.pool, name: v.name }));
  const pools = [...new Set([...volumes.map((v) => v.pool), ...plan.deleteVolumes.map((v) => v.pool)])];
  if (!pools.length) {
    changed(deps, vm);
    return step.skip('No volume changed');
  }
  try {
    await deps.hostsService.refresh(vm.hostId, { pools, volumes });
    step.done(pools.join(', '));
  } catch (err) {
    // The change is made; the next sync reads it.
    step.done(`Not read back now (${(err as Error).message}); the next sync will`);
  }
  changed(deps, vm);
};
