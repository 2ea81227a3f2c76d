/**
 * The messages on a console's MessagePort (DESIGN.md, "Byte streams"). Main opens the host's stream and
 * hands the page one end of a MessageChannel; bytes travel as transferred ArrayBuffers, never through zod.
 *
 * Flow control is by credit, both ways:
 *   - main sends at most STREAM_WINDOW bytes the page has not acknowledged; the page sends `ack` as it
 *     consumes data, and main stops reading the host while the window is full;
 *   - when the host stream's write() returns false main sends `pause`, and `resume` on its 'drain': the
 *     page holds its input meanwhile.
 */

/** The ipcRenderer channel on which main sends a port (with `{ sessionId }`), and the page-side tag. */
export const STREAM_PORT_CHANNEL = 'qhci:stream-port';
/** window.postMessage data that carries a console's port to the page: `{ [STREAM_PORT_TAG]: sessionId }`. */
export const STREAM_PORT_TAG = 'qhciStreamPort';

/**
 * Bytes main may have in flight to the page before it stops reading the host. Above ssh2's 2 MiB channel
 * window plus a burst: with 1 MiB a 3 MiB VNC update stalled ~20 times on acks (bench/console).
 */
export const STREAM_WINDOW = 4 * 1024 * 1024;
/** The page acknowledges at least this often (in bytes consumed). */
export const STREAM_ACK_EVERY = 64 * 1024;

/** Why a stream ended, for the page to say so. */
export type StreamEndReason =
  | 'closed' // the user (or the page) closed it
  | 'vm-stopped' // the VM is no longer running
  | 'taken-over' // another session took the serial console (virsh console --force)
  | 'host-lost' // the connection to the host dropped
  | 'error';

/** main → page */
export type StreamDown =
  | { readonly t: 'data'; readonly b: ArrayBuffer }
  | { readonly t: 'pause' }
  | { readonly t: 'resume' }
  | { readonly t: 'end'; readonly reason: StreamEndReason; readonly message: string };

/** page → main */
export type StreamUp =
  | { readonly t: 'data'; readonly b: ArrayBuffer }
  | { readonly t: 'ack'; readonly n: number }
  | { readonly t: 'close' };

/**
 * An ArrayBuffer, also one from another realm (a test page, Electron's main deserialising a clone), where
 * `instanceof` would say no.
 */
function isArrayBuffer(v: unknown): v is ArrayBuffer {
  return Object.prototype.toString.call(v) === '[object ArrayBuffer]';
}

/** Checks a message from the page; anything else is dropped (the page is not trusted to be well-formed). */
export function parseStreamUp(msg: unknown): StreamUp | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as Record<string, unknown>;
  if (m.t === 'data' && isArrayBuffer(m.b)) return { t: 'data', b: m.b };
  if (m.t === 'ack' && typeof m.n === 'number' && Number.isSafeInteger(m.n) && m.n > 0)
    return { t: 'ack', n: m.n };
  if (m.t === 'close') return { t: 'close' };
  return null;
}

/** The same check for main's messages, on the page side. */
export function parseStreamDown(msg: unknown): StreamDown | null {
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as Record<string, unknown>;
  if (m.t === 'data' && isArrayBuffer(m.b)) return { t: 'data', b: m.b };
  if (m.t === 'pause' || m.t === 'resume') return { t: m.t };
  if (m.t === 'end' && typeof m.message === 'string' && isEndReason(m.reason))
    return { t: 'end', reason: m.reason, message: m.message };
  return null;
}

function isEndReason(v: unknown): v is StreamEndReason {
  return ['closed', 'vm-stopped', 'taken-over', 'host-lost', 'error'].includes(v as string);
}
