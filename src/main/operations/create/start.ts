/**
 * The start step: start the domain; with the automatic CPU choice, a CPU the host refuses is replaced by the
 * next variant and started again. The host remembers the variant that started under KVM.
 */
import { describeCpuVariant, type CpuVariant } from '../../../shared/domain/cpu';
import type { StepHandle } from '../../tasks/task-log';
import { fallbackSummary } from '../../virt/cpu-refusal';
import type { HostUndo } from '../host-undo';
import { opsOf, type CreateCtx } from './context';
import { startWithCpuFallback } from './cpu-start';
import { readBackParts } from './define';

/** The host remembers the CPU variant that started under KVM with the automatic choice. */
function rememberCpu(ctx: CreateCtx, started: CpuVariant): void {
  const { plan, deps } = ctx;
  if (plan.cpuExplicit || plan.domainType !== 'kvm') return;
  const host = deps.hosts.get(plan.hostId);
  if (!host || host.cpuMode === started) return;
  deps.hosts.setCpuMode(plan.hostId, started);
  deps.events.emit('inventory.changed', { entity: 'hosts', projectId: host.projectId });
}

export async function startStep(ctx: CreateCtx, step: StepHandle<HostUndo>): Promise<void> {
  const { plan } = ctx;
  if (!ctx.request.start) return step.skip('Not requested');
  const ops = opsOf(ctx);
  const starting = ops.start(plan.uuid);
  // Parse the read-back while the start command is on its way (it is written in microtasks; this runs after).
  setImmediate(() => {
    try {
      ctx.readBack?.prepare();
    } catch {
      // apply() meets the same error and leaves the inventory to the next sync
    }
  });
  const { started, refused } = await startWithCpuFallback(ops, {
    uuid: plan.uuid,
    hostName: plan.hostName,
    attempts: plan.cpuAttempts,
    explicit: plan.cpuExplicit,
    underKvm: plan.domainType === 'kvm',
    xmlFor: ctx.xmlFor!,
    firstStart: starting,
    onRetry: (r, next) =>
      step.progress(
        0.5,
        `${describeCpuVariant(r.variant)} refused on this host (${r.reason}); trying ${describeCpuVariant(next)}`,
      ),
  });
  if (refused.length) ctx.readBack = await readBackParts(ctx); // redefined: read it again
  rememberCpu(ctx, started);
  step.done(refused.length ? fallbackSummary(refused, started) : 'Running');
}
