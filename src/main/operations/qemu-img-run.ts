/**
 * A long qemu-img command on a host (convert, rebase) with its own progress: `-p` output goes to a private
 * file on the host, read back while the command runs. The shell removes that file itself, even when the app
 * lost its connection meanwhile.
 */
import { AppError } from '../../shared/domain/errors';
import type { HostOps } from './host-ops';

const POLL_MS = 500;

/** The last percentage qemu-img -p printed ("    (42.17/100%)"), as a fraction, or null. */
export function qemuImgProgress(out: string): number | null {
  const all = [...out.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)];
  const last = all.at(-1);
  return last ? Math.min(1, Number(last[1]) / 100) : null;
}

/**
 * Runs `qemu-img ARGS` on the host (ARGS must carry -p), reporting its progress as a fraction; its failure
 * is a HOST_ERROR that starts with `what`.
 */
export async function runQemuImg(
  ops: HostOps,
  args: readonly string[],
  what: string,
  onFraction: (f: number) => void,
): Promise<void> {
  const mk = await ops.driver.exec(['mktemp']);
  if (mk.code !== 0)
    throw new AppError('HOST_ERROR', `Cannot make a temporary file on the host: ${mk.stderr}`);
  const log = mk.stdout.trim();
  let running = true;
  const poll = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const r = await ops.driver.exec(['tail', '-c', '256', '--', log]).catch(() => null);
      const f = r ? qemuImgProgress(r.stdout) : null;
      if (running && f !== null) onFraction(f);
    }
  })();
  try {
    const script = 'log=$1; shift; qemu-img "$@" >"$log"; r=$?; rm -f -- "$log"; exit $r';
    const r = await ops.driver.exec(['sh', '-c', script, 'sh', log, ...args], { timeoutMs: 24 * 3600_000 });
    if (r.code !== 0) throw new AppError('HOST_ERROR', `${what}: ${(r.stderr || r.stdout).trim()}`);
  } finally {
    running = false;
    await poll;
    await ops.driver.exec(['rm', '-f', '--', log]).catch(() => undefined);
  }
}
