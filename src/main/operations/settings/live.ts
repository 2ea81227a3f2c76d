/**
 * The running VM's side of a settings change: each live action run in the plan's order, the action that
 * undoes it recorded first (from the live XML read under the lock). A grown disk cannot shrink back, so a
 * blockresize has no undo. After the actions, the live XML is read once more: a detach the guest has not
 * completed yet is reported, and its volume is then not deleted.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import type { LiveAction } from '../../virt/settings-xml';
import { diskNamed, headOf, nicNamed } from '../../virt/settings/facts';
import { node, parseXml, text } from '../../virt/xml';
import type { HostOps } from '../host-ops';
import { runLive, type LiveInverse, type SettingsCtx, type SettingsUndo } from './context';

const macOf = (xml: string) => /<mac\s+address=["']([^"']+)["']/.exec(xml)?.[1]?.toLowerCase();
const targetOf = (xml: string) => /<target\b[^>]*\bdev=["']([^"']+)["']/.exec(xml)?.[1];

/** The live action that puts back what `a` changes on the VM whose live XML is `live`; null: none can. */
export function inverseOf(a: LiveAction, live: string): LiveInverse | null {
  const head = headOf(live);
  switch (a.kind) {
    case 'setvcpus':
      return { kind: 'setvcpus', count: head.vcpuCurrent };
    case 'setmem':
      return { kind: 'setmem', kib: head.currentMemoryKib };
    case 'attach-device':
      return { kind: 'detach-device', xml: a.xml };
    case 'detach-device':
      // Attached again as it was, without the name QEMU gave it (a hot-plugged device gets a new one).
      return { kind: 'attach-device', xml: a.xml.replace(/\n?[ \t]*<alias\b[^>]*\/>/g, '') };
    case 'update-device': {
      const mac = macOf(a.xml);
      const old = mac === undefined ? undefined : nicNamed(live, mac);
      return old ? { kind: 'update-device', xml: old.text } : null;
    }
    case 'blockresize':
      return null;
    case 'change-media': {
      const path = diskNamed(live, a.target)?.path ?? null;
      if (path === null) return { kind: 'change-media', target: a.target, path: null, insert: false };
      return { kind: 'change-media', target: a.target, path, insert: a.path === null };
    }
    case 'description':
      return { kind: 'description', text: text(node(parseXml(live), 'domain'), 'description') ?? '' };
    default: {
      const never: never = a;
      throw new Error(`Unknown live action ${JSON.stringify(never)}`);
    }
  }
}

/** The guest agent answers: libvirt marks its channel connected in the live XML. */
const agentConnected = (live: string) =>
  /<target\b[^>]*name=["']org\.qemu\.guest_agent\.0["'][^>]*state=["']connected["']/.test(live);

/**
 * vCPUs added to a running guest are offline until something onlines them (Debian has no udev rule that
 * does): with the guest agent answering, it is asked to (best effort: the vCPUs are there either way).
 */
async function onlineVcpus(
  ops: HostOps,
  uuid: string,
  live: string,
  actions: readonly LiveAction[],
): Promise<string> {
  const up = actions.find((a) => a.kind === 'setvcpus' && a.count > headOf(live).vcpuCurrent);
  if (!up || up.kind !== 'setvcpus' || !agentConnected(live)) return '';
  try {
    await ops.driver.virsh(['setvcpus', '--domain', uuid, '--count', String(up.count), '--guest'], {
      timeoutMs: 15_000,
    });
    return '; the guest agent brought the new vCPUs online';
  } catch (err) {
    return `; the guest onlines the new vCPUs itself (its agent did not: ${(err as Error).message})`;
  }
}

/** What a detach names: a disk by its target, a NIC by its MAC. */
function detachedName(xml: string): string {
  return /^\s*<interface\b/.test(xml) ? `NIC ${macOf(xml) ?? '?'}` : `disk ${targetOf(xml) ?? '?'}`;
}

/** Whether the device a detach named is still on the running VM. */
function stillThere(xml: string, live: string): boolean {
  if (/^\s*<interface\b/.test(xml)) {
    const mac = macOf(xml);
    return mac !== undefined && nicNamed(live, mac) !== undefined;
  }
  const t = targetOf(xml);
  return t !== undefined && diskNamed(live, t) !== undefined;
}

export async function liveStep(
  ops: HostOps,
  ctx: SettingsCtx,
  step: StepHandle<SettingsUndo>,
): Promise<void> {
  const { vm } = ctx;
  const planned = ctx.planned!;
  const live = planned.ctx.liveXml;
  const actions = planned.plan.changes.flatMap((c) => c.live.map((a) => ({ a, summary: c.summary })));
  if (live === null || actions.length === 0) {
    step.skip(live === null ? 'The VM is not running' : 'Nothing changes on the running VM');
    return;
  }
  const done: string[] = [];
  for (const [i, { a, summary }] of actions.entries()) {
    step.progress(i / actions.length, summary);
    const inverse = inverseOf(a, live);
    if (inverse) step.addUndo({ type: 'live', hostId: vm.hostId, uuid: vm.uuid, action: inverse });
    try {
      await runLive(ops, vm.uuid, a);
    } catch (err) {
      const why = err instanceof AppError ? err.message : String(err);
      // Fewer vCPUs need QEMU to unplug one, which many CPU models (and guests) refuse: the new count is in
      // the definition already, so it comes at the next boot instead.
      if (a.kind === 'setvcpus' && a.count < headOf(live).vcpuCurrent) {
        ctx.deferred.push(`${summary}: at next boot (${why})`);
        continue;
      }
      throw new AppError('HOST_ERROR', `${summary} on the running VM failed: ${why}`);
    }
    done.push(a.kind);
  }
  const online = await onlineVcpus(
    ops,
    vm.uuid,
    live,
    actions.map(({ a }) => a),
  );
  const detaches = actions.filter(({ a }) => a.kind === 'detach-device').map(({ a }) => a);
  if (detaches.length) {
    const now = await ops.driver.virsh(['dumpxml', '--domain', vm.uuid]);
    for (const d of detaches) {
      if (d.kind !== 'detach-device' || !stillThere(d.xml, now)) continue;
      ctx.pending.push(detachedName(d.xml));
      const file = /<source\b[^>]*\b(?:file|dev)=["']([^"']+)["']/.exec(d.xml)?.[1];
      if (file && !/^\s*<interface\b/.test(d.xml)) ctx.held.push(file);
    }
  }
  const deferred = ctx.deferred.length ? `; ${ctx.deferred.join('; ')}` : '';
  const pending = ctx.pending.length
    ? `; the guest has not released ${ctx.pending.join(', ')} yet (it goes when the guest lets it, or at next boot)`
    : '';
  step.done(`${done.join(', ')}${online}${deferred}${pending}`);
}
