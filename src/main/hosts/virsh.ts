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

/**
 * The options that take a value, for each virsh command QHCI runs (from `virsh help <cmd>`, libvirt 9.0).
 * virsh reads any `--opt` or `--opt=value` token as an option, quoted or not, wherever it stands, except
 * the token right after an option that takes a value and anything after `--`. So a name or path is passed
 * only as the value of its option (`--vol NAME`, `--pool NAME`, `--domain UUID`, `--file PATH`…): a volume
 * named `--vol=base.qcow2` then stays a name, instead of making `vol-delete` delete base.qcow2.
 */
const VALUE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  'vol-create-as': ['pool', 'name', 'capacity', 'allocation', 'format', 'backing-vol', 'backing-vol-format'],
  'vol-delete': ['vol', 'pool'],
  'vol-path': ['vol', 'pool'],
  'vol-info': ['vol', 'pool'],
  'vol-dumpxml': ['vol', 'pool', 'xpath'],
  'vol-upload': ['vol', 'file', 'pool', 'offset', 'length'],
  'vol-download': ['vol', 'file', 'pool', 'offset', 'length'],
  'vol-list': ['pool'],
  'pool-refresh': ['pool'],
  'pool-dumpxml': ['pool', 'xpath'],
  'net-dumpxml': ['network', 'xpath'],
  'net-dhcp-leases': ['network', 'mac'],
  domuuid: ['domain'],
  domstate: ['domain'],
  dominfo: ['domain'],
  dumpxml: ['domain', 'xpath'],
  define: ['file'],
  start: ['domain', 'pass-fds'],
  destroy: ['domain'],
  undefine: ['domain', 'storage'],
  shutdown: ['domain', 'mode'],
  reboot: ['domain', 'mode'],
  suspend: ['domain'],
  resume: ['domain'],
  domifaddr: ['domain', 'interface', 'source'],
  'qemu-agent-command': ['domain', 'timeout', 'cmd'],
  domcapabilities: ['virttype', 'emulatorbin', 'arch', 'machine'],
  console: ['domain', 'devname'],
  'snapshot-create': ['domain', 'xmlfile'],
  'snapshot-create-as': ['domain', 'name', 'description', 'memspec', 'diskspec'],
  'snapshot-revert': ['domain', 'snapshotname'],
  'snapshot-delete': ['domain', 'snapshotname'],
  'snapshot-list': ['domain', 'from'],
  'snapshot-dumpxml': ['domain', 'snapshotname', 'xpath'],
  'snapshot-current': ['domain', 'snapshotname'],
  'vol-pool': ['vol'],
  'pool-info': ['pool'],
  screenshot: ['domain', 'file', 'screen'],
  setvcpus: ['domain', 'count'],
  setmem: ['domain', 'size'],
  'attach-device': ['domain', 'file'],
  'detach-device': ['domain', 'file'],
  'update-device': ['domain', 'file'],
  blockresize: ['domain', 'path', 'size'],
  'change-media': ['domain', 'path', 'source'],
  desc: ['domain', 'new-desc'],
  autostart: ['domain'],
  'vol-resize': ['vol', 'capacity', 'pool'],
};

/**
 * Why virsh would read one of these arguments as an option QHCI did not write, or null. Every argument that
 * starts with "-" must be a plain `--option` (no "=value"), the value of an option that takes one, or come
 * after `--`; a positional argument that starts with "-" is refused. This is the safety net under the call
 * sites, which pass names only as option values.
 */
export function virshArgsProblem(args: readonly string[]): string | null {
  const [cmd = '', ...rest] = args;
  const takesValue = VALUE_OPTIONS[cmd] ?? [];
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--') return null;
    if (!a.startsWith('-')) continue;
    const m = /^--([a-z0-9][a-z0-9-]*)$/.exec(a);
    if (!m) {
      return `virsh ${cmd}: "${a}" would be read as an option; QHCI passes names only after their option`;
    }
    if (takesValue.includes(m[1]!)) i++;
  }
  return null;
}

export function assertVirshArgs(args: readonly string[]): void {
  const problem = virshArgsProblem(args);
  if (problem) throw new AppError('VALIDATION', problem);
}

/**
 * Runs the commands virshArgsProblem accepts through `run`; the others fail on their own (a hostile name
 * costs its own command, not the batch).
 */
export async function runChecked(
  commands: readonly (readonly string[])[],
  run: (commands: readonly (readonly string[])[]) => Promise<BatchResult[]>,
  also: (args: readonly string[]) => string | null = () => null,
): Promise<BatchResult[]> {
  const problems = commands.map((c) => virshArgsProblem(c) ?? also(c));
  if (problems.every((p) => p === null)) return run(commands);
  const allowed = commands.filter((_, i) => problems[i] === null);
  const results = allowed.length ? await run(allowed) : [];
  let k = 0;
  return problems.map((p) => (p === null ? results[k++]! : { ok: false, error: p }));
}

export async function runVirsh(
  runner: VirshRunner,
  args: readonly string[],
  opts?: { timeoutMs?: number; stdin?: string | Buffer },
): Promise<string> {
  assertVirshArgs(args);
  const r = await runner(args, opts);
  if (r.code !== 0) throw new AppError('HOST_ERROR', `virsh ${args[0] ?? ''}: ${virshErrorText(r.stderr)}`);
  return r.stdout;
}

/**
 * Quotes one argument for virsh's own command parser (used inside a batch string). virsh understands
 * single quotes like a POSIX shell; newlines would end the command, so they are refused.
 */
const LINE_BREAKS = 'A virsh argument may not contain line breaks';
export function quoteVirshArg(arg: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\n\r\u0000]/.test(arg)) throw new AppError('VALIDATION', LINE_BREAKS);
  if (arg !== '' && /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Keeps each virsh invocation's argument well under Linux's 128 KiB limit for one argument. */
const MAX_BATCH_CHARS = 96 * 1024;

/**
 * Runs many virsh commands in as few virsh processes as fit, each result kept apart by markers on stdout
 * and stderr. A failing command does not stop the others.
 */
export function runVirshBatch(
  runner: VirshRunner,
  commands: readonly (readonly string[])[],
  opts?: { timeoutMs?: number; parallel?: number; stdin?: string | Buffer },
): Promise<BatchResult[]> {
  // One command string: an argument with a line break would end its command, so that command is refused.
  // eslint-disable-next-line no-control-regex
  const lineBreak = (c: readonly string[]) => (c.some((a) => /[\n\r\u0000]/.test(a)) ? LINE_BREAKS : null);
  return runChecked(commands, (checked) => runBatch(runner, checked, opts), lineBreak);
}

async function runBatch(
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
  return results.map(
    (r) => r ?? { ok: false, error: "virsh ended before this command's result came back; it may have run" },
  );
}
