/**
 * Long-lived interactive virsh processes (`virsh -c URI` reading commands on its input), so that a
 * command costs one round trip to libvirtd instead of a process start and a new libvirt connection
 * (~45 ms each on the testbed). Each command is checked on its own: a caller can send the next command only
 * when the previous one worked, which a one-process batch cannot do.
 *
 * Every command line is wrapped in markers with a per-process random nonce:
 *   echo B ; <command> ; echo --err M ; echo M
 * Its output is what stdout shows between the line "B" and the line "M" (virsh's prompt and the echo of the
 * input line come before "B"), its errors what stderr shows before "error: M". Commands are pipelined: many
 * can be written at once and their results come back in order.
 *
 * A host keeps a few of these (VirshSessions): busy ones are not shared, idle ones close after a while, a
 * timed-out or broken one is killed and replaced on the next use. Commands with data on stdin, or with
 * control characters in an argument (the line editor would act on them), do not belong here: the drivers
 * run those as their own process.
 */
import { randomBytes } from 'node:crypto';
import { AppError } from '../../shared/domain/errors';
import {
  assertVirshArgs,
  quoteVirshArg,
  runChecked,
  runVirsh,
  runVirshBatch,
  virshErrorText,
  type BatchResult,
  type VirshRunner,
} from './virsh';

/** One running interactive virsh, wherever it runs (here, or on a host over SSH). */
export interface VirshProcess {
  write(data: string): void;
  onStdout(cb: (chunk: string) => void): void;
  onStderr(cb: (chunk: string) => void): void;
  /** Called once when the process is gone, with why. */
  onExit(cb: (reason: string) => void): void;
  /** Ends its input: virsh quits after what it is running. */
  end(): void;
  kill(): void;
  /** Whether this process keeps the event loop alive (only while it has work). */
  ref(on: boolean): void;
}

/** Arguments that cannot go through virsh's line editor (tab completes, other control keys edit). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
export function fitsSession(args: readonly string[]): boolean {
  return !args.some((a) => CONTROL.test(a));
}

interface Pending {
  readonly begin: string;
  readonly end: string;
  readonly errEnd: string;
  readonly done: (r: BatchResult) => void;
  /** Where its output starts in stdout (after the begin marker), and where its end marker is; -1 until found. */
  from: number;
  endAt: number;
}

/**
 * Text arriving in chunks, kept as the chunks (appending never copies what came before) and searched only
 * where it was not searched yet: a command's output of megabytes costs one pass, not one per chunk.
 */
class ChunkedText {
  private parts: string[] = [];
  private starts: number[] = [];
  length = 0;
  /** Where the next search resumes: before it, the needle of the last failed search is known absent. */
  private scanned = 0;

  push(chunk: string): void {
    this.parts.push(chunk);
    this.starts.push(this.length);
    this.length += chunk.length;
  }

  /** Index of `needle` at or after `from`, looking only at what is new since the last failed search. */
  find(needle: string, from: number): number {
    const start = Math.max(from, this.scanned);
    let k = this.parts.length - 1;
    while (k > 0 && this.starts[k]! > start) k--;
    if (k < 0) return -1;
    const base = this.starts[k]!;
    const window = k === this.parts.length - 1 ? this.parts[k]! : this.parts.slice(k).join('');
    const i = window.indexOf(needle, start - base);
    if (i !== -1) return base + i;
    this.scanned = Math.max(start, this.length - needle.length + 1);
    return -1;
  }

  /** Removes text[0, to) and returns text[from, to); what is left is searched afresh. */
  take(from: number, to: number): string {
    const all = this.parts.length === 1 ? this.parts[0]! : this.parts.join('');
    const rest = all.slice(to);
    this.parts = rest ? [rest] : [];
    this.starts = rest ? [0] : [];
    this.length = rest.length;
    this.scanned = 0;
    return all.slice(from, Math.max(from, to));
  }
}

export class VirshSession {
  private readonly nonce = randomBytes(6).toString('hex');
  private seq = 0;
  private readonly out = new ChunkedText();
  private readonly err = new ChunkedText();
  private readonly queue: Pending[] = [];
  private deadReason: string | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly proc: VirshProcess) {
    proc.onStdout((chunk) => {
      this.out.push(chunk);
      this.settle();
    });
    proc.onStderr((chunk) => {
      this.err.push(chunk);
      this.settle();
    });
    proc.onExit((reason) => this.die(reason));
    proc.ref(false);
  }

  get dead(): boolean {
    return this.deadReason !== null;
  }

  /**
   * Sends the commands at once and resolves with each one's result, in order. Rejects (and kills the
   * process) when they have not all finished within timeoutMs.
   */
  send(commands: readonly (readonly string[])[], timeoutMs?: number): Promise<BatchResult[]> {
    if (this.deadReason !== null) return Promise.reject(new AppError('HOST_ERROR', this.deadReason));
    const lines: string[] = [];
    const results = commands.map((cmd) => {
      const mark = `QHCI-${this.nonce}-${this.seq++}`;
      lines.push(
        `echo ${mark}-b ; ${cmd.map(quoteVirshArg).join(' ')} ; echo --err ${mark} ; echo ${mark}\n`,
      );
      return new Promise<BatchResult>((done) =>
        this.queue.push({
          begin: `${mark}-b\n`,
          end: `\n${mark}\n`,
          errEnd: `error: ${mark}\n`,
          done,
          from: -1,
          endAt: -1,
        }),
      );
    });
    this.proc.ref(true);
    const all = Promise.all(results);
    this.proc.write(lines.join(''));
    if (!timeoutMs) return all.finally(() => this.idleRef());
    return new Promise<BatchResult[]>((resolve, reject) => {
      this.timer = setTimeout(() => {
        const why = `virsh did not finish within ${Math.round(timeoutMs / 1000)} s`;
        this.proc.kill();
        this.die(why);
        reject(new AppError('HOST_ERROR', why));
      }, timeoutMs);
      all.then(
        (r) => {
          if (this.timer) clearTimeout(this.timer);
          this.timer = null;
          this.idleRef();
          resolve(r);
        },
        (e: unknown) => reject(e as Error),
      );
    });
  }

  /** Ends the process (it finishes what it runs; nothing more is sent). */
  close(): void {
    if (this.deadReason === null) this.proc.end();
    this.die('The virsh session was closed');
  }

  private idleRef(): void {
    if (!this.queue.length) this.proc.ref(false);
  }

  private settle(): void {
    while (this.queue.length) {
      const p = this.queue[0]!;
      if (p.from === -1) {
        const b = this.out.find(p.begin, 0);
        if (b === -1) return;
        p.from = b + p.begin.length;
      }
      // The "\n" that ends the begin line may be the one that starts the end marker (no output at all).
      if (p.endAt === -1) {
        p.endAt = this.out.find(p.end, p.from - 1);
        if (p.endAt === -1) return;
      }
      const ee = this.err.find(p.errEnd, 0);
      if (ee === -1) return;
      let out = this.out.take(p.from, p.endAt + 1);
      this.out.take(0, p.end.length - 1);
      if (out.endsWith('\n')) out = out.slice(0, -1);
      const errText = this.err.take(0, ee);
      this.err.take(0, p.errEnd.length);
      this.queue.shift();
      p.done(errText.trim() === '' ? { ok: true, out } : { ok: false, error: virshErrorText(errText) });
    }
  }

  private die(reason: string): void {
    if (this.deadReason !== null) return;
    this.deadReason = reason;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.proc.ref(false);
    // Every command still waiting for its result had been sent: virsh may have run it (and the answer was
    // lost with the connection), so the message must not say it did not.
    for (const p of this.queue.splice(0))
      p.done({
        ok: false,
        error: `virsh ended before this command's result came back (${reason}); it may have run`,
      });
  }
}

/** A host's interactive virsh processes: up to `max` at once, each used by one caller at a time. */
export class VirshSessions {
  private readonly idle: { session: VirshSession; timer: NodeJS.Timeout }[] = [];
  private open = 0;
  private readonly waiting: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly spawn: () => Promise<VirshProcess>,
    private readonly opts: { max?: number; idleMs?: number } = {},
  ) {}

  /**
   * Runs the commands (spread over up to `parallel` sessions) and returns each one's result. A failing
   * command does not stop the others; a session that breaks fails the commands it had not finished.
   */
  batch(
    commands: readonly (readonly string[])[],
    opts: { timeoutMs?: number; parallel?: number } = {},
  ): Promise<BatchResult[]> {
    // A command virsh would misread (a name where an option could be) fails on its own, unsent: in a
    // session, a line virsh cannot parse runs none of it, markers included.
    return runChecked(commands, (checked) => this.spread(checked, opts));
  }

  private async spread(
    commands: readonly (readonly string[])[],
    opts: { timeoutMs?: number; parallel?: number },
  ): Promise<BatchResult[]> {
    if (!commands.length) return [];
    const parts = Math.max(1, Math.min(opts.parallel ?? 1, this.opts.max ?? 4, commands.length));
    const per = Math.ceil(commands.length / parts);
    const chunks: (readonly (readonly string[])[])[] = [];
    for (let i = 0; i < commands.length; i += per) chunks.push(commands.slice(i, i + per));
    const results = await Promise.all(chunks.map((c) => this.withSession((s) => s.send(c, opts.timeoutMs))));
    return results.flat();
  }

  /** One command; its output, or a HOST_ERROR with virsh's message. */
  async run(args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<string> {
    assertVirshArgs(args);
    const [r] = await this.batch([args], opts);
    if (!r!.ok) throw new AppError('HOST_ERROR', `virsh ${args[0] ?? ''}: ${r!.error}`);
    return r!.out;
  }

  close(): void {
    this.closed = true;
    for (const { session, timer } of this.idle.splice(0)) {
      clearTimeout(timer);
      session.close();
    }
    for (const w of this.waiting.splice(0)) w();
  }

  private async withSession<T>(use: (s: VirshSession) => Promise<T>): Promise<T> {
    const session = await this.acquire();
    try {
      return await use(session);
    } finally {
      this.release(session);
    }
  }

  private async acquire(): Promise<VirshSession> {
    for (;;) {
      if (this.closed) throw new AppError('HOST_ERROR', 'The host connection is closed');
      while (this.idle.length) {
        const { session, timer } = this.idle.pop()!;
        clearTimeout(timer);
        if (!session.dead) return session;
        this.open--;
      }
      if (this.open < (this.opts.max ?? 4)) {
        this.open++;
        try {
          return new VirshSession(await this.spawn());
        } catch (err) {
          this.open--;
          this.wake();
          throw err;
        }
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private release(session: VirshSession): void {
    if (session.dead || this.closed) {
      session.close();
      this.open--;
    } else {
      const timer = setTimeout(() => {
        const at = this.idle.findIndex((x) => x.session === session);
        if (at !== -1) {
          this.idle.splice(at, 1);
          this.open--;
          session.close();
        }
      }, this.opts.idleMs ?? 15_000);
      timer.unref();
      this.idle.push({ session, timer });
    }
    this.wake();
  }

  private wake(): void {
    this.waiting.shift()?.();
  }
}

/**
 * A driver's virsh: commands without input go to its sessions, the rest (data on stdin, control characters)
 * to a process of their own through `run`.
 */
export function sessionVirsh(sessions: VirshSessions, run: VirshRunner) {
  return {
    one(args: readonly string[], opts?: { timeoutMs?: number; stdin?: string | Buffer }): Promise<string> {
      if (opts?.stdin === undefined && fitsSession(args)) return sessions.run(args, opts);
      return runVirsh(run, args, opts);
    },
    batch(
      commands: readonly (readonly string[])[],
      opts?: { timeoutMs?: number; stdin?: string | Buffer; parallel?: number },
    ): Promise<BatchResult[]> {
      if (opts?.stdin === undefined && commands.every(fitsSession)) return sessions.batch(commands, opts);
      return runVirshBatch(run, commands, opts);
    },
  };
}
