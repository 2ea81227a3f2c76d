/**
 * The ready step (when asked for): wait until the guest agent reports an address, then until cloud-init has
 * finished. Under KVM, a guest that shows no sign of life for a while, or that KVM paused, fails at once.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import { kvmLimitationMessage } from '../../virt/cpu-refusal';
import type { HostUndo } from '../host-undo';
import { opsOf, type CreateCtx } from './context';
import { hasLease, noSignOfLife } from './signs-of-life';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the agent for addresses until the deadline; fails early when the guest shows no life under KVM. */
async function waitForAddress(
  ctx: CreateCtx,
  step: StepHandle<HostUndo>,
  deadline: number,
): Promise<string[]> {
  const { plan, deps } = ctx;
  const ops = opsOf(ctx);
  const lifeStart = Date.now();
  const lifeDeadline = plan.domainType === 'kvm' ? lifeStart + deps.options.lifeTimeoutMs : Infinity;
  const underKvm = Number.isFinite(lifeDeadline);
  let alive = false;
  while (Date.now() < deadline) {
    const ips = await ops.agentAddresses(plan.uuid);
    if (ips && ips.length) return ips;
    alive ||= ips !== null || (underKvm && (await hasLease(ops.driver, plan.uuid)));
    // KVM that cannot emulate what the guest does pauses it ("KVM internal error"): no use waiting.
    if (!alive && underKvm && (await ops.domainState(plan.uuid)) === 'paused') {
      throw new AppError(
        'HOST_ERROR',
        kvmLimitationMessage(plan.hostName, 'KVM paused the guest: internal error'),
      );
    }
    if (!alive && Date.now() >= lifeDeadline) {
      throw new AppError(
        'HOST_ERROR',
        noSignOfLife(Math.round((Date.now() - lifeStart) / 1000), plan.hostName),
      );
    }
    step.progress(0.2, alive ? 'The guest is booting; waiting for its agent' : 'Waiting for the guest agent');
    await sleep(deps.options.readyPollMs);
  }
  return [];
}

/** Polls `cloud-init status` in the guest until it is done, failed or disabled. */
async function waitForCloudInit(ctx: CreateCtx, step: StepHandle<HostUndo>, deadline: number, ip: string) {
  const ops = opsOf(ctx);
  while (Date.now() < deadline) {
    const r = await ops.guestExec(ctx.plan.uuid, '/bin/sh', ['-c', 'cloud-init status 2>&1']);
    const status = (r ? /status:\s*(\S+)/.exec(r.out) : null)?.[1] ?? null;
    if (status === 'done' || status === 'error' || status === 'disabled') return status;
    step.progress(0.6, `Guest at ${ip}; cloud-init ${status ?? 'not answering yet'}`);
    await sleep(ctx.deps.options.readyPollMs);
  }
  return null;
}

export async function readyStep(ctx: CreateCtx, step: StepHandle<HostUndo>): Promise<void> {
  const wait = ctx.request.waitForReady;
  if (!wait || !ctx.request.start) return step.skip('Not requested');
  const deadline = Date.now() + wait.timeoutSeconds * 1000;
  const ips = await waitForAddress(ctx, step, deadline);
  if (!ips.length) {
    throw new AppError(
      'HOST_ERROR',
      `The guest agent did not report an address within ${wait.timeoutSeconds} s`,
    );
  }
  ctx.result.ip = ips[0];
  ctx.result.addresses = ips;
  if (ctx.plan.seed) {
    const status = await waitForCloudInit(ctx, step, deadline, ips[0]!);
    if (status === null) {
      throw new AppError('HOST_ERROR', `cloud-init did not finish within ${wait.timeoutSeconds} s`);
    }
    ctx.result.cloudInit = status;
  }
  const ci = ctx.result.cloudInit ? `, cloud-init ${String(ctx.result.cloudInit)}` : '';
  step.done(`Address ${ips[0]}${ci}`);
}
