/**
 * A long qemu-img command on a host (convert, rebase) with its own progress: `-p` output goes to a private
 * file on the host, read back while the command runs. The shell makes that file (umask 077, refusing one
 * that exists) and removes it itself, even when the app lost its connection meanwhile. The poll stops the
 * moment the command ends: no sleep, no read under way is waited for.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../shared/domain/errors';
import type { HostOps } from './host-ops';

const POLL_MS = 500;
/** The first reads come sooner: a short copy still shows where it is, and a long one shows it at once. */
const FIRST_POLLS_MS = [100, 150, 250];

/** The last percentage qemu-img -p printed ("    (42.17/100%)"), as a fraction, or null. */
export function qemuImgProgress(out: string): number | null {
  const all = [...out.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)];
  const last = all.at(-1);
  return last ? Math.min(1, Number(last[1]) / 100) : null;
}

/** Reads progress after 100, 250 and 500 ms, then every POLL_MS, until stopped; stop() ends it at once. */
function progressPoll(read: () => Promise<number | null>, onFraction: (f: number) => void) {
  let running = true;
  let wake = (): void => undefined;
  void (async () => {
    for (let n = 0; running; n++) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, FIRST_POLLS_MS[n] ?? POLL_MS);
        wake = () => {
          clearTimeout(timer);
          r();
        };
      });
      if (!running) break;
      const f = await read().catch(() => null);
      if (running && f !== null) onFraction(f);
    }
  })();
  return {
    /** Ends the loop; a read under way is not waited for (what it finds is dropped). */
    stop(): void {
      running = false;
      wake();
    },
  };
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
  const log = `/tmp/qhci-qemu-img-${randomUUID()}`;
  const poll = progressPoll(async () => {
    const r = await ops.driver.exec(['tail', '-c', '256', '--', log]);
    return qemuImgProgress(r.stdout);
  }, onFraction);
  // Whether the shell ran to its end (and so removed the file itself).
  let ended = false;
  try {
    const script =
      'log=$1; shift; umask 077; set -C; : >"$log" || exit 125; set +C; ' +
      'qemu-img "$@" >"$log"; r=$?; rm -f -- "$log"; exit $r';
    const r = await ops.driver.exec(['sh', '-c', script, 'sh', log, ...args], { timeoutMs: 24 * 3600_000 });
    // An exit status of its own (not a signal's -1): the shell got to its end.
    ended = r.code >= 0;
    if (r.code !== 0) throw new AppError('HOST_ERROR', `${what}: ${(r.stderr || r.stdout).trim()}`);
  } finally {
    poll.stop();
    // For a shell that lost its connection or was killed before it could remove it (not waited for).
    if (!ended) void ops.driver.exec(['rm', '-f', '--', log]).catch(() => undefined);
  }
}
