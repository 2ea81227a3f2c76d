/** What the consoles module gets from a host driver, and gives the session registry. */
import type { Duplex } from 'node:stream';
import type { StreamEndReason } from '../../shared/ipc/streams';

/** A socket as seen from the host: a TCP address and port, or a unix socket path. */
export type SocketTarget = { readonly host: string; readonly port: number } | { readonly path: string };

export interface TerminalSize {
  readonly cols: number;
  readonly rows: number;
}

/** A command running in a pseudo-terminal (on the host over SSH, or on this workstation). */
export interface HostTerminal {
  /** The terminal's bytes: what the command prints (stdout and stderr, as a pty merges them) and its input. */
  readonly stream: Duplex;
  resize(size: TerminalSize): void;
  /** Resolves with the exit code once the command ended (null: killed, or the connection was lost). */
  readonly exited: Promise<number | null>;
  /** Ends the command (and its channel or process). Safe to call twice. */
  close(): void;
}

export interface StreamEnd {
  readonly reason: StreamEndReason;
  readonly message: string;
}

/** An open console stream, ready for the session registry to pump into a port. */
export interface ConsoleStream {
  readonly stream: Duplex;
  /** Serial consoles only. */
  resize?(size: TerminalSize): void;
  /** Asked once the stream has closed (not by the user): why, in words for the page. */
  whyEnded(): Promise<StreamEnd>;
  close(): void;
}
