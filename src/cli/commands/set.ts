/**
 * `qhci vm set VM …`: a settings change, previewed by `vms.settingsPlan` (the XML diff, what happens live and
 * at next boot, the volumes, whether the growth fits) and made by `vms.updateSettings` with task progress on
 * stderr. What destroys something (a volume deleted, a NIC removed) is confirmed first unless --yes.
 */
import { createInterface } from 'node:readline/promises';
import { AppError } from '../../shared/domain/errors';
import type { VmSettingsPreview } from '../../shared/domain/vm-settings';
import { diffXml, formatDiff } from '../../main/virt/xml-diff';
import { table, type Ctx } from '../context';
import type { Opts } from '../options';
import { resolveVm } from '../resolve';
import { destructive, settingsChanges } from '../set-args';
import { runTask } from './snapshots';

export const SET_USAGE = `  vm set NAME|ID [--host NAME] [--dry-run] [--yes] CHANGE...
                                         change a VM's settings, live where libvirt allows, otherwise at its
                                         next boot (the preview says which); CHANGEs:
      --vcpus N[:MAX]  --memory SIZE[:MAX]  --add-disk POOL:SIZE[:virtio|sata]  --attach-volume POOL/VOL
      --grow-disk vdb:20G  --detach-disk vdb [--delete-volume]  --add-nic NETWORK[:MODEL]
      --remove-nic MAC  --nic MAC:network=NET,model=MODEL  --insert-iso [TARGET=]POOL/VOL  --eject TARGET
      --boot hd,cdrom,network  --autostart on|off  --description TEXT  --label KEY=VALUE (KEY= removes)
                                         --dry-run shows the domain XML diff and the live/next-boot table
                                         and changes nothing; deleting a volume or removing a NIC asks first
                                         unless --yes`;

const EFFECT: Record<string, string> = {
  live: 'now (running VM only)',
  'next-boot': 'next boot',
  both: 'now and kept',
  now: 'now',
};

export function previewText(vmName: string, p: VmSettingsPreview, withDiff: boolean): string {
  const lines = [`${vmName} (${p.running ? 'running' : 'not running'})`];
  lines.push(
    table(
      ['#', 'CHANGE', 'WHEN'],
      p.changes.map((c) => [
        String(c.index + 1),
        c.summary,
        EFFECT[c.effect] + (c.note ? ` (${c.note})` : ''),
      ]),
    ),
  );
  const { create, grow, delete: del } = p.volumes;
  if (create.length) lines.push(`new volumes: ${create.join(', ')}`);
  if (grow.length) lines.push(`grown volumes: ${grow.join(', ')}`);
  if (del.length) lines.push(`deleted volumes: ${del.join(', ')}`);
  if (p.fit) {
    const verdict = p.fit.feasible ? 'fits' : `does not fit: ${p.fit.reasons.join('; ')}`;
    lines.push(`growth on host ${p.fit.hostName}: ${verdict}`);
  }
  for (const r of p.refusals)
    lines.push(`refused${r.index >= 0 ? ` (change ${r.index + 1})` : ''}: ${r.message}`);
  if (withDiff) {
    const diff = diffXml(p.xmlBefore, p.xmlAfter);
    lines.push(
      diff.hunks.length
        ? `domain XML (+${diff.added} -${diff.removed}):\n${formatDiff(diff)}`
        : 'domain XML unchanged',
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

export async function vmSet(ctx: Ctx, args: readonly string[], o: Opts): Promise<number> {
  const [ref, ...extra] = args;
  if (!ref) throw new AppError('VALIDATION', `Name the VM.\n\n${SET_USAGE}`);
  if (extra.length) throw new AppError('VALIDATION', `Unexpected "${extra[0]}".\n\n${SET_USAGE}`);
  const vm = await resolveVm(ctx, ref, o.host);
  const changes = settingsChanges(o, vm.labels);
  if (!changes.length) throw new AppError('VALIDATION', `Name at least one change.\n\n${SET_USAGE}`);
  const c = ctx.client;
  const preview = await c.call('vms.settingsPlan', { vmId: vm.id, changes });
  if (o['dry-run'] || preview.refusals.length) {
    if (ctx.json) console.log(JSON.stringify(preview, null, 2));
    else
      (preview.refusals.length ? console.error : console.log)(
        previewText(vm.name, preview, Boolean(o['dry-run'])),
      );
    return preview.refusals.length ? 1 : 0;
  }
  const loss = destructive(changes);
  if (loss.length && !o.yes) {
    const what = `This will ${loss.join(' and ')} of ${vm.name}.`;
    if (!process.stdin.isTTY) throw new AppError('VALIDATION', `${what} Add --yes to go ahead.`, 'yes');
    if (!ctx.json) console.error(previewText(vm.name, preview, false));
    if (!(await confirm(`${what} Go ahead?`))) {
      console.error('qhci: nothing changed');
      return 1;
    }
  }
  const { taskId } = await c.call('vms.updateSettings', { vmId: vm.id, changes });
  return runTask(ctx, taskId, (r) => {
    const done = (r.changes as { summary: string; effect: string; note?: string }[]) ?? [];
    const lines = done.map(
      (x) => `  ${x.summary}: ${EFFECT[x.effect] ?? x.effect}${x.note ? ` (${x.note})` : ''}`,
    );
    for (const d of (r.deferred as string[]) ?? []) lines.push(`  ${d}`);
    for (const p of (r.pendingDetach as string[]) ?? [])
      lines.push(`  ${p}: the guest has not released it yet`);
    for (const l of (r.left as string[]) ?? []) lines.push(`  volume kept: ${l}`);
    return [`${vm.name} changed`, ...lines].join('\n');
  });
}
