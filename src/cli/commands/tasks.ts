import { AppError } from '../../shared/domain/errors';
import type { Task } from '../../shared/domain/provision';
import { print, table, type Ctx } from '../context';
import { operationLabel, stepLabel } from '../../shared/domain/operations';

export const TASK_USAGE = `Tasks
  task list                              recent tasks, newest first (interrupted ones marked)
  task show ID                           steps with state, progress and detail; error; what was rolled back`;

const pct = (f: number) => `${Math.round(f * 100)}%`;

function stateText(t: Task): string {
  return t.interrupted ? `${t.state} (interrupted)` : t.state;
}

export function taskText(t: Task): string {
  return [
    `${t.title}`,
    `  id:       ${t.id}`,
    `  type:     ${operationLabel(t.kind)} (${t.kind})`,
    `  state:    ${stateText(t)}, ${pct(t.progress)}`,
    `  created:  ${t.createdAt}${t.finishedAt ? `, finished ${t.finishedAt}` : ''}`,
    '',
    table(
      ['STEP', 'STATE', 'PROGRESS', 'TIME', 'DETAIL'],
      t.steps.map((s) => [
        stepLabel(t.kind, s.name),
        s.state,
        pct(s.progress),
        s.startedAt && s.finishedAt
          ? `${((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 1000).toFixed(2)} s`
          : '',
        s.detail ?? '',
      ]),
    ),
    ...(t.error
      ? [
          '',
          `error: ${t.error.message}${t.error.field ? ` (${t.error.field})` : ''}`,
          ...(t.error.rolledBack?.length
            ? ['rolled back:', ...t.error.rolledBack.map((r) => `  - ${r}`)]
            : []),
        ]
      : []),
    ...(t.result && !t.error ? ['', `result: ${JSON.stringify(t.result)}`] : []),
  ].join('\n');
}

export async function taskCommand(ctx: Ctx, args: string[]): Promise<number> {
  const [verb, id] = args;
  if (verb === 'list') {
    const tasks = await ctx.client.call('tasks.list', { projectId: ctx.projectId });
    print(ctx, tasks, () =>
      tasks.length
        ? table(
            ['ID', 'TYPE', 'TITLE', 'STATE', 'PROGRESS', 'CREATED'],
            tasks.map((t) => [
              t.id,
              operationLabel(t.kind),
              t.title,
              stateText(t),
              pct(t.progress),
              t.createdAt,
            ]),
          )
        : 'No tasks',
    );
    return 0;
  }
  if (verb === 'show' && id) {
    const tasks = await ctx.client.call('tasks.list', { projectId: ctx.projectId });
    // A unique prefix of the id is enough, as the list shows them.
    const matches = tasks.filter((t) => t.id.startsWith(id));
    const full = matches.length === 1 ? matches[0]!.id : id;
    const t = await ctx.client.call('tasks.get', { id: full }).catch((err: unknown) => {
      if (err instanceof AppError && err.code === 'VALIDATION')
        throw new AppError('NOT_FOUND', `No task ${id}`, 'id');
      throw err;
    });
    print(ctx, t, () => taskText(t));
    return 0;
  }
  throw new AppError('VALIDATION', `Unknown task command.\n\n${TASK_USAGE}`);
}
