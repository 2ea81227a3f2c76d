/**
 * A VM settings change as an operation under the VM's lock: check → volumes → grow → define → live →
 * autostart → record → delete → refresh. A failure undoes what was recorded, newest first: the running VM's
 * changes, the previous definition defined again, every volume it created deleted (a grown disk stays
 * grown). The volumes of detached disks are deleted only once everything else has succeeded.
 */
import type { OperationDef } from '../../tasks/engine';
import { settingsUndoer, type SettingsCtx, type SettingsUndo } from './context';
import { liveStep } from './live';
import {
  autostartStep,
  checkStep,
  defineStep,
  deleteStep,
  growStep,
  recordStep,
  refreshStep,
  volumesStep,
} from './steps';
import type { SettingsDeps } from '.';

export function settingsOperation(
  deps: SettingsDeps,
): OperationDef<'vm.settings', SettingsCtx, SettingsUndo> {
  return {
    kind: 'vm.settings',
    undo: settingsUndoer(deps),
    steps: [
      { name: 'check', run: (ctx, step) => checkStep(deps, ctx, step) },
      { name: 'volumes', run: (ctx, step) => volumesStep(deps, ctx, step) },
      { name: 'grow', run: (ctx, step) => growStep(deps, ctx, step) },
      { name: 'define', run: (ctx, step) => defineStep(deps, ctx, step) },
      {
        name: 'live',
        run: async (ctx, step) => liveStep(await deps.opsFor(ctx.vm.hostId), ctx, step),
      },
      { name: 'autostart', run: (ctx, step) => autostartStep(deps, ctx, step) },
      { name: 'record', run: (ctx, step) => recordStep(deps, ctx, step) },
      { name: 'delete', run: (ctx, step) => deleteStep(deps, ctx, step) },
      { name: 'refresh', run: (ctx, step) => refreshStep(deps, ctx, step) },
    ],
    result: (ctx) => {
      const changes = ctx.planned?.plan.changes ?? [];
      return {
        vmId: ctx.vm.id,
        name: ctx.vm.name,
        changes: changes.map(({ index, kind, summary, effect, note }) => ({
          index,
          kind,
          summary,
          effect,
          ...(note ? { note } : {}),
        })),
        created: ctx.planned?.plan.createVolumes.map((v) => `${v.pool}/${v.name}`) ?? [],
        deleted: ctx.deleted,
        left: ctx.left,
        pendingDetach: ctx.pending,
        deferred: ctx.deferred,
      };
    },
    finally: (ctx) => {
      ctx.release?.();
      ctx.release = null;
    },
    interruptedMessage:
      'Interrupted: the app stopped while this VM was changing; its previous definition was restored and the volumes it created were removed',
  };
}
