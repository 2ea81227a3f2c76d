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

export function connectSerial(
  vmId: string,
  host: HTMLElement,
  view: (v: ConsoleView) => void,
): SerialConnection {
  const term = new Terminal({ cursorBlink: true, fontSize: 14, scrollback: 5000 });
  const fit = new FitAddon();
  term.loadAddon(fit);
  const styles = withAdoptedStyles(() => term.open(host));
  fit.fit();

  let closed = false;
  let link: SerialLink | null = null;
  let sessionId: string | null = null;

  // The terminal follows its host's size, and the guest's pty follows the terminal (stty size shows it).
  let pending: ReturnType<typeof setTimeout> | null = null;
  const resizer = new ResizeObserver(() => {
    if (pending !== null) clearTimeout(pending);
    pending = setTimeout(() => fit.fit(), 80);
  });
  resizer.observe(host);
  term.onResize(({ cols, rows }) => {
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
