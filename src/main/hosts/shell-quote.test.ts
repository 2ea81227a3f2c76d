import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loginShellCommand, quoteArg, quoteCommand } from './shell-quote';

/** What a real /bin/sh passes on as arguments after parsing our quoted line (printed NUL-separated). */
function shArgv(line: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', line], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\u0000').slice(0, -1);
}

const PRINT_ARGS = ['printf', '%s\\0'];

describe('shell quoting', () => {
  it('keeps hostile names intact through a real shell', () => {
    const hostile = [
      "it's",
      'a b',
      'x; rm -rf /tmp/nothing',
      '$(touch /tmp/qhci-pwned)',
      '`id`',
      '"double"',
      '\\back\\slash',
      '$HOME',
      '*',
      '~',
      'new\nline',
      '',
      '-n',
      'ünï',
      "'; echo pwned; '",
    ];
    expect(shArgv(quoteCommand([...PRINT_ARGS, ...hostile, 'end']))).toEqual([...hostile, 'end']);
  });

  it('property: any argument list round-trips through /bin/sh', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !s.includes('\u0000')),
          { maxLength: 6 },
        ),
        (args) => {
          // The shell works on bytes; lone surrogates cannot be represented, so compare on valid text.
          const valid = args.map((a) => Buffer.from(a, 'utf8').toString('utf8'));
          expect(shArgv(quoteCommand([...PRINT_ARGS, ...valid, 'end']))).toEqual([...valid, 'end']);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('leaves plain words alone and refuses NUL bytes and empty commands', () => {
    expect(quoteArg('qemu:///system')).toBe('qemu:///system');
    expect(quoteArg('--name=vm-1')).toBe('--name=vm-1');
    expect(quoteArg('a b')).toBe("'a b'");
    expect(() => quoteArg('a\u0000b')).toThrow(/NUL/);
    expect(() => quoteCommand([])).toThrow(/Empty/);
  });
});

/** What argv arrives as when sshd hands loginShellCommand(argv) to `shell -c`. */
function loginArgv(shell: string, argv: readonly string[]): string[] {
  const r = spawnSync(shell, ['-c', loginShellCommand([...PRINT_ARGS, ...argv, 'end'])], {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', HOME: '/nonexistent' },
  });
  if (r.status !== 0) throw new Error(`${shell}: ${r.stderr}`);
  return r.stdout.split('\u0000').slice(0, -1);
}

const LOGIN_SHELLS = ['/bin/sh', '/bin/bash', '/usr/bin/fish', '/usr/bin/tcsh', '/usr/bin/zsh'].filter((s) =>
  existsSync(s),
);

describe('commands through any login shell', () => {
  const hostile = [
    'x\\',
    '; touch /tmp/qhci-pwned #',
    "it's",
    "'; echo pwned; '",
    '$(id)',
    '`id`',
    'a!b',
    '!!',
    'new\nline',
    '*',
    '~',
    '{a,b}',
    '%s %b \\0101 \\c',
    '-n',
    '"dq" \\"',
    'tab\there',
    'ünï ☃',
    '',
  ];

  it('has the non-POSIX shells to try (CI installs fish and tcsh)', () => {
    if (process.env.CI)
      expect(LOGIN_SHELLS).toEqual(expect.arrayContaining(['/usr/bin/fish', '/usr/bin/tcsh']));
  });

  it.each(LOGIN_SHELLS)('keeps hostile arguments intact through %s -c', (shell) => {
    expect(loginArgv(shell, hostile)).toEqual([...hostile, 'end']);
  });

  it('sends the login shell only plain characters inside one single-quoted word', () => {
    const cmd = loginShellCommand(['printf', '%s', ...hostile]);
    expect(cmd).toMatch(/^\/bin\/sh -c '[^'\n!]*'$/);
    // No backslash pair fish would read as an escape.
    expect(cmd).not.toMatch(/\\[\\']/);
  });

  it('property: any argument list round-trips through every login shell here', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !s.includes('\u0000')),
          { maxLength: 5 },
        ),
        (args) => {
          const valid = args.map((a) => Buffer.from(a, 'utf8').toString('utf8'));
          for (const shell of LOGIN_SHELLS) expect(loginArgv(shell, valid)).toEqual([...valid, 'end']);
        },
      ),
      { numRuns: 40 },
    );
  });
});
