/**
 * Volumes on a host for a clone: a new qcow2 volume made by libvirt (an overlay when it has a backing), its
 * undo record written first; and `qemu-img convert -n` of a disk's whole chain into one, with qemu-img's own
 * `-p` progress written to a private file on the host and read back while it runs.
 */
import { AppError } from '../../../shared/domain/errors';
import type { StepHandle } from '../../tasks/task-log';
import { HostOps, isAlreadyExists } from '../host-ops';
import { onHost, type CloneUndo } from './context';

const POLL_MS = 500;

/** The last percentage qemu-img -p printed ("    (42.17/100%)"), as a fraction, or null. */
export function convertProgress(out: string): number | null {
  const all = [...out.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)];
  const last = all.at(-1);
  return last ? Math.min(1, Number(last[1]) / 100) : null;
}

/** `qemu-img convert -p -n` of a disk (its whole chain, format as declared) into an existing qcow2 volume. */
export async function convert(
  ops: HostOps,
  from: { readonly source: string; readonly format: string },
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
      ['sh', '-c', script, from.source, target, log, from.format],
      `qemu-img convert ${from.source}`,
      24 * 3600_000,
    );
  } finally {
    running = false;
    await poll;
    await ops.driver.exec(['rm', '-f', '--', log]).catch(() => undefined);
  }
}

/** A new qcow2 volume (an overlay when `backing` is given), its undo record first; resolves with its path. */
export async function newVolume(
  ops: HostOps,
  at: { readonly hostId: string; readonly pool: string; readonly name: string; readonly bytes: number },
  step: StepHandle<CloneUndo>,
  backing?: { readonly path: string; readonly format: string },
): Promise<string> {
  const { hostId, pool, name } = at;
  step.addUndo({ type: 'volume', hostId, pool, name });
  const [made, where] = await ops.batch([
    HostOps.createArgs({ pool, name, capacityBytes: at.bytes, format: 'qcow2', backing }),
    HostOps.pathArgs(pool, name),
  ]);
  if (!made?.ok) {
    const error = made?.ok === false ? made.error : 'no answer';
    if (isAlreadyExists(error)) {
      step.dropUndo((u) => u.type === 'volume' && u.hostId === hostId && u.pool === pool && u.name === name);
      throw new AppError('CONFLICT', `Pool ${pool} already has a volume ${name}`, 'name');
    }
    throw new AppError('HOST_ERROR', `Cannot create volume ${name}: ${error}`);
  }
  if (!where?.ok) throw new AppError('HOST_ERROR', `Cannot find volume ${name}`);
  return where.out.trim();
}
