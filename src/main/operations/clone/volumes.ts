/**
 * The volumes step: each writable disk copied into a new qcow2 volume in its pool. libvirt makes the volume
 * (its owner and labels are the pool's), its undo record written first; then `qemu-img convert -n` writes the
 * whole chain into it, sparse (zeros are skipped), with no backing file. Progress is qemu-img's own `-p`
 * output, written to a private file on the host and read back while it runs.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import { HostOps, isAlreadyExists } from '../host-ops';
import { onHost, planOf, type CloneCtx, type CloneDeps, type CloneUndo, type DiskCopy } from './context';

const POLL_MS = 500;

/** The last percentage qemu-img -p printed ("    (42.17/100%)"), as a fraction, or null. */
export function convertProgress(out: string): number | null {
  const all = [...out.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)];
  const last = all.at(-1);
  return last ? Math.min(1, Number(last[1]) / 100) : null;
}

async function convert(
  ops: HostOps,
  d: DiskCopy,
  target: string,
  onFraction: (f: number) => void,
): Promise<void> {
  const log = (await onHost(ops, ['mktemp'], 'Cannot make a temporary file on the host')).trim();
  let running = true;
  const poll = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const r = await ops.driver.exec(['tail', '-c', '256', '--', log]).catch(() => null);
      const f = r ? convertProgress(r.stdout) : null;
      if (running && f !== null) onFraction(f);
    }
  })();
  try {
    // The shell removes the progress file itself, even when the app lost its connection meanwhile.
    const script = 'qemu-img convert -p -n -f "$3" -O qcow2 -- "$0" "$1" >"$2"; r=$?; rm -f -- "$2"; exit $r';
    await onHost(
      ops,
      ['sh', '-c', script, d.source, target, log, d.format],
      `qemu-img convert ${d.source}`,
      24 * 3600_000,
    );
  } finally {
    running = false;
    await poll;
    await ops.driver.exec(['rm', '-f', '--', log]).catch(() => undefined);
  }
}

async function newVolume(ops: HostOps, d: DiskCopy, step: StepHandle<CloneUndo>, hostId: string) {
  step.addUndo({ type: 'volume', hostId, pool: d.pool, name: d.volume });
  const [made, where] = await ops.batch([
    HostOps.createArgs({ pool: d.pool, name: d.volume, capacityBytes: d.virtualBytes, format: 'qcow2' }),
    HostOps.pathArgs(d.pool, d.volume),
  ]);
  if (!made?.ok) {
    const error = made?.ok === false ? made.error : 'no answer';
    if (isAlreadyExists(error)) {
      step.dropUndo((u) => u.type === 'volume' && u.pool === d.pool && u.name === d.volume);
      throw new AppError('CONFLICT', `Pool ${d.pool} already has a volume ${d.volume}`, 'name');
    }
    throw new AppError('HOST_ERROR', `Cannot create volume ${d.volume}: ${error}`);
  }
  if (!where?.ok) throw new AppError('HOST_ERROR', `Cannot find volume ${d.volume}`);
  return where.out.trim();
}

export async function volumesStep(deps: CloneDeps, ctx: CloneCtx, step: StepHandle<CloneUndo>) {
  const plan = planOf(ctx);
  if (!plan.disks.length) return step.skip('No writable disk to copy');
  const ops = await deps.opsFor(plan.hostId);
  const total = plan.disks.reduce((n, d) => n + d.virtualBytes, 0) || 1;
  let before = 0;
  for (const d of plan.disks) {
    d.path = await newVolume(ops, d, step, plan.hostId);
    const what = `${d.target} → ${d.pool}/${d.volume}`;
    step.progress(before / total, what);
    await convert(ops, d, d.path, (f) => step.progress((before + f * d.virtualBytes) / total, what));
    before += d.virtualBytes;
  }
  step.done(plan.disks.map((d) => `${d.pool}/${d.volume}`).join(', '));
}
