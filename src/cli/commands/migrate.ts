/**
 * `qhci vm migrate NAME [--to HOST] [--transport T] [--dry-run] [--yes]`: the preflight as a table (what was
 * checked, what will be copied, the scheduler's judgement of the destination), then, once confirmed, the
 * migration as a task whose progress goes to stderr. A failing preflight starts nothing.
 */
import { createInterface } from 'node:readline/promises';
import { AppError } from '../../shared/domain/errors';
import type { MigrationPreflight, VmMigrateInput } from '../../shared/domain/migration';
import { fmtBytes } from '../args';
import { table, type Ctx } from '../context';
import type { Opts } from '../options';
import { resolveHost, resolveVm } from '../resolve';
import { runTask } from './snapshots';

export const MIGRATE_USAGE = `  vm migrate NAME|ID [--to HOST] [--transport auto|direct|console] [--dry-run] [--yes] [--host NAME]
                                         move it to another host, live when it runs, cold when shut off;
                                         disks keep their paths and backing chains (a base is copied only
                                         where missing). Without --to the scheduler chooses. The preflight
                                         is shown first (--dry-run: only that); a failing check starts
                                         nothing. --transport: disks travel host to host (direct), or through
                                         this console's connections (console); auto picks`;

const STATUS: Record<string, string> = { ok: 'ok', warn: 'WARN', fail: 'FAIL', todo: 'todo' };
const TRANSPORT: Record<string, string> = {
  direct: 'disks travel host to host',
  console: "disks travel through this console's connections, checksum-verified",
};

/** The preflight as text: a heading, the checks, the copies and, when the host does not fit, why. */
export function preflightText(vmName: string, fromHost: string, p: MigrationPreflight): string {
  const lines = [
    `Migrate ${vmName} from ${fromHost} to ${p.toHostName}: ${p.mode} (${TRANSPORT[p.transport] ?? p.transport})`,
    '',
    table(
      ['STATUS', 'CHECK', 'DETAIL'],
      p.checks.map((c) => [STATUS[c.status] ?? c.status, c.label, c.detail]),
    ),
  ];
  if (p.copies.length) {
    lines.push(
      '',
      `To copy to ${p.toHostName}:`,
      table(
        ['WHAT', 'SIZE', 'PATH'],
        p.copies.map((c) => [c.what, fmtBytes(c.bytes), c.path]),
      ),
    );
  } else lines.push('', `Nothing to copy to ${p.toHostName} before the move.`);
  const pl = p.placement;
  if (pl && !pl.feasible)
    lines.push('', `The scheduler: ${pl.hostName} does not fit: ${pl.reasons.join('; ')}`);
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

export async function vmMigrate(ctx: Ctx, args: readonly string[], o: Opts): Promise<number> {
  const [ref, ...extra] = args;
  if (!ref) throw new AppError('VALIDATION', `Name the VM.\n\n${MIGRATE_USAGE}`);
  if (extra.length) throw new AppError('VALIDATION', `Unexpected "${extra[0]}".\n\n${MIGRATE_USAGE}`);
  const vm = await resolveVm(ctx, ref, o.host);
  const c = ctx.client;
  const input: VmMigrateInput = {
    vmId: vm.id,
    ...(o.to !== undefined ? { toHostId: (await resolveHost(ctx, o.to)).id } : {}),
    // Checked by the contract: "Transport must be auto, direct or console".
    transport: (o.transport ?? 'auto') as VmMigrateInput['transport'],
  };
  const p = await c.call('vms.migratePreflight', input);
  const hosts = await c.call('hosts.list', { projectId: ctx.projectId });
  const from = hosts.find((h) => h.id === vm.hostId)?.name ?? vm.hostId ?? '-';
  const text = preflightText(vm.name, from, p);
  if (!p.ok) {
    if (ctx.json) console.log(JSON.stringify(p, null, 2));
    const failed = p.checks.filter((x) => x.status === 'fail').map((x) => `${x.label}: ${x.detail}`);
    console.error(`${text}\n\nqhci: ${vm.name} cannot migrate to ${p.toHostName}:\n  ${failed.join('\n  ')}`);
    return 1;
  }
  if (o['dry-run']) {
    console.log(ctx.json ? JSON.stringify(p, null, 2) : text);
    return 0;
  }
  if (!ctx.json) console.error(text);
  if (!o.yes) {
    const what = `This will migrate ${vm.name} (${p.mode}) to ${p.toHostName}.`;
    if (!process.stdin.isTTY) throw new AppError('VALIDATION', `${what} Add --yes to go ahead.`, 'yes');
    if (!(await confirm(`${what} Go ahead?`))) {
      console.error('qhci: nothing moved');
      return 1;
    }
  }
  // The destination shown is the one used: the scheduler is not asked a second time.
  const { taskId } = await c.call('vms.migrate', { ...input, toHostId: p.toHostId });
  return runTask(ctx, taskId, () => `Migrated ${vm.name} to ${p.toHostName} (${p.mode})`);
}
