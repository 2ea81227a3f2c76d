/**
 * Console streams of a libvirt URI host, opened on this workstation: a loopback socket (only for a URI
 * whose hypervisor runs here) and virsh in a pseudo-terminal of its own (node-pty; virsh reaches the URI,
 * local or remote, itself).
 */
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duplex } from 'node:stream';
import type * as NodePty from 'node-pty';
import { AppError } from '../../../shared/domain/errors';
import type { HostTerminal, SocketTarget, TerminalSize } from '../../consoles/types';
import { importPackage } from '../../esm-import';
import { runLocal } from '../local-process';
import { assertVirshArgs, virshErrorText } from '../virsh';

/** How many console streams are open, each counted until it emits 'close'. */
export class StreamCount {
  private n = 0;
  get open(): number {
    return this.n;
  }
  track<T extends { once(event: 'close', cb: () => void): unknown }>(stream: T): T {
    this.n += 1;
    stream.once('close', () => {
      this.n -= 1;
    });
    return stream;
  }
}

export function openLocalSocket(target: SocketTarget): Promise<Duplex> {
  const where = 'path' in target ? target.path : `${target.host}:${target.port}`;
  return new Promise((resolve, reject) => {
    const socket = 'path' in target ? connect({ path: target.path }) : connect(target.port, target.host);
    const fail = (err: Error) => reject(new AppError('HOST_ERROR', `Cannot reach ${where}: ${err.message}`));
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('error', fail);
      // Keystrokes and pointer moves are small: send each at once.
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

type Pty = typeof NodePty;
let ptyModule: Promise<Pty> | undefined;
/** node-pty is a native module: loaded on the first terminal, not at start-up. */
function loadPty(): Promise<Pty> {
  ptyModule ??= importPackage('node-pty', () => import('node-pty')).then(
    (m) => (m as { default?: Pty }).default ?? m,
  );
  return ptyModule;
}

/**
 * A pty's bytes as a Duplex. Reading honours back-pressure: the pty is paused while the reader is full
 * (so virsh blocks on its output), and resumed when it reads again.
 */
class PtyStream extends Duplex {
  constructor(private readonly pty: NodePty.IPty) {
    super({ allowHalfOpen: false });
    pty.onData((d: string | Buffer) => {
      if (!this.push(typeof d === 'string' ? Buffer.from(d, 'utf8') : d)) pty.pause();
    });
    // Once the reader has seen the end, the stream is done (and emits 'close').
    this.once('end', () => this.destroy());
  }

  override _read(): void {
    this.pty.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    try {
      this.pty.write(chunk);
      cb();
    } catch (err) {
      cb(err as Error);
    }
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    // Closing the pty's master ends virsh console (it ignores SIGHUP and SIGTERM while attached):
    // node-pty's destroy() closes it, then sends SIGHUP. It is missing from the typings.
    const pty = this.pty as NodePty.IPty & { destroy?: () => void };
    try {
      if (pty.destroy) pty.destroy();
      else pty.kill();
    } catch {
      // the process is gone already
    }
    cb(err);
  }
}

/** `virsh -c URI args…` in a pty on this workstation. */
export async function spawnVirshTerminal(
  uri: string,
  args: readonly string[],
  size: TerminalSize,
): Promise<HostTerminal> {
  assertVirshArgs(args);
  const { spawn } = await loadPty();
  let pty: NodePty.IPty;
  try {
    pty = spawn('virsh', ['-c', uri, ...args], {
      name: 'xterm-256color',
      cols: size.cols,
      rows: size.rows,
      // Bytes, not text: a character split between two reads must reach the terminal as it is.
      encoding: null,
      env: { ...process.env, LC_ALL: 'C', TERM: 'xterm-256color' } as Record<string, string>,
    });
  } catch (err) {
    throw new AppError('HOST_ERROR', `Cannot run virsh in a terminal: ${(err as Error).message}`);
  }
  const stream = new PtyStream(pty);
  let closed = false;
  const exited = new Promise<number | null>((resolve) =>
    pty.onExit(({ exitCode, signal }) => {
      closed = true;
      stream.push(null);
      resolve(signal ? null : exitCode);
    }),
  );
  return {
    stream,
    resize: (s) => {
      if (!closed) pty.resize(s.cols, s.rows);
    },
    exited,
    close: () => {
      if (closed) return;
      closed = true;
      stream.destroy();
    },
  };
}

/**
 * `virsh -q -c URI args…` here, with stdout as bytes; fails with virsh's error text. Its stdout is a file
 * of our own: Node hands a child a socket for a pipe, and virsh cannot open /dev/stdout on a socket.
 */
export async function localVirshBytes(
  uri: string,
  args: readonly string[],
  opts: { timeoutMs?: number } = {},
): Promise<Buffer> {
  assertVirshArgs(args);
  const dir = await mkdtemp(join(tmpdir(), 'qhci-virsh-'));
  const file = join(dir, 'stdout');
  const out = await open(file, 'w+', 0o600);
  try {
    const r = await runLocal('virsh', ['-q', '-c', uri, ...args], { ...opts, stdoutFd: out.fd });
    if (r.code !== 0) throw new AppError('HOST_ERROR', `virsh ${args[0] ?? ''}: ${virshErrorText(r.stderr)}`);
    return await readFile(file);
  } finally {
    await out.close();
    await rm(dir, { recursive: true, force: true });
  }
}
