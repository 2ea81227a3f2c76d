import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteArg, quoteCommand } from './shell-quote';

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
