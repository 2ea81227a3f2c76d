/**
 * POSIX shell quoting for commands sent over SSH (which always runs them through the remote user's shell).
 * Every argument is wrapped in single quotes; a single quote inside becomes '\''. Nothing is interpolated.
 */

const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

export function quoteArg(arg: string): string {
  if (arg.includes('\u0000')) throw new Error('An argument may not contain a NUL byte');
  if (arg !== '' && SAFE.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A command line for `sh -c`: each argument quoted, joined by spaces. */
export function quoteCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('Empty command');
  return argv.map(quoteArg).join(' ');
}
