/**
 * One serial console connection: an xterm.js terminal on a host element, sized to it, joined to the VM's
 * serial console once the session's port arrives. Kept out of React, as the VNC connection is.
 */
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { qhci } from '../../api/client';
import { toAppError } from '../../components/errors';
import { withAdoptedStyles } from './adopted-styles';
import { linkSerial, type SerialLink } from './serial-link';
import { closeConsole, openConsole, type ConsoleView } from './session';

export interface SerialConnection {
  close(): void;
  focus(): void;
}

/** The terminal sizes the contract accepts. */
const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));

export interface TerminalSize {
  readonly cols: number;
  readonly rows: number;
}

export function connectSerial(
  vmId: string,
  host: HTMLElement,
  view: (v: ConsoleView) => void,
  /** The terminal's size in characters, now and after every change. */
  onSize?: (s: TerminalSize) => void,
): SerialConnection {
  const term = new Terminal({
    cursorBlink: true,
    fontSize: 14,
    // The DOM renderer clips each row to its cell: at a line height of 1 the bottom pixel row of some
    // monospace fonts (DejaVu Sans Mono at 14px) is cut off, and underscores vanish. A little more shows them.
    lineHeight: 1.1,
    scrollback: 5000,
    // A serial line carries no window size (resizing the host's pty never reaches the guest's ttyS0), so a
    // guest learns the terminal's size only by asking it: CSI 18 t, "report the text area size in
    // characters", answered CSI 8 ; rows ; cols t. No other window report or manipulation is enabled.
    windowOptions: { getWinSizeChars: true },
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  const styles = withAdoptedStyles(() => term.open(host));
  fit.fit();
  onSize?.({ cols: term.cols, rows: term.rows });

  let closed = false;
  let link: SerialLink | null = null;
  let sessionId: string | null = null;

  // The terminal follows its host's size, and the host's pty follows the terminal; the guest's ttyS0 learns
  // it only by asking (CSI 18 t above).
  let pending: ReturnType<typeof setTimeout> | null = null;
  const resizer = new ResizeObserver(() => {
    if (pending !== null) clearTimeout(pending);
    pending = setTimeout(() => fit.fit(), 80);
  });
  resizer.observe(host);
  term.onResize(({ cols, rows }) => {
    if (!closed) onSize?.({ cols, rows });
    if (sessionId === null || !link || link.isEnded) return;
    const size = { sessionId, cols: clamp(cols, 2, 1000), rows: clamp(rows, 2, 500) };
    qhci.call('consoles.resize', size).catch(() => undefined);
  });

  const start = async () => {
    const size = { cols: clamp(term.cols, 2, 1000), rows: clamp(term.rows, 2, 500) };
    const { opened, port } = await openConsole({ vmId, kind: 'serial', ...size });
    if (closed) {
      port.close();
      closeConsole(opened.sessionId);
      return;
    }
    const id = opened.sessionId;
    sessionId = id;
    link = linkSerial(term, port, {
      onEnd: (reason, message) => {
        if (!closed) view({ s: 'ended', reason, message });
      },
      onLeave: () => {
        closeConsole(id);
        if (!closed) view({ s: 'left' });
      },
    });
    view({ s: 'connected' });
    term.focus();
  };
  start().catch((err: unknown) => {
    if (!closed) view({ s: 'failed', message: toAppError(err).message });
  });

  return {
    focus: () => term.focus(),
    close() {
      if (closed) return;
      closed = true;
      if (pending !== null) clearTimeout(pending);
      resizer.disconnect();
      link?.close();
      if (sessionId !== null) closeConsole(sessionId);
      term.dispose();
      styles.dispose();
    },
  };
}
