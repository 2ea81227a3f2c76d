/**
 * How a console's MessagePort reaches the page (DESIGN.md, "Byte streams"): preload (or the e2e bridge)
 * posts `{ [STREAM_PORT_TAG]: sessionId }` to the window with the port transferred. The port may arrive
 * before or after `consoles.open` resolves, so ports wait here, unclaimed, for a short while, and a console
 * claims its own by session id.
 */
import { AppError } from '../../../../shared/domain/errors';
import { STREAM_PORT_TAG } from '../../../../shared/ipc/streams';

/** How long a port nobody claimed is kept before it is closed (main's attach time-out is the same). */
export const UNCLAIMED_PORT_MS = 15_000;
/** How long a console waits for its port after `consoles.open` resolved. */
export const CLAIM_TIMEOUT_MS = 15_000;

/** Session ids are ours (UUIDs); anything long or odd is not a port of ours. */
const SESSION_ID = /^[A-Za-z0-9_-]{1,100}$/;

interface Waiter {
  resolve(port: MessagePort): void;
  reject(err: AppError): void;
  timer: ReturnType<typeof setTimeout>;
}

export class PortRegistry {
  private readonly unclaimed = new Map<string, { port: MessagePort; timer: ReturnType<typeof setTimeout> }>();
  private readonly waiters = new Map<string, Waiter>();

  constructor(
    private readonly keepMs = UNCLAIMED_PORT_MS,
    private readonly claimMs = CLAIM_TIMEOUT_MS,
  ) {}

  /** A port arrived for `sessionId`: to its waiter, or kept until one comes. */
  deliver(sessionId: string, port: MessagePort): void {
    const waiter = this.waiters.get(sessionId);
    if (waiter) {
      this.waiters.delete(sessionId);
      clearTimeout(waiter.timer);
      waiter.resolve(port);
      return;
    }
    // A second port for the same session is not main's doing: keep the first, close the newcomer.
    if (this.unclaimed.has(sessionId)) {
      port.close();
      return;
    }
    const timer = setTimeout(() => {
      this.unclaimed.delete(sessionId);
      port.close();
    }, this.keepMs);
    this.unclaimed.set(sessionId, { port, timer });
  }

  /** The port of `sessionId`, now if it came already, else when it comes (or a time-out error). */
  claim(sessionId: string): Promise<MessagePort> {
    const kept = this.unclaimed.get(sessionId);
    if (kept) {
      this.unclaimed.delete(sessionId);
      clearTimeout(kept.timer);
      return Promise.resolve(kept.port);
    }
    if (this.waiters.has(sessionId)) {
      return Promise.reject(new AppError('CONFLICT', 'This console is being opened already'));
    }
    return new Promise<MessagePort>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(sessionId);
        reject(new AppError('HOST_ERROR', 'The console did not start: its stream never reached the window'));
      }, this.claimMs);
      this.waiters.set(sessionId, { resolve, reject, timer });
    });
  }

  /** Ports waiting to be claimed (for tests). */
  get pending(): number {
    return this.unclaimed.size;
  }
}

/** The app's registry; `installStreamPorts` feeds it. */
export const streamPorts = new PortRegistry();

/**
 * Handles one window `message` event: only from this window itself (preload and the bridge post to their
 * own window), only our tag with a well-formed session id, and exactly one port. Anything else is ignored,
 * and stray ports that came with it are closed so they do not linger.
 */
export function acceptPortMessage(event: MessageEvent, self: unknown, registry: PortRegistry): boolean {
  if (event.source !== self) return false;
  const data: unknown = event.data;
  if (typeof data !== 'object' || data === null || !(STREAM_PORT_TAG in data)) return false;
  const sessionId = (data as Record<string, unknown>)[STREAM_PORT_TAG];
  const ports = event.ports;
  const port = ports[0];
  if (typeof sessionId !== 'string' || !SESSION_ID.test(sessionId) || ports.length !== 1 || !port) {
    for (const p of ports) p.close();
    return false;
  }
  registry.deliver(sessionId, port);
  return true;
}

let installed = false;

/** Listens for console ports on the window; called once at startup (main.tsx). */
export function installStreamPorts(win: Window = window, registry: PortRegistry = streamPorts): void {
  if (installed) return;
  installed = true;
  win.addEventListener('message', (event) => {
    acceptPortMessage(event, win, registry);
  });
}
