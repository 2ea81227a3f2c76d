/**
 * Console streams of an SSH host, all over the host's one SshConnection: a socket on the host reached with
 * direct-tcpip (or direct-streamlocal for a unix socket), and virsh in a pseudo-terminal on an exec
 * channel. Nothing listens on the workstation and nothing (no nc, no socat) is needed on the host.
 */
import type { Duplex } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { AppError } from '../../../shared/domain/errors';
import type { HostTerminal, SocketTarget, TerminalSize } from '../../consoles/types';
import type { SshConnection } from '../ssh-connection';
import { loginShellCommand } from '../shell-quote';
import { assertVirshArgs, virshErrorText } from '../virsh';

/** The terminal type virsh console runs under; xterm.js speaks it. */
const TERM = 'xterm-256color';

/** Ends a channel and lets what is left of its output drain, so that ssh2 gets to emit 'close'. */
function closeChannel(ch: ClientChannel): void {
  ch.close();
  // ssh2 emits 'close' only after 'end', which needs the readable side consumed.
  ch.resume();
}

export async function openSshSocket(conn: SshConnection, target: SocketTarget): Promise<Duplex> {
  const where = 'path' in target ? target.path : `${target.host}:${target.port}`;
  let ch: ClientChannel;
  try {
    ch = await conn.openStream((client, cb) =>
      'path' in target
        ? client.openssh_forwardOutStreamLocal(target.path, cb)
        : // The source address is only what sshd logs for the forwarded connection.
          client.forwardOut('127.0.0.1', 0, target.host, target.port, cb),
    );
  } catch (err) {
    throw new AppError(
      'HOST_ERROR',
      `Cannot reach ${where} on ${conn.target.host}: ${(err as Error).message.replace(/^.*?refused: /, '')}`,
    );
  }
  // When the far end closes (the VM stopped), sshd closes the channel only once we end our side too; a
  // console has no use for a half-open socket.
  ch.once('end', () => ch.end());
  noteConnectionLoss(conn, ch);
  return ch;
}

/** Channels whose SSH connection dropped while they were open. */
const lostWithConnection = new WeakSet<object>();

/** Whether this stream ended because the host's connection dropped (not because its far end closed). */
export function endedWithConnection(stream: object): boolean {
  return lostWithConnection.has(stream);
}

/** ssh2 reports the connection's end before it ends the channels, so the mark is there when they close. */
function noteConnectionLoss(conn: SshConnection, ch: ClientChannel): void {
  const off = conn.onState((state) => {
    if (state === 'down') lostWithConnection.add(ch);
  });
  ch.once('close', off);
}

/** `virsh -c URI args…` on the host with a pty of the given size. */
export async function openSshVirshTerminal(
  conn: SshConnection,
  uri: string,
  args: readonly string[],
  size: TerminalSize,
): Promise<HostTerminal> {
  assertVirshArgs(args);
  const ch = await conn.openStream((client, cb) =>
    client.exec(
      loginShellCommand(['virsh', '-c', uri, ...args]),
      { pty: { rows: size.rows, cols: size.cols, height: 0, width: 0, term: TERM } },
      cb,
    ),
  );
  // A pty merges stderr into the output; whatever still comes on stderr is not wanted.
  ch.stderr.resume();
  noteConnectionLoss(conn, ch);
  let code: number | null = null;
  ch.on('exit', (c: number | null) => {
    code = typeof c === 'number' ? c : null;
  });
  const exited = new Promise<number | null>((resolve) => ch.once('close', () => resolve(code)));
  let closed = false;
  return {
    stream: ch,
    resize: (s) => {
      if (!closed) ch.setWindow(s.rows, s.cols, 0, 0);
    },
    exited,
    close: () => {
      if (closed) return;
      closed = true;
      closeChannel(ch);
    },
  };
}

/** `virsh -q -c URI args…` on the host with stdout as bytes; fails with virsh's error text. */
export async function sshVirshBytes(
  conn: SshConnection,
  uri: string,
  args: readonly string[],
  opts: { timeoutMs?: number } = {},
): Promise<Buffer> {
  assertVirshArgs(args);
  const r = await conn.execBytes(['virsh', '-q', '-c', uri, ...args], opts);
  if (r.code !== 0) throw new AppError('HOST_ERROR', `virsh ${args[0] ?? ''}: ${virshErrorText(r.stderr)}`);
  return r.stdout;
}
