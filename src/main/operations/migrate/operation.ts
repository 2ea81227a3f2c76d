/**
 * Migration as an operation under the VM's lock: check → prepare → migrate → cleanup → record.
 *   check    reads both hosts and runs the preflight again; any failing check refuses.
 *   prepare  puts on the destination what must be there first: missing bases and ISOs (copied through the
 *            console, SHA-256 verified), the NVRAM file, and each disk's top layer: for a live migration
 *            an empty overlay over the same base (libvirt then copies only that layer), for a cold one the
 *            file itself. Each file is an undo record before it is made.
 *   migrate  live: virsh between the two endpoints; cold: define on the destination, then undefine on the
 *            source (the point of no return).
 *   cleanup  removes the VM's own files from the source (its disks' top layers, its seed, its NVRAM); the
 *            bases stay, others may stand on them.
 *   record   moves the VM's inventory row to the destination.
 */
import { AppError } from '../../../shared/domain/errors';
import type { OperationDef } from '../../tasks/engine';
import type { StepHandle } from '../../tasks/task-log';
import { preflight } from '../../virt/migration/preflight';
import { hostOf, migrateUndoer, type MigrateCtx, type MigrateDeps, type MigrateUndo } from './context';
import { openEndpoint } from '../../hosts/migration-endpoint';
import { readFacts } from './facts';
import { migrateLive } from '../../hosts/virsh-migrate';
import { reachable } from './reach';
import { copyAcross, copySmallFile, overlay, placeShared, placementsSettled, poolAt } from './place-files';

async function checkStep(deps: MigrateDeps, ctx: MigrateCtx, step: StepHandle<MigrateUndo>) {
  const src = { ops: await deps.opsFor(ctx.vm.hostId), host: hostOf(deps, ctx.vm.hostId) };
  const dest = { ops: await deps.opsFor(ctx.destId), host: hostOf(deps, ctx.destId) };
  // A file another migration of this process is placing there is read once it is whole.
  await placementsSettled(ctx.destId);
  ctx.facts = await readFacts(src, dest, ctx.vm.uuid, deps.hostInventory);
  const reach = ctx.facts.input.running ? await reachable(src, dest.host) : null;
  ctx.preflight = preflight({ ...ctx.facts.input, transport: ctx.input.transport, reachable: reach });
  const failed = ctx.preflight.checks.filter((c) => c.status === 'fail');
  if (failed.length) {
    throw new AppError(
      'CONFLICT',
      `VM ${ctx.vm.name} cannot migrate to ${dest.host.name}: ${failed.map((c) => c.detail).join('; ')}`,
    );
  }
  ctx.saved = deps.vmMove.save(ctx.vm.id);
  const mode = ctx.facts.input.running ? 'Live' : 'Cold';
  step.done(`${mode} migration to ${dest.host.name}; ${ctx.preflight.copies.length} files to place`);
}

async function prepareStep(deps: MigrateDeps, ctx: MigrateCtx, step: StepHandle<MigrateUndo>) {
  const { copies } = ctx.preflight!;
  const live = ctx.facts!.input.running;
  const src = await deps.opsFor(ctx.vm.hostId);
  const dest = await deps.opsFor(ctx.destId);
  const total = copies.reduce((n, c) => n + Math.max(c.bytes, 1), 0) || 1;
  let done = 0;
  for (const c of copies) {
    const what = `${c.what === 'overlay' || c.what === 'disk' ? 'Disk' : c.what === 'nvram' ? 'NVRAM' : 'Copy of'} ${c.path}`;
    step.progress(done / total, what);
    const undo: MigrateUndo = {
      type: 'dest-file',
      hostId: ctx.destId,
      sourceHostId: ctx.vm.hostId,
      uuid: ctx.vm.uuid,
      path: c.path,
    };
    if (c.what === 'base' || c.what === 'iso') await placeShared(deps, ctx, c.path, step, undo);
    else if (c.what === 'nvram') {
      step.addUndo(undo);
      await copySmallFile(src, dest, c.path);
    } else if (live) {
      step.addUndo(undo);
      await overlay(dest, c.path, ctx.facts!.input.sourceFiles.get(c.path)!);
    } else await copyAcross(deps, ctx, c.path, step, undo);
    done += Math.max(c.bytes, 1);
  }
  const pools = [
    ...new Set(copies.filter((c) => c.what !== 'nvram').map((c) => poolAt(deps, ctx.destId, c.path))),
  ];
  for (const p of pools) await dest.refreshPool(p).catch(() => undefined);
  step.done(copies.length ? `Placed ${copies.map((c) => c.path).join(', ')}` : 'Nothing to place first');
}

async function migrateStep(deps: MigrateDeps, ctx: MigrateCtx, step: StepHandle<MigrateUndo>) {
  const srcHost = hostOf(deps, ctx.vm.hostId);
  const destHost = hostOf(deps, ctx.destId);
  if (ctx.facts!.input.running) {
    const a = await openEndpoint(srcHost, (await deps.opsFor(srcHost.id)).driver, destHost);
    try {
      const b = await openEndpoint(destHost, (await deps.opsFor(destHost.id)).driver, srcHost);
      try {
        await migrateLive(a, b, ctx.vm.uuid, (f) => step.progress(f, `Migrating: ${Math.round(f * 100)}%`));
      } finally {
        b.close();
      }
    } finally {
      a.close();
    }
    ctx.moved = true;
    return step.done(`VM ${ctx.vm.name} runs on ${destHost.name}`);
  }
  const dest = await deps.opsFor(ctx.destId);
  step.addUndo({ type: 'dest-domain', hostId: ctx.destId, sourceHostId: ctx.vm.hostId, uuid: ctx.vm.uuid });
  await dest.define(ctx.facts!.inactiveXml);
  const src = await deps.opsFor(ctx.vm.hostId);
  await src.driver.virsh(['undefine', '--domain', ctx.vm.uuid, '--keep-nvram']);
  ctx.moved = true;
  step.done(`VM ${ctx.vm.name} is defined on ${destHost.name}`);
}

async function cleanupStep(deps: MigrateDeps, ctx: MigrateCtx, step: StepHandle<MigrateUndo>) {
  const src = await deps.opsFor(ctx.vm.hostId);
  const own = ctx.preflight!.copies.filter(
    (c) => c.what === 'overlay' || c.what === 'disk' || c.what === 'nvram',
  );
  const seed = ctx.facts!.input.vm.disks.find((d) => d.path.endsWith(`/${ctx.vm.name}-cidata.iso`));
  const paths = [...own.map((c) => c.path), ...(seed ? [seed.path] : [])];
  const left: string[] = [];
  for (const path of paths) {
    try {
      const how = await src.deleteVolumeAt(path).catch(() => 'absent' as const);
      if (how === 'absent') await src.removeFile(path);
    } catch (err) {
      left.push(`${path} (${(err as Error).message})`);
    }
  }
  step.done(
    left.length ? `Left on the source: ${left.join('; ')}` : `Removed from the source: ${paths.join(', ')}`,
  );
}

async function recordStep(deps: MigrateDeps, ctx: MigrateCtx, step: StepHandle<MigrateUndo>) {
  const state = ctx.facts!.input.running ? 'running' : 'shutoff';
  if (ctx.saved) deps.vmMove.moveTo(ctx.saved, ctx.destId, ctx.vm.uuid, state);
  const pools = (hostId: string) => [
    ...new Set(
      ctx.preflight!.copies.filter((c) => c.what !== 'nvram').map((c) => poolAt(deps, hostId, c.path)),
    ),
  ];
  // Both hosts' pools (and the VM on its new host) are read back in the background; drain() waits for it.
  const refresh = (hostId: string, domains: string[]) =>
    deps.engine.track(
      deps.hostsService.refresh(hostId, { domains, pools: pools(hostId) }).catch(() => undefined),
    );
  refresh(ctx.destId, [ctx.vm.name]);
  refresh(ctx.vm.hostId, []);
  deps.events.emit('vm.state', { vmId: ctx.vm.id, hostId: ctx.destId, state });
  deps.events.emit('inventory.changed', { entity: 'vms', projectId: ctx.vm.projectId });
  step.done(`VM ${ctx.vm.name} is on ${hostOf(deps, ctx.destId).name}`);
}

export function migrateOperation(deps: MigrateDeps): OperationDef<'vm.migrate', MigrateCtx, MigrateUndo> {
  return {
    kind: 'vm.migrate',
    undo: migrateUndoer(deps),
    steps: [
      { name: 'check', run: (ctx, step) => checkStep(deps, ctx, step) },
      { name: 'prepare', run: (ctx, step) => prepareStep(deps, ctx, step) },
      { name: 'migrate', run: (ctx, step) => migrateStep(deps, ctx, step) },
      { name: 'cleanup', run: (ctx, step) => cleanupStep(deps, ctx, step) },
      { name: 'record', run: (ctx, step) => recordStep(deps, ctx, step) },
    ],
    result: (ctx) => ({ vmId: ctx.vm.id, hostId: ctx.destId, moved: ctx.moved }),
    interruptedMessage:
      'The migration was interrupted; the VM stays where libvirt left it, and what was made on the destination was removed',
  };
}
