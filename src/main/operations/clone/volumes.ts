/**
 * The volumes step: each writable disk of the source becomes a new qcow2 volume on the clone's host. libvirt
 * makes every volume (its owner and labels are the pool's), its undo record written first. A copy on the same
 * host is `qemu-img convert -n` of the whole chain into it, sparse, with no backing file; an overlay (linked
 * clone) is a qcow2 volume whose backing is the template's disk, made in one call; a copy to another host is
 * transfer.ts.
 */
import type { StepHandle } from '../../tasks/task-log';
import { planOf, type CloneCtx, type CloneDeps, type CloneUndo, type DiskCopy } from './context';
import { convert, newVolume } from './host-volumes';
import { ensureBase, transferDisk } from './transfer';

export { convertProgress } from './host-volumes';

/** The disk's overlay on the template's disk, or on its base copy on the clone's host. */
async function overlay(deps: CloneDeps, ctx: CloneCtx, d: DiskCopy, step: StepHandle<CloneUndo>) {
  const plan = planOf(ctx);
  const ops = await deps.opsFor(plan.hostId);
  const backing = d.base ? { path: d.base.path!, format: 'qcow2' } : { path: d.source, format: d.format };
  const at = { hostId: plan.hostId, pool: d.pool, name: d.volume, bytes: d.virtualBytes };
  return newVolume(ops, at, step, backing);
}

export async function volumesStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>) {
  const plan = planOf(ctx);
  if (!plan.disks.length) return step.skip('No writable disk to copy');
  // Overlays cost nothing; what moves bytes counts by its virtual size.
  const weight = (d: DiskCopy) => (d.way === 'overlay' && !(d.base && !d.base.path) ? 0 : d.virtualBytes);
  const total = plan.disks.reduce((n, d) => n + weight(d), 0) || 1;
  let before = 0;
  const done: string[] = [];
  for (const d of plan.disks) {
    const what = `${d.target} → ${d.pool}/${d.volume}`;
    const part = (f: number) => step.progress((before + f * weight(d)) / total, what);
    part(0);
    if (d.way === 'convert') {
      const ops = await deps.opsFor(plan.hostId);
      d.path = await newVolume(ops, { ...plan, pool: d.pool, name: d.volume, bytes: d.virtualBytes }, step);
      await convert(ops, d, d.path, part);
      done.push(`${d.pool}/${d.volume}`);
    } else if (d.way === 'transfer') {
      const sum = await transferDisk(deps, ctx, d, step, part);
      done.push(`${d.pool}/${d.volume} (SHA-256 ${sum.slice(0, 12)}… verified)`);
    } else {
      const sent = d.base && !d.base.path ? await ensureBase(deps, ctx, d, step, part) : null;
      d.path = await overlay(deps, ctx, d, step);
      const via = sent ? ` (base sent, SHA-256 ${sent.slice(0, 12)}… verified)` : '';
      done.push(`${d.pool}/${d.volume} on ${d.base?.path ?? d.source}${via}`);
    }
    before += weight(d);
  }
  step.done(done.join(', '));
}
