/**
 * Joins an xterm.js terminal to a serial console's MessagePort. Bytes from the host go to term.write, and
 * are acknowledged only when xterm has parsed them (its write callback), so xterm's own write buffer is
 * what slows the host down. Keystrokes go to the host, except Ctrl+] (as in `virsh console`), which leaves.
 */
import type { StreamEndReason } from '../../../../shared/ipc/streams';
import { PortStream } from './port-stream';

/** Ctrl+]: `virsh console`'s escape, and ours. */
export const LEAVE_KEY = '\x1d';

/** The part of xterm's Terminal the link uses (a test double implements the same). */
export interface TerminalLike {
  write(data: Uint8Array, callback?: () => void): void;
  onData(listener: (data: string) => void): { dispose(): void };
  onBinary(listener: (data: string) => void): { dispose(): void };
}

export interface SerialLinkHandlers {
  /** The stream is over (also after close(): reason 'closed'), unless the user left with Ctrl+]. */
  onEnd(reason: StreamEndReason, message: string): void;
  /** The user pressed Ctrl+]: the link has closed itself (instead of onEnd). */
  onLeave(): void;
}

export interface SerialLink {
  close(): void;
  readonly isEnded: boolean;
}

export function linkSerial(
  term: TerminalLike,
  port: MessagePort,
  handlers: SerialLinkHandlers,
  ackEvery?: number,
): SerialLink {
  const encoder = new TextEncoder();
  const subscriptions: { dispose(): void }[] = [];
  let leaving = false;
  const stream = new PortStream(
    port,
    {
      data: (b) => term.write(new Uint8Array(b), () => stream.consumed(b.byteLength)),
      end: (reason, message) => {
        for (const s of subscriptions.splice(0)) s.dispose();
        if (leaving) handlers.onLeave();
        else handlers.onEnd(reason, message);
      },
    },
    ackEvery,
  );

  subscriptions.push(
    term.onData((text) => {
      const leave = text.indexOf(LEAVE_KEY);
      if (leave < 0) return stream.send(encoder.encode(text));
      // What was typed before the escape still goes (a paste may hold both).
      if (leave > 0) stream.send(encoder.encode(text.slice(0, leave)));
      leaving = true;
      stream.close();
    }),
    // xterm's binary data (some mouse reports) is one byte per character.
    term.onBinary((text) => stream.send(Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff))),
  );

  return {
    close: () => stream.close(),
    get isEnded() {
      return stream.isEnded;
    },
  };
}
