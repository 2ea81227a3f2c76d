/** Runs a program on this workstation with an argument vector (never through a shell). */
import { spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { AppError } from '../../shared/domain/errors';
import type { ExecResult } from './ssh-connection';
import type { VirshRunner } from './virsh';
import type { VirshProcess } from './virsh-session';

export function runLocal(
  program: string,
  args: readonly string[],
  opts: {
    timeoutMs?: number;
    stdin?: string | Buffer;
    env?: NodeJS.ProcessEnv;
    /** A file descriptor the program's stdout goes to instead (stdout in the result is then empty). */
    stdoutFd?: number;
  } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ['pipe', opts.stdoutFd ?? 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', ...opts.env },
      // A session of its own, without the terminal qhci may run in: libvirt would otherwise try polkit's
      // text agent on it and, where polkit is absent, fail the connection instead of going on.
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new AppError(
            'HOST_ERROR',
            `${program} did not finish within ${Math.round(opts.timeoutMs! / 1000)} s`,
          ),
        );
      }, opts.timeoutMs);
    }
    // stdin and stderr are always pipes; stdout is one unless stdoutFd was given.
    const { stdin, stderr } = child as typeof child & { stdin: Writable; stderr: Readable };
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      reject(
        new AppError(
          'HOST_ERROR',
          e.code === 'ENOENT'
            ? `${program} is not installed on this workstation`
            : `Cannot run ${program}: ${e.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        code: code ?? -1,
      });
    });
    stdin.on('error', () => undefined);
    stdin.end(opts.stdin ?? '');
  });
}

export function localVirshRunner(uri: string): VirshRunner {
  return (args, opts) => runLocal('virsh', ['-c', uri, ...args], opts ?? {});
}

/** An interactive `virsh -c URI` on this workstation (for VirshSessions). */
export function spawnLocalVirsh(uri: string): Promise<VirshProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('virsh', ['-c', uri], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
      // No controlling terminal (see runLocal).
      detached: true,
    });
    const exits: ((reason: string) => void)[] = [];
    let gone: string | null = null;
    const exit = (reason: string) => {
      if (gone !== null) return;
      gone = reason;
      for (const cb of exits) cb(reason);
    };
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdin.on('error', () => undefined);
    child.on('error', (e: NodeJS.ErrnoException) => {
      const why =
        e.code === 'ENOENT' ? 'virsh is not installed on this workstation' : `Cannot run virsh: ${e.message}`;
      exit(why);
      reject(new AppError('HOST_ERROR', why));
    });
    child.on('close', (code, signal) => exit(`virsh exited (${signal ?? `status ${code ?? '?'}`})`));
    child.on('spawn', () =>
      resolve({
        write: (data) => child.stdin.write(data),
        onStdout: (cb) => child.stdout.on('data', cb),
        onStderr: (cb) => child.stderr.on('data', cb),
        onExit: (cb) => (gone !== null ? cb(gone) : exits.push(cb)),
        end: () => child.stdin.end(),
        kill: () => child.kill('SIGKILL'),
        ref: (on) => {
          // The pipes are sockets: unreferenced, an idle session does not keep the process alive.
          const handles = [child, child.stdin, child.stdout, child.stderr] as unknown as {
            ref(): void;
            unref(): void;
          }[];
          for (const h of handles) {
            if (on) h.ref();
            else h.unref();
          }
        },
      }),
    );
  });
}
