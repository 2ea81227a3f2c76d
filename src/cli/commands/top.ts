/**
 * `qhci top`: VMs by CPU like virt-top, from live usage. It watches the hosts (a lease renewed while it
 * runs, ended on exit or Ctrl-C), keeps each host's latest usage.sample and draws a table after each poll
 * round: redrawn in place on a terminal, one table after another otherwise.
 */
import { AppError } from '../../shared/domain/errors';
import type { UsageSample } from '../../shared/domain/usage';
import { parseCount } from '../args';
import type { Ctx } from '../context';
import type { Opts } from '../options';
import { resolveHost } from '../resolve';
import { TOP_SORTS, topRows, topText, type TopNames, type TopSort } from '../top-view';

export const TOP_USAGE = `Live usage
  top [--host NAME] [--interval 2|5|10] [--sort cpu|memory|name] [--once] [--count N]
                                         VMs by CPU, refreshed every interval (default 2 s): CPU %,
                                         memory, disk and network rates. --once prints one table after
                                         two polls (rates need two); --count N stops after N tables`;

const LEASE_SECONDS = 30;
/** How long --once waits for its two polls of every host (a dead host reports at its poll timeout). */
const ONCE_DEADLINE_MS = 60_000;
/** Samples of several hosts that arrive this close together make one table. */
const SETTLE_MS = 150;

interface Screen {
  readonly isTTY?: boolean;
  readonly rows?: number;
  write(s: string): unknown;
}

function parseTop(values: Opts): { interval: 2 | 5 | 10; sort: TopSort; count: number | undefined } {
  const interval = Number(values.interval ?? 2);
  if (interval !== 2 && interval !== 5 && interval !== 10)
    throw new AppError('VALIDATION', 'Interval must be 2, 5 or 10 seconds', 'interval');
  const sort = (values.sort ?? 'cpu') as TopSort;
  if (!TOP_SORTS.includes(sort)) throw new AppError('VALIDATION', `Sort by ${TOP_SORTS.join(', ')}`, 'sort');
  const count = values.once ? 1 : parseCount(values.count, 'count');
  return { interval, sort, count };
}

async function namesOf(
  ctx: Ctx,
): Promise<TopNames & { readonly vms: Map<string, { name: string; state: string }> }> {
  const [hosts, vms] = await Promise.all([
    ctx.client.call('hosts.list', { projectId: ctx.projectId }),
    ctx.client.call('vms.list', { projectId: ctx.projectId }),
  ]);
  return {
    hosts: new Map(hosts.map((h) => [h.id, h.name])),
    vms: new Map(vms.map((v) => [v.id, { name: v.name, state: v.state }])),
  };
}

export async function topCommand(ctx: Ctx, values: Opts, screen: Screen = process.stdout): Promise<number> {
  const { interval, sort, count } = parseTop(values);
  const hostIds = values.host
    ? [(await resolveHost(ctx, values.host)).id]
    : (await ctx.client.call('hosts.list', { projectId: ctx.projectId })).map((h) => h.id);
  if (hostIds.length === 0)
    throw new AppError('NOT_FOUND', 'No hosts to watch: add one with `qhci host add`');
  let names = await namesOf(ctx);
  const latest = new Map<string, UsageSample>();
  const polls = new Map<string, number>();
  const tty = Boolean(screen.isTTY) && !ctx.json;
  let drawn = 0;
  let settle: NodeJS.Timeout | undefined;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));

  const draw = () => {
    settle = undefined;
    const samples = hostIds.flatMap((id) => latest.get(id) ?? []);
    if (ctx.json)
      screen.write(`${JSON.stringify({ at: Date.now(), rows: topRows(samples, names, sort) })}\n`);
    else {
      const text = topText(samples, names, sort, {
        at: new Date(),
        ...(tty && screen.rows ? { maxRows: screen.rows - 4 - hostIds.length } : {}),
      });
      // On a terminal the table is drawn over the last one; otherwise tables follow one another.
      screen.write(tty ? `\x1b[H\x1b[J${text}\n` : `${text}\n\n`);
    }
    drawn++;
    if (count !== undefined && drawn >= count) finish();
  };
  const ready = () => (values.once ? hostIds.every((id) => (polls.get(id) ?? 0) >= 2) : true);

  const off = ctx.client.on('usage.sample', (s) => {
    if (!hostIds.includes(s.hostId)) return;
    latest.set(s.hostId, s);
    polls.set(s.hostId, (polls.get(s.hostId) ?? 0) + 1);
    // A VM the names do not know yet (created since): read them again before the next table.
    if (s.vms.some((v) => !names.vms.has(v.vmId)))
      void namesOf(ctx).then(
        (n) => (names = n),
        () => undefined,
      );
    if (ready()) settle ??= setTimeout(draw, SETTLE_MS);
  });
  const onSigint = () => finish();
  process.once('SIGINT', onSigint);
  let watchId: string | undefined;
  let renew: NodeJS.Timeout | undefined;
  let deadline: NodeJS.Timeout | undefined;
  try {
    const watch = () =>
      ctx.client.call('usage.watch', {
        ...(watchId ? { watchId } : {}),
        hostIds,
        intervalSeconds: interval,
        leaseSeconds: LEASE_SECONDS,
      });
    watchId = (await watch()).watchId;
    renew = setInterval(() => void watch().catch(() => undefined), (LEASE_SECONDS * 1000) / 3);
    if (values.once) deadline = setTimeout(() => (latest.size ? draw() : finish()), ONCE_DEADLINE_MS);
    if (tty) screen.write('\x1b[?25l');
    await finished;
  } finally {
    off();
    process.off('SIGINT', onSigint);
    clearInterval(renew);
    clearTimeout(settle);
    clearTimeout(deadline);
    if (tty) screen.write('\x1b[?25h');
    if (watchId) await ctx.client.call('usage.unwatch', { watchId }).catch(() => undefined);
  }
  if (values.once && drawn === 0)
    throw new AppError('HOST_ERROR', `No usage came from the hosts within ${ONCE_DEADLINE_MS / 1000} s`);
  return 0;
}
