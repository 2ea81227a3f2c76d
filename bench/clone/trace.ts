/**
 * Where our clone's time goes below its steps (on unless BENCH_TRACE=0). Every host call the app makes
 * (connect, virsh, a virsh batch, a tool run with exec) through the SSH and libvirt-URI drivers is timed, by
 * wrapping the drivers' methods in this process (the product's code is not changed), and each call is put
 * down to the step it ran in. The report gives, per step, how many calls a clone made and how long they took
 * together, and what the app's process did meanwhile (its CPU time, its event loop's delay).
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { LibvirtDriver } from '../../src/main/hosts/drivers/libvirt';
import { SshDriver } from '../../src/main/hosts/drivers/ssh';
import type { Task } from '../../src/shared/domain/provision';

export const TRACE = process.env.BENCH_TRACE !== '0';

interface HostCall {
  readonly what: string;
  /** The disk copy itself: qemu-img convert, run as it is or inside a shell script. */
  readonly copy: boolean;
  /** Epoch ms, as the task log's times. */
  readonly start: number;
  readonly ms: number;
}

const calls: HostCall[] = [];

/** A short name for a call: the virsh command(s), or the program (a shell script's first word). */
function nameOf(method: string, args: readonly unknown[]): string {
  if (method === 'connect') return 'connect';
  const first = args[0] as readonly unknown[];
  if (method === 'virshBatch') {
    return `virsh batch(${(first as readonly (readonly string[])[]).map((c) => c[0]).join(',')})`;
  }
  const argv = first as readonly string[];
  if (method === 'virsh') return `virsh ${argv[0] ?? ''}`;
  if (argv[0] === 'sh' && argv[1] === '-c') return `sh -c '${(argv[2] ?? '').split(' ')[0] ?? ''}…'`;
  return argv[0] ?? '?';
}

/** Whether an exec runs qemu-img convert (as its program, or in a `sh -c` script). */
function isCopy(method: string, args: readonly unknown[]): boolean {
  if (method !== 'exec') return false;
  const argv = args[0] as readonly string[];
  if (argv[0] === 'qemu-img') return argv[1] === 'convert';
  if (argv[0] !== 'sh' || argv[1] !== '-c') return false;
  // A script that names it, or one that runs `qemu-img "$@"` with convert among its arguments (runQemuImg).
  const script = argv[2] ?? '';
  return /\bqemu-img\s+convert\b/.test(script) || (/qemu-img "\$@"/.test(script) && argv.includes('convert'));
}

let installed = false;

/** Wraps the drivers' host calls (once); a no-op with BENCH_TRACE=0. */
export function traceHostCalls(): void {
  if (!TRACE || installed) return;
  installed = true;
  for (const cls of [SshDriver, LibvirtDriver]) {
    const proto = cls.prototype as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    for (const method of ['connect', 'virsh', 'virshBatch', 'exec']) {
      const orig = proto[method]!;
      proto[method] = function (this: unknown, ...args: unknown[]) {
        const start = Date.now();
        const t0 = performance.now();
        const done = () =>
          calls.push({
            what: nameOf(method, args),
            copy: isCopy(method, args),
            start,
            ms: performance.now() - t0,
          });
        return orig.apply(this, args).finally(done);
      };
    }
  }
}

/** Per step: the calls' count and total ms of each traced clone. */
export type CallsByStep = Record<string, { n: number[]; ms: number[] }>;

/**
 * Puts the calls made since `since` (epoch ms) down to the task's steps (before its first step: the call's
 * own checks), adds them to `into` and forgets them; with `verbose`, lists them on stderr. Resolves with the
 * time of the disk copy itself (qemu-img convert on the host), 0 when there was none.
 */
export function takeCalls(task: Task, since: number, into: CallsByStep, verbose: boolean): number {
  const mine = calls.filter((c) => c.start >= since);
  calls.length = 0;
  const stepOf = (c: HostCall) =>
    task.steps.find(
      (s) =>
        s.startedAt &&
        s.finishedAt &&
        c.start >= Date.parse(s.startedAt) &&
        c.start <= Date.parse(s.finishedAt),
    )?.name ?? '(call)';
  const sums: Record<string, { n: number; ms: number }> = {};
  for (const c of mine) {
    const s = (sums[stepOf(c)] ??= { n: 0, ms: 0 });
    s.n++;
    s.ms += c.ms;
    if (verbose) process.stderr.write(`    ${stepOf(c)}: ${c.what} ${c.ms.toFixed(0)} ms\n`);
  }
  for (const [step, s] of Object.entries(sums)) {
    const e = (into[step] ??= { n: [], ms: [] });
    e.n.push(s.n);
    e.ms.push(s.ms);
  }
  return mine.filter((c) => c.copy).reduce((n, c) => n + c.ms, 0);
}

/** What this process itself did while a clone ran: its CPU time and how late its event loop ran. */
export interface ProcessLoad {
  /** User + system CPU ms of this process. */
  readonly cpuMs: number;
  /** The event loop's mean and worst delay, ms. */
  readonly loopMeanMs: number;
  readonly loopMaxMs: number;
}

/** Starts measuring this process's load; the function returned stops and reads it. */
export function watchProcess(): () => ProcessLoad {
  const h: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const cpu0 = process.cpuUsage();
  return () => {
    h.disable();
    const cpu = process.cpuUsage(cpu0);
    return { cpuMs: (cpu.user + cpu.system) / 1000, loopMeanMs: h.mean / 1e6, loopMaxMs: h.max / 1e6 };
  };
}
