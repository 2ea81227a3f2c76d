/**
 * Serial console keystroke-to-echo latency at the getty login prompt of the real Debian guest on the SSH
 * host kvm-a, two ways, in one run:
 *   ours:     a real app (createApp on a temporary data directory) with kvm-a added and synced;
 *             consoles.open serial through its dispatch, the session attached to a Node MessagePort as a
 *             window's is, one printable character sent on the port and timed until it comes back on it
 *             (ssh2 exec channel with a pty → virsh console → the guest's ttyS0, and back through the pump);
 *   baseline: `ssh -tt … virsh -c qemu:///system console --force UUID` in a node-pty pseudo-terminal, the
 *             same character timed until it comes back on the pty.
 * Each takes the console over from the other (--force), so they run in alternating blocks; between samples
 * the typed character is erased (DEL; getty echoes "\b \b") so that the prompt line never grows. The first
 * WARMUP samples of each block are not counted. BENCH_SAMPLES (default 200) per way, BENCH_BLOCK (10);
 * BENCH_DUMP=FILE writes every sample there (JSON).
 *
 *   QHCI_CLOUD_IMAGE=… npm run bench:console
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { spawn, type IPty } from 'node-pty';
import { host } from '../../tests/helpers/testbed';
import {
  benchApp,
  bootGuest,
  conditions,
  percentile,
  printTable,
  requireGuestImage,
  sleep,
  sshToKvmA,
  type BenchApp,
} from './common';

requireGuestImage('serial bench');

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const BLOCK = Number(process.env.BENCH_BLOCK ?? 10);
const WARMUP = 3;
const ECHO_TIMEOUT_MS = 5000;
const DEL = '\x7f';
const CTRL_RIGHT_BRACKET = '\x1d';

/** What a terminal printed since the last mark, and waits for what it should print next. */
class Screen {
  private text = '';
  private waiter: { test(t: string): boolean; resolve(at: number): void } | null = null;

  feed(s: string): void {
    this.text += s;
    const w = this.waiter;
    // The time is taken here, in the data listener, not when the promise's continuation runs.
    if (w && w.test(this.text)) {
      this.waiter = null;
      w.resolve(performance.now());
    }
  }

  mark(): void {
    this.text = '';
  }

  /** Resolves with the moment `test` first held for the text since the mark. */
  expect(test: (t: string) => boolean, what: string, ms = ECHO_TIMEOUT_MS): Promise<number> {
    if (test(this.text)) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`timed out waiting for ${what}; the terminal printed ${JSON.stringify(this.text)}`));
      }, ms);
      this.waiter = {
        test,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
  }
}

interface Term {
  readonly screen: Screen;
  send(s: string): void;
  close(): Promise<void>;
  /** Ours only: where the keystroke was on the SSH channel (see SshChannelProbe). */
  readonly probe?: SshChannelProbe;
}

/**
 * Ours, seen at the SSH channel under the session (before the pump and the serial relay): when the pump
 * wrote the keystroke into it, and when the echo came out of it. A wrapper on write() and a second 'data'
 * listener change nothing for the session.
 */
class SshChannelProbe {
  wroteAt = 0;
  echoAt = 0;
  private expected = -1;
  constructor(channel: Duplex) {
    const write = channel.write.bind(channel) as (...args: unknown[]) => boolean;
    (channel as unknown as { write: (...args: unknown[]) => boolean }).write = (...args) => {
      this.wroteAt ||= performance.now();
      return write(...args);
    };
    channel.on('data', (chunk: Buffer) => {
      if (this.wroteAt && !this.echoAt && chunk.includes(this.expected)) this.echoAt = performance.now();
    });
  }
  /** Watches for the echo of `ch`. */
  arm(ch: string): void {
    this.wroteAt = 0;
    this.echoAt = 0;
    this.expected = ch.charCodeAt(0);
  }
}

async function openOurs(b: BenchApp): Promise<Term> {
  // The session's channel: the terminal openSerial asks the app's driver for.
  const driver = await b.app.hosts.driverFor(b.hostId);
  const openVirshTerminal = driver.openVirshTerminal.bind(driver);
  let channel: Duplex | null = null;
  driver.openVirshTerminal = async (args, size) => {
    const term = await openVirshTerminal(args, size);
    channel = term.stream;
    return term;
  };
  const { opened, page } = await b.open('serial').finally(() => {
    driver.openVirshTerminal = openVirshTerminal;
  });
  if (!channel) throw new Error('the serial session opened no terminal through the driver');
  const screen = new Screen();
  const decoder = new TextDecoder('latin1');
  page.onData((bytes) => screen.feed(decoder.decode(bytes)));
  return {
    screen,
    probe: new SshChannelProbe(channel),
    send: (s) => page.write(Buffer.from(s, 'latin1')),
    async close() {
      await b.client.call('consoles.close', { sessionId: opened.sessionId });
    },
  };
}

async function openBaseline(b: BenchApp, uuid: string): Promise<Term> {
  const kvm = host('kvm-a');
  const screen = new Screen();
  const pty: IPty = spawn(
    'ssh',
    [
      '-tt',
      '-e',
      'none',
      ...sshToKvmA(join(b.dataDir, 'known_hosts')),
      'virsh',
      '-c',
      kvm.uri,
      'console',
      '--force',
      uuid,
    ],
    { name: 'xterm-256color', cols: 80, rows: 24, env: { ...process.env, TERM: 'xterm-256color' } },
  );
  let exited = false;
  const exit = new Promise<void>((r) =>
    pty.onExit(() => {
      exited = true;
      r();
    }),
  );
  pty.onData((s) => screen.feed(s));
  // virsh's preamble ends with its escape-character line; the guest's bytes come after it.
  await screen.expect((t) => /Escape character is/.test(t), 'virsh console to connect', 15_000);
  return {
    screen,
    send: (s) => pty.write(s),
    async close() {
      if (!exited) pty.write(CTRL_RIGHT_BRACKET);
      await Promise.race([exit, sleep(5000)]);
      if (!exited) pty.kill();
      await Promise.race([exit, sleep(2000)]);
    },
  };
}

/** Brings the getty's prompt up fresh: Enter on an empty name prints it again. */
async function atPrompt(term: Term): Promise<void> {
  for (let i = 0; i < 10; i++) {
    term.screen.mark();
    const prompt = term.screen.expect((t) => /login: $/.test(t), 'the login prompt', 3000);
    term.send('\r');
    try {
      await prompt;
      return;
    } catch {
      // the getty may be restarting after the take-over; ask again
    }
  }
  throw new Error('the guest never showed "login:" on its serial console');
}

interface Sample {
  readonly ms: number;
  /** Ours: from the page's send to the SSH channel, and from the channel's echo to the page. */
  readonly inMs?: number;
  readonly outMs?: number;
}

/** One keystroke: the time until its echo; then erased, so the prompt line stays empty. */
async function keystroke(term: Term, ch: string): Promise<Sample> {
  const { screen, probe } = term;
  screen.mark();
  const echoed = screen.expect((t) => t.includes(ch), `the echo of ${JSON.stringify(ch)}`);
  probe?.arm(ch);
  const t0 = performance.now();
  term.send(ch);
  const t1 = await echoed;
  const sample: Sample = probe
    ? { ms: t1 - t0, inMs: probe.wroteAt - t0, outMs: t1 - probe.echoAt }
    : { ms: t1 - t0 };
  screen.mark();
  const erased = screen.expect((t) => t.includes('\b \b'), 'the erase of the typed character');
  term.send(DEL);
  await erased;
  return sample;
}

/** `virsh console` processes here for the guest (kvm-a's run on this machine, over loopback). */
function consoleProcesses(uuid: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', `virsh.*console --force.*${uuid}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean);
  } catch {
    return [];
  }
}

async function untilNoConsole(uuid: string): Promise<void> {
  for (let i = 0; i < 100 && consoleProcesses(uuid).length > 0; i++) await sleep(50);
}

async function main(): Promise<void> {
  const guest = await bootGuest();
  let b: BenchApp | null = null;
  try {
    b = await benchApp(guest);
    const cond = conditions(guest);
    const ours: Sample[] = [];
    const baseline: Sample[] = [];
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    let blocks = 0;
    while (ours.length < SAMPLES || baseline.length < SAMPLES) {
      // Alternating blocks; which way goes first alternates too.
      for (const way of blocks % 2 === 0
        ? (['ours', 'baseline'] as const)
        : (['baseline', 'ours'] as const)) {
        const into = way === 'ours' ? ours : baseline;
        if (into.length >= SAMPLES) continue;
        const term = way === 'ours' ? await openOurs(b) : await openBaseline(b, guest.uuid);
        try {
          await atPrompt(term);
          const n = Math.min(BLOCK, SAMPLES - into.length);
          for (let i = 0; i < WARMUP + n; i++) {
            const sample = await keystroke(term, letters[i % letters.length]!);
            if (i >= WARMUP) into.push(sample);
          }
        } finally {
          await term.close();
          await untilNoConsole(guest.uuid);
        }
      }
      blocks++;
      process.stdout.write(`  ${ours.length}/${SAMPLES} ours, ${baseline.length}/${SAMPLES} baseline\r`);
    }

    console.log(`\n\n## Serial console: keystroke-to-echo latency at the getty login prompt\n`);
    if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, JSON.stringify({ ours, baseline }));
    const ms = (xs: Sample[], f: (x: Sample) => number | undefined = (x) => x.ms) =>
      xs.map(f).filter((x): x is number => x !== undefined);
    const ok = printTable([
      {
        what: 'p50',
        ours: percentile(ms(ours), 50),
        baseline: percentile(ms(baseline), 50),
        unit: 'ms',
        target: { max: 1.2 },
        digits: 2,
      },
      {
        what: 'p95',
        ours: percentile(ms(ours), 95),
        baseline: percentile(ms(baseline), 95),
        unit: 'ms',
        target: { max: 1.2 },
        digits: 2,
      },
      {
        what: 'min',
        ours: Math.min(...ms(ours)),
        baseline: Math.min(...ms(baseline)),
        unit: 'ms',
        digits: 2,
      },
    ]);
    const rest = (x: Sample) =>
      x.inMs === undefined || x.outMs === undefined ? undefined : x.ms - x.inMs - x.outMs;
    const hop = (f: (x: Sample) => number | undefined) =>
      `p50 ${percentile(ms(ours, f), 50).toFixed(3)} ms, p95 ${percentile(ms(ours, f), 95).toFixed(3)} ms`;
    console.log(
      `\nours: consoles.open serial in a real app → Node MessagePort (ssh2 exec channel with a pty on the ` +
        `app's connection); baseline: ssh -tt … virsh console --force in a node-pty pty (a new OpenSSH ` +
        `connection per block), both to kvm-a's sshd.\n` +
        `Ours' own hops: page → MessagePort → pump → SSH channel ${hop((x) => x.inMs)}; SSH channel → ` +
        `serial relay → pump → MessagePort → page ${hop((x) => x.outMs)}; the rest (ssh2, sshd, virsh, ` +
        `libvirt, QEMU, the guest's getty) ${hop(rest)}.\n` +
        `${SAMPLES} samples each, in alternating blocks of ${BLOCK} (the first ${WARMUP} of each block not ` +
        `counted); ${cond}.`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    b?.close();
    await untilNoConsole(guest.uuid);
    guest.remove();
    const left = consoleProcesses(guest.uuid);
    if (left.length > 0) console.error(`virsh console processes left behind:\n${left.join('\n')}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
