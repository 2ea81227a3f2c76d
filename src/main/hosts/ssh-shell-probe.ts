/**
 * Proof that a host's login shell hands our commands on unchanged: a string full of quoting hazards is sent
 * through it and must come back byte for byte, before the connection is used.
 */
import type { Client } from 'ssh2';
import { AppError } from '../../shared/domain/errors';
import { loginShellCommand } from './shell-quote';

/**
 * Sent on every new connection and expected back byte for byte: quotes, expansions, history and glob
 * characters, a newline and non-ASCII text, as a login shell that mangles commands would not return them.
 */
export const SHELL_PROBE = `qhci-probe '"\\ $HOME \`:\` $(:) !! ! ; & | * ? ~ {a,b} %s #\nünï ☃ \t<>()`;

/**
 * Runs the probe through the login shell; null if it came back unchanged, else the error refusing the host.
 */
export function probeLoginShell(
  client: Client,
  target: { readonly username: string; readonly host: string },
  timeoutMs: number,
): Promise<AppError | null> {
  const refuse = (why: string) =>
    new AppError(
      'HOST_ERROR',
      `The login shell of ${target.username} on ${target.host} is not POSIX-compatible (${why}); set it to /bin/sh or bash`,
    );
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(refuse('a test command did not finish')), timeoutMs);
    const done = (problem: AppError | null) => {
      clearTimeout(timer);
      resolve(problem);
    };
    try {
      client.exec(loginShellCommand(['printf', '%s', SHELL_PROBE]), (err, stream) => {
        if (err)
          return done(new AppError('HOST_ERROR', `${target.host} refused to run a command: ${err.message}`));
        const out: Buffer[] = [];
        const errs: Buffer[] = [];
        stream.on('data', (d: Buffer) => out.push(d));
        stream.stderr.on('data', (d: Buffer) => errs.push(d));
        stream.on('close', (code: number | null) => {
          const got = Buffer.concat(out).toString('utf8');
          if (code === 0 && got === SHELL_PROBE) return done(null);
          const stderr = Buffer.concat(errs).toString('utf8').trim().slice(0, 200);
          done(
            refuse(
              code !== 0
                ? `a test command failed with exit status ${code}${stderr ? `: ${stderr}` : ''}`
                : `a quoted test string came back as ${JSON.stringify(got.slice(0, 200))}`,
            ),
          );
        });
        stream.end();
      });
    } catch (err) {
      done(new AppError('HOST_ERROR', `${target.host} refused to run a command: ${(err as Error).message}`));
    }
  });
}
