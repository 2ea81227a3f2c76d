/** Runs a program on this workstation with an argument vector (never through a shell). */
import { spawn } from 'node:child_process';
import { AppError } from '../../shared/domain/errors';
import type { ExecResult } from './ssh-connection';
import type { VirshRunner } from './virsh';

export function runLocal(
  program: string,
  args: readonly string[],
  opts: { timeoutMs?: number; stdin?: string | Buffer; env?: NodeJS.ProcessEnv } = {},
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', ...opts.env },
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
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
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
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? '');
  });
}

export function localVirshRunner(uri: string): VirshRunner {
  return (args, opts) => runLocal('virsh', ['-c', uri, ...args], opts ?? {});
}
