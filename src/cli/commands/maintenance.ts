/**
 * `qhci host maintenance NAME --plan | --enter [--shut-down-stuck] [--yes] | --exit`: the scheduler's plan for
 * emptying a host (where each VM goes, what each destination receives, the VMs that cannot move and why),
 * then, once confirmed, the task that marks the host and migrates its VMs, followed with each migration's
 * progress on stderr.
 */
import { createInterface } from 'node:readline/promises';
import { AppError } from '../../shared/domain/errors';
import type { EvacuationPlan } from '../../shared/domain/evacuation';
import type { HostSummary } from '../../shared/domain/host';
import type { Task } from '../../shared/domain/provision';
import { fmtBytes } from '../args';
import { table, type Ctx } from '../context';
import { followTasks, ProgressView } from '../follow';
import type { Opts } from '../options';
import { outcomeText } from './create';

export const MAINTENANCE_USAGE = `  host maintenance NAME --plan            where the scheduler would move each of its VMs, and which cannot move
  host maintenance NAME --enter [--shut-down-stuck] [--yes]
                                         shows the plan, then marks the host in maintenance (nothing new is
                                         placed on it) and migrates its VMs away, two at a time; refused while
                                         a VM cannot move, unless --shut-down-stuck shuts such VMs down
  host maintenance NAME --exit           the host takes new VMs again`;

/** The plan as text: VM → destination, what each destination receives, the VMs that cannot move and why. */
export function planText(hostName: string, p: EvacuationPlan): string {
  const lines: string[] = [];
  const vms = p.moves.length + p.stuck.length;
  if (!vms) return `${hostName} has no VM: nothing to move.`;
  if (p.moves.length) {
    lines.push(
      `Emptying ${hostName}: ${p.moves.length} of ${vms} VM(s) can move`,
      '',
      table(
        ['VM', 'DESTINATION', 'SCORE'],
        p.moves.map((m) => [m.name, m.toHostName, m.score.toFixed(1)]),
      ),
      '',
      'Per destination:',
      table(
        ['HOST', 'VMS', 'VCPUS', 'MEMORY'],
        p.targets.map((t) => [t.hostName, String(t.vms), String(t.vcpus), fmtBytes(t.memoryBytes)]),
      ),
    );
  } else lines.push(`Emptying ${hostName}: none of its ${vms} VM(s) can move`);
  if (p.stuck.length) {
    lines.push(
      '',
      `Cannot move (${p.stuck.length}):`,
      table(
        ['VM', 'WHY'],
        p.stuck.map((s) => [s.name, s.reason]),
      ),
    );
  }
  return lines.join('\n');
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

/** What entering maintenance will do, as the question asked before it starts. */
export function enterQuestion(hostName: string, p: EvacuationPlan, shutDownStuck: boolean): string {
  const move = p.moves.length ? `migrate ${p.moves.length} VM(s) away` : 'move no VM';
  const stuck = p.stuck.length && shutDownStuck ? ` and shut down ${p.stuck.length} that cannot move` : '';
  return `This will put ${hostName} in maintenance, ${move}${stuck}.`;
}

/** Follows the maintenance task and, on the same view, the migrations it starts for the planned VMs. */
async function follow(ctx: Ctx, taskId: string, p: EvacuationPlan): Promise<Task> {
  const view = new ProgressView();
  const vmIds = new Set(p.moves.map((m) => m.vmId));
  const off = ctx.client.on('task.progress', ({ task }) => {
    if (task.kind === 'vm.migrate' && task.targetId !== null && vmIds.has(task.targetId)) view.update(task);
  });
  try {
    const [task] = await followTasks(ctx, [taskId], view);
    return task!;
  } finally {
    off();
  }
}

async function enter(ctx: Ctx, host: HostSummary, o: Opts): Promise<number> {
  const c = ctx.client;
  const plan = await c.call('hosts.maintenancePlan', { id: host.id });
  const shutDown = Boolean(o['shut-down-stuck']);
  if (!ctx.json) console.error(planText(host.name, plan));
  if (plan.stuck.length && !shutDown) {
    console.error(
      `\nqhci: ${plan.stuck.length} VM(s) cannot leave ${host.name}; nothing changed. Add --shut-down-stuck to shut them down instead.`,
    );
    return 1;
  }
  if (!o.yes) {
    const what = enterQuestion(host.name, plan, shutDown);
    if (!process.stdin.isTTY) throw new AppError('VALIDATION', `${what} Add --yes to go ahead.`, 'yes');
    if (!(await confirm(`${what} Go ahead?`))) {
      console.error('qhci: nothing changed');
      return 1;
    }
  }
  const { taskId } = await c.call('hosts.enterMaintenance', {
    id: host.id,
    stuck: shutDown ? 'shut-down' : 'abort',
  });
  const task = await follow(ctx, taskId, plan);
  if (ctx.json) console.log(JSON.stringify(task, null, 2));
  if (task.state !== 'succeeded') {
    console.error(`qhci: ${outcomeText(task, new Map())}`);
    return 1;
  }
  if (!ctx.json)
    console.log(`${host.name} is in maintenance; ${String(task.result?.moved ?? 0)} VM(s) moved`);
  return 0;
}

export async function hostMaintenance(ctx: Ctx, host: HostSummary, o: Opts): Promise<number> {
  const modes = (['plan', 'enter', 'exit'] as const).filter((m) => o[m]);
  if (modes.length !== 1) {
    throw new AppError('VALIDATION', `Give one of --plan, --enter or --exit.\n\n${MAINTENANCE_USAGE}`);
  }
  if (o['shut-down-stuck'] && !o.enter)
    throw new AppError('VALIDATION', '--shut-down-stuck goes with --enter', 'shut-down-stuck');
  if (o.plan) {
    const plan = await ctx.client.call('hosts.maintenancePlan', { id: host.id });
    console.log(ctx.json ? JSON.stringify(plan, null, 2) : planText(host.name, plan));
    return 0;
  }
  if (o.exit) {
    const h = await ctx.client.call('hosts.exitMaintenance', { id: host.id });
    console.log(ctx.json ? JSON.stringify(h, null, 2) : `${h.name} left maintenance: it takes new VMs again`);
    return 0;
  }
  return enter(ctx, host, o);
}
