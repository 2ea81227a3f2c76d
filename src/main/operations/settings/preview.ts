/**
 * A settings change planned from what its VM's host says now: the planner's document and live actions, and
 * the growth checked by the scheduler on that host. The preview is what `vms.settingsPlan` answers; the
 * operation makes the same plan again under the VM's lock.
 */
import type { HostEvaluation } from '../../../shared/domain/placement';
import type { VmSettingsChange, VmSettingsPreview } from '../../../shared/domain/vm-settings';
import type { VmsRepo } from '../../inventory/vms.repo';
import type { PlacementService } from '../../services/placement';
import { planSettings, type SettingsContext, type SettingsPlan } from '../../virt/settings-xml';
import type { HostOps } from '../host-ops';
import type { VmOnHost } from '../snapshots/context';
import { fitRefusal, growthOf, growthRequest, grows, hostRow, type Growth } from './fit';
import { readSettings, type ReadDeps } from './read';

export interface PlanDeps extends ReadDeps {
  readonly vms: VmsRepo;
  readonly placement: Pick<PlacementService, 'dryRun'>;
}

export interface PlannedSettings {
  readonly state: string;
  readonly ctx: SettingsContext;
  readonly plan: SettingsPlan;
  readonly growth: Growth;
  readonly fit: HostEvaluation | null;
  /** The planner's refusals, then the request's as a whole (index -1): any, and nothing runs. */
  readonly refusals: readonly { readonly index: number; readonly message: string }[];
}

/** What a template may still change: what it says about itself, not its hardware or its disks. */
const TEMPLATE_KINDS = new Set<VmSettingsChange['kind']>(['description', 'labels']);

export async function planVmSettings(
  deps: PlanDeps,
  ops: HostOps,
  vm: VmOnHost,
  changes: readonly VmSettingsChange[],
): Promise<PlannedSettings> {
  const { state, ctx } = await readSettings(deps, ops, vm, changes);
  const plan = planSettings(ctx, changes);
  const refusals = [...plan.refusals];
  if (deps.vms.get(vm.id)?.template) {
    changes.forEach((c, index) => {
      if (!TEMPLATE_KINDS.has(c.kind)) {
        refusals.push({
          index,
          message: `VM ${vm.name} is a template: its linked clones stand on it, so only its description and labels change`,
        });
      }
    });
  }
  const growth = growthOf(ctx, plan, changes);
  let fit: HostEvaluation | null = null;
  if (grows(growth)) {
    fit = hostRow(deps.placement.dryRun(vm.projectId, growthRequest(growth, vm.hostId)), vm.hostId);
    const why = fitRefusal(fit, vm.hostId);
    if (why) refusals.push({ index: -1, message: why });
  }
  refusals.sort((a, b) => a.index - b.index);
  return { state, ctx, plan, growth, fit, refusals };
}

const volumeName = (v: { pool: string; name: string }) => `${v.pool}/${v.name}`;

export function toPreview(vmId: string, p: PlannedSettings): VmSettingsPreview {
  return {
    vmId,
    running: p.plan.running,
    xmlBefore: p.ctx.inactiveXml,
    xmlAfter: p.plan.inactiveXml,
    changes: p.plan.changes.map(({ live: _l, ...c }) => c),
    refusals: p.refusals,
    fit: p.fit,
    volumes: {
      create: p.plan.createVolumes.map(volumeName),
      grow: p.growth.disks
        .filter((d) => !p.plan.createVolumes.some((v) => v.pool === d.pool && v.name === d.name))
        .map(volumeName),
      delete: p.plan.deleteVolumes.map(volumeName),
    },
  };
}
