/**
 * One graphical console connection: open the session, claim its port, and run noVNC's RFB over it on a
 * screen element. Kept out of React so that the component only renders what `view` says.
 */
import type RFB from '@novnc/novnc';
import type { DisplayInfo } from '../../../../shared/domain/console';
import type { StreamEndReason } from '../../../../shared/ipc/streams';
import { toAppError } from '../../components/errors';
import { strokesOf, typeStroke } from './keys';
import { PortSocket } from './port-socket';
import { handshakeFailure, SecuritySniffer, type SecurityVerdict } from './rfb-security';
import { closeConsole, openConsole, type ConsoleView } from './session';

export interface VncHandlers {
  view(view: ConsoleView): void;
  display(display: DisplayInfo | null): void;
  /** Whether the screen scales to the window, as the toolbar says now. */
  scale(): boolean;
}

export interface VncConnection {
  /** noVNC's client, once connected to the stream (null before and after). */
  readonly rfb: RFB | null;
  close(): void;
}

export function connectVnc(vmId: string, screen: HTMLElement, h: VncHandlers): VncConnection {
  let closed = false;
  let rfb: RFB | null = null;
  let sessionId: string | null = null;

  const start = async () => {
    // Loaded on first use: noVNC probes the browser at import (top-level await), which nobody else needs.
    const { default: Rfb } = await import('@novnc/novnc');
    if (closed) return;
    const { opened, port } = await openConsole({ vmId, kind: 'vnc' });
    if (closed) {
      port.close();
      closeConsole(opened.sessionId);
      return;
    }
    sessionId = opened.sessionId;
    h.display(opened.display);
    rfb = attachRfb(Rfb, screen, port, h, () => closed);
  };
  start().catch((err: unknown) => {
    if (!closed) h.view({ s: 'failed', message: toAppError(err).message });
  });

  return {
    get rfb() {
      return rfb;
    },
    close() {
      if (closed) return;
      closed = true;
      // disconnect() closes the socket, which tells main; consoles.close ends the session in any case.
      // noVNC logs an error when a disconnected client is disconnected again.
      if (rfb && !disconnected.has(rfb)) rfb.disconnect();
      rfb = null;
      if (sessionId !== null) closeConsole(sessionId);
    },
  };
}

/** Clients noVNC has disconnected (their state is final). */
const disconnected = new WeakSet<RFB>();

interface EndSeen {
  reason: StreamEndReason;
  message: string;
}

function attachRfb(
  Rfb: typeof RFB,
  screen: HTMLElement,
  port: MessagePort,
  h: VncHandlers,
  isClosed: () => boolean,
): RFB {
  const sniffer = new SecuritySniffer();
  let end: EndSeen | null = null;
  let refused: string | null = null;
  const socket = new PortSocket(port, {
    tap: (b) => sniffer.feed(b),
    // The page's own close is not news; main's end (VM stopped, host lost) is.
    onEnd: (reason, message) => {
      if (reason !== 'closed') end = { reason, message };
    },
  });
  const rfb = new Rfb(screen, socket, { shared: true });
  rfb.scaleViewport = h.scale();
  rfb.focusOnClick = true;
  const view = (v: ConsoleView) => {
    if (!isClosed()) h.view(v);
  };
  rfb.addEventListener('connect', () => {
    view({ s: 'connected' });
    rfb.focus({ preventScroll: true });
  });
  rfb.addEventListener('credentialsrequired', (e) => {
    view({ s: 'password', username: e.detail.types.includes('username') });
  });
  rfb.addEventListener('securityfailure', (e) => {
    refused = e.detail.reason || 'authentication failed';
  });
  rfb.addEventListener('disconnect', (e) => {
    disconnected.add(rfb);
    view(disconnectView(e.detail.clean, end, refused, sniffer.verdict));
  });
  return rfb;
}

/** What noVNC's disconnect means for the user, from what the stream and the handshake said before it. */
export function disconnectView(
  clean: boolean,
  end: EndSeen | null,
  refused: string | null,
  verdict: SecurityVerdict,
): ConsoleView {
  if (end) return { s: 'ended', ...end };
  const handshake = handshakeFailure(verdict);
  if (handshake !== null) return { s: 'failed', message: handshake };
  if (refused !== null) return { s: 'failed', message: `The display refused the connection: ${refused}.` };
  if (!clean) {
    return { s: 'failed', message: 'The display ended the connection before its screen could be shown.' };
  }
  return { s: 'ended', reason: 'closed', message: 'The display closed the connection.' };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Types a text stroke by stroke, a little apart: guests (a BIOS, an installer) drop keys sent in a burst. */
export async function typeText(rfb: () => RFB | null, text: string, gapMs = 12): Promise<void> {
  for (const stroke of strokesOf(text)) {
    const r = rfb();
    if (!r) return;
    typeStroke((keysym, code, down) => r.sendKey(keysym, code, down), stroke);
    await sleep(gapMs);
  }
}
