/**
 * virsh as a transport: one command per process, or many commands in one process (one round trip) with
 * markers that tell each command's output and error apart.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/domain/errors';
import type { ExecResult } from './ssh-connection';

/** Runs `virsh -c <uri> <args…>` somewhere (locally, or on a host over SSH). */
export type VirshRunner = (
  args: readonly string[],
  opts?: { timeoutMs?: number; stdin?: string | Buffer },
) => Promise<ExecResult>;

export type BatchResult = { ok: true; out: string } | { ok: false; error: string };

/** The part of virsh's stderr a person needs: the "error:" lines without the prefix. */
export function virshErrorText(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const errors = lines.filter((l) => l.startsWith('error:')).map((l) => l.replace(/^error:\s*/, ''));
  return (errors.length ? errors : lines).join('; ').slice(0, 2000) || 'virsh failed without a message';
}

export async function runVirsh(
  runner: VirshRunner,
  args: readonly string[],
  opts?: { timeoutMs?: number; stdin?: string | Buffer },
): Promise<string> {
  const r = await runner(args, opts);
  if (r.code !== 0) throw new AppError('HOST_ERROR', `virsh ${args[0] ?? ''}: ${virshErrorText(r.stderr)}`);
  return r.stdout;
}

/**
 * Quotes one argument for virsh's own command parser (used inside a batch string). virsh understands
 * single quotes like a POSIX shell; newlines would end the command, so they are refused.
 */
export function quoteVirshArg(arg: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\n\r\u0000]/.test(arg))
    throw new AppError('VALIDATION', 'A virsh argument may not contain line breaks');
  if (arg !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Keeps each virsh invocation's argument well under Linux's 128 KiB limit for one argument. */
const MAX_BATCH_CHARS = 96 * 1024;

/**
 * Runs many virsh commands in as few virsh processes as fit, each result kept apart by markers on stdout
 * and stderr. A failing command does not stop the others.
 */
export async function runVirshBatch(
  runner: VirshRunner,
  commands: readonly (readonly string[])[],
  opts?: { timeoutMs?: number; parallel?: number; stdin?: string | Buffer },
): Promise<BatchResult[]> {
  const nonce = randomBytes(6).toString('hex');
  const mark = (i: number) => `QHCI-${nonce}-${i}`;
  // `echo --err` also prints a newline on stdout, dropped again below.
  const parts = commands.map(
    (cmd, i) => `${cmd.map(quoteVirshArg).join(' ')} ; echo --err ${mark(i)} ; echo ${mark(i)} ; `,
  );
  // With `parallel`, the commands are spread over that many virsh processes run at once (libvirtd serves
  // them concurrently); every process stays under the argument size limit.
  const perChunk = Math.max(1, Math.ceil(parts.length / Math.max(1, opts?.parallel ?? 1)));
  const chunks: { start: number; end: number; script: string }[] = [];
  let script = '';
  let start = 0;
  parts.forEach((part, i) => {
    if (script !== '' && (script.length + part.length > MAX_BATCH_CHARS || i - start >= perChunk)) {
      chunks.push({ start, end: i, script });
      script = '';
      start = i;
    }
    script += part;
  });
  if (script !== '') chunks.push({ start, end: parts.length, script });

  const results: (BatchResult | undefined)[] = new Array(commands.length).fill(undefined);
  await Promise.all(
    chunks.map(async (chunk) => {
      const r = await runner([chunk.script], {
        ...(opts?.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
        // Only one process can read the input.
        ...(opts?.stdin !== undefined && chunks.length === 1 ? { stdin: opts.stdin } : {}),
      });
      let outAt = 0;
      let errAt = 0;
      for (let i = chunk.start; i < chunk.end; i++) {
        const outMark = `${mark(i)}\n`;
        const errMark = `error: ${mark(i)}\n`;
        const o = r.stdout.indexOf(outMark, outAt);
        const e = r.stderr.indexOf(errMark, errAt);
        if (o === -1 || e === -1) break; // virsh ended early (connection lost): the rest count as failed
        const err = r.stderr.slice(errAt, e);
        const out = r.stdout.slice(outAt, o).replace(/\n$/, '');
        results[i] = err.trim() === '' ? { ok: true, out } : { ok: false, error: virshErrorText(err) };
        outAt = o + outMark.length;
        errAt = e + errMark.length;
      }
    }),
  );
  return results.map((r) => r ?? { ok: false, error: 'virsh ended before this command ran' });
}
