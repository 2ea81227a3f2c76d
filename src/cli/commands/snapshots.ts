/** `qhci vm snapshot list|plan|create|revert|delete`: the snapshot channels, with task progress on stderr. */
import { AppError } from '../../shared/domain/errors';
import type { SnapshotNode, SnapshotPlan } from '../../shared/domain/snapshot';
import { fmtBytes } from '../args';
import { print, table, type Ctx } from '../context';
import { followTasks, ProgressView } from '../follow';
import type { Opts } from '../options';
import { resolveVm } from '../resolve';
import { outcomeText } from './create';

export const SNAPSHOT_USAGE = `  vm snapshot list VM                  its snapshots as a tree; * marks the current one
  vm snapshot plan VM [--disk-only]      the mode, the memory it needs against the pool's free space, or
                                         why no snapshot can be taken now
  vm snapshot create VM --name NAME [--description TEXT] [--memory|--disk-only]
                                         a running VM's snapshot holds its memory unless --disk-only
  vm snapshot revert VM SNAPSHOT         the VM returns to it (running, if it holds memory)
  vm snapshot delete VM SNAPSHOT...      their data merges into their children`;

function treeRows(nodes: readonly SnapshotNode[], depth = 0): string[][] {
  return nodes.flatMap((n) => [
    [
      `${'  '.repeat(depth)}${n.name}${n.current ? ' *' : ''}`,
      n.createdAt.replace('T', ' ').slice(0, 19),
      n.state,
      n.memory ? 'yes' : 'no',
      n.mode,
      n.description,
    ],
    ...treeRows(n.children, depth + 1),
  ]);
}

export function planText(vmName: string, p: SnapshotPlan): string {
  const lines = [
    p.refusal
      ? `No snapshot of ${vmName} now: ${p.refusal}`
      : `${vmName} (${p.vmState}): ${p.mode} snapshot, ${p.memory ? 'with memory' : 'disks only'}`,
  ];
  if (p.memory) {
    const free = p.poolFreeBytes === null ? 'unknown' : fmtBytes(p.poolFreeBytes);
    lines.push(`  memory: ${fmtBytes(p.memoryBytes)} into pool ${p.pool ?? '-'} (${free} free)`);
  }
  for (const n of p.notes) lines.push(`  ${n}`);
  return lines.join('\n');
}

/** Whether the snapshot holds memory: --memory (no value) or not --disk-only; both are refused. */
function wantsMemory(o: Opts): boolean {
  if (o.memory !== undefined && o.memory !== '') {
    throw new AppError('VALIDATION', '--memory takes no value for a snapshot', 'memory');
  }
  if (o.memory !== undefined && o['disk-only']) {
    throw new AppError('VALIDATION', 'Give --memory or --disk-only, not both', 'memory');
  }
  return !o['disk-only'];
}

export async function runTask(ctx: Ctx, taskId: string, done: (r: Record<string, unknown>) => string) {
  const [task] = await followTasks(ctx, [taskId], new ProgressView());
  if (ctx.json) console.log(JSON.stringify(task, null, 2));
  if (task!.state !== 'succeeded') {
    console.error(`qhci: ${outcomeText(task!, new Map())}`);
    return 1;
  }
  if (!ctx.json) console.log(done((task!.result ?? {}) as Record<string, unknown>));
  return 0;
}

export async function snapshotCommand(ctx: Ctx, args: string[], o: Opts): Promise<number> {
  const [verb, ref, ...rest] = args;
  if (!ref) throw new AppError('VALIDATION', `Name the VM.\n\n${SNAPSHOT_USAGE}`);
  const c = ctx.client;
  const vm = await resolveVm(ctx, ref, o.host);
  if (verb === 'list') {
    const tree = await c.call('snapshots.list', { vmId: vm.id });
    print(ctx, tree, () =>
      tree.count
        ? table(['NAME', 'CREATED (UTC)', 'STATE', 'MEMORY', 'MODE', 'DESCRIPTION'], treeRows(tree.roots))
        : `${vm.name} has no snapshots`,
    );
    return 0;
  }
  if (verb === 'plan') {
    const p = await c.call('snapshots.plan', { vmId: vm.id, memory: wantsMemory(o) });
    print(ctx, p, () => planText(vm.name, p));
    return p.refusal ? 1 : 0;
  }
  if (verb === 'create') {
    const name = o.name ?? rest[0];
    if (!name) throw new AppError('VALIDATION', 'snapshot create needs --name NAME', 'name');
    const memory = wantsMemory(o);
    const { taskId } = await c.call('snapshots.create', {
      vmId: vm.id,
      name,
      memory,
      ...(o.description !== undefined ? { description: o.description } : {}),
    });
    return runTask(ctx, taskId, (r) => {
      const how = r.memory ? 'with memory' : 'disks only';
      return `Snapshot ${name} of ${vm.name} taken (${String(r.mode)}, ${how})`;
    });
  }
  if (verb === 'revert') {
    const name = o.name ?? rest[0];
    if (!name) throw new AppError('VALIDATION', 'snapshot revert needs the snapshot name', 'name');
    const { taskId } = await c.call('snapshots.revert', { vmId: vm.id, name });
    return runTask(
      ctx,
      taskId,
      (r) => `${vm.name} reverted to ${name}: was ${String(r.stateBefore)}, is ${String(r.stateAfter)}`,
    );
  }
  if (verb === 'delete') {
    const names = [...(o.name ? [o.name] : []), ...rest];
    if (!names.length) throw new AppError('VALIDATION', 'snapshot delete needs snapshot names', 'names');
    const { taskId } = await c.call('snapshots.delete', { vmId: vm.id, names });
    return runTask(ctx, taskId, (r) => `Deleted ${(r.deleted as string[]).join(', ')} of ${vm.name}`);
  }
  throw new AppError('VALIDATION', `Unknown snapshot command.\n\n${SNAPSHOT_USAGE}`);
}
