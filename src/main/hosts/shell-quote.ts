/**
 * Quoting for commands sent over SSH. sshd runs a command through the remote user's login shell, which
 * need not be POSIX: fish reads \' inside single quotes as an escaped quote (so 'x\' ended a quoted
 * argument early and ran what followed), tcsh expands ! and refuses newlines even inside single quotes.
 *
 * So the POSIX-quoted command line (quoteCommand) never reaches the login shell as such: loginShellCommand
 * wraps it as /bin/sh -c '<decoder>', where the decoder is made of characters that every shell we know
 * (sh, bash, zsh, ksh, dash, fish, csh, tcsh) passes on unchanged inside single quotes, and the command
 * line itself travels as printf %b octal escapes. /bin/sh then decodes and evals it.
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

/**
 * Bytes the encoded form carries as themselves: letters, digits and a few marks that mean nothing inside
 * single quotes to any of those shells (no quote, backslash, !, newline, $, %, -, or space).
 */
function plainByte(b: number): boolean {
  return (
    (b >= 0x30 && b <= 0x39) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x61 && b <= 0x7a) ||
    b === 0x2e || // .
    b === 0x2f || // /
    b === 0x3a || // :
    b === 0x3d || // =
    b === 0x5f || // _
    b === 0x2c || // ,
    b === 0x40 //   @
  );
}

/**
 * The string to hand to sshd for argv: it means exactly argv under any login shell that can run
 * `/bin/sh -c 'word'` with a word of plain characters, and stdin is left to the command.
 */
export function loginShellCommand(argv: readonly string[]): string {
  const line = quoteCommand(argv);
  let encoded = '';
  for (const b of Buffer.from(line, 'utf8')) {
    encoded += plainByte(b) ? String.fromCharCode(b) : `\\0${b.toString(8).padStart(3, '0')}`;
  }
  // Command substitution drops trailing newlines; a quoted line never ends in one (it ends in a word or ').
  return `/bin/sh -c 'eval "$(printf %b "${encoded}")"'`;
}
