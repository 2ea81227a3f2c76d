/**
 * A WebSocket-like object over a console's MessagePort, for noVNC's RFB constructor. noVNC's Websock
 * (core/websock.js) checks that the object has send, close, binaryType, onerror, onmessage, onopen,
 * protocol and readyState (own keys or its prototype's), accepts RTCDataChannel's string ready states, sets
 * the handlers itself, and reads `event.data` as an ArrayBuffer. It starts the handshake at once when
 * readyState is already 'open', which ours is: main connected to the display before the port came.
 */
import type { StreamEndReason } from '../../../../shared/ipc/streams';
import { PortStream } from './port-stream';

export type PortSocketState = 'connecting' | 'open' | 'closing' | 'closed';

export interface CloseEventLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}

export interface PortSocketOptions {
  /** The stream ended (before noVNC hears onclose): why, for the page to say. */
  onEnd?(reason: StreamEndReason, message: string): void;
  /** Sees every chunk from the host first (the RFB handshake sniffer). */
  tap?(bytes: Uint8Array): void;
  ackEvery?: number;
}

type Handler<E> = ((event: E) => void) | null;

export class PortSocket {
  // Own fields, so that noVNC's property check finds them.
  binaryType: BinaryType = 'arraybuffer';
  readonly protocol: string = '';
  onopen: Handler<Event> = null;
  onclose: Handler<CloseEventLike> = null;
  onerror: Handler<Event> = null;

  private messageHandler: Handler<{ data: ArrayBuffer }> = null;
  /** Chunks that came before anyone listened (noVNC sets onmessage right after construction). */
  private early: ArrayBuffer[] = [];
  private state: PortSocketState = 'open';
  private readonly stream: PortStream;

  constructor(
    port: MessagePort,
    private readonly options: PortSocketOptions = {},
  ) {
    this.stream = new PortStream(
      port,
      {
        data: (b) => this.deliver(b),
        end: (reason, message) => this.ended(reason, message),
      },
      options.ackEvery,
    );
  }

  get readyState(): PortSocketState {
    return this.state;
  }

  get onmessage(): Handler<{ data: ArrayBuffer }> {
    return this.messageHandler;
  }

  set onmessage(handler: Handler<{ data: ArrayBuffer }>) {
    this.messageHandler = handler;
    // After the current task: noVNC attaches the socket before its own state is ready for data.
    if (handler && this.early.length > 0) queueMicrotask(() => this.flushEarly());
  }

  /** noVNC passes a view of its own send queue, reused at once: PortStream copies it. */
  send(data: ArrayBuffer | ArrayBufferView): void {
    if (this.state !== 'open') return;
    const bytes =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.stream.send(bytes);
  }

  close(): void {
    if (this.state === 'closing' || this.state === 'closed') return;
    this.state = 'closing';
    this.stream.close();
  }

  private deliver(b: ArrayBuffer): void {
    this.options.tap?.(new Uint8Array(b));
    if (!this.messageHandler || this.early.length > 0) {
      this.early.push(b);
      return;
    }
    this.dispatch(b);
  }

  private flushEarly(): void {
    const early = this.early;
    this.early = [];
    for (const b of early) this.dispatch(b);
  }

  private dispatch(b: ArrayBuffer): void {
    const handler = this.messageHandler;
    if (!handler || this.state === 'closed') return;
    // noVNC copies the chunk into its receive queue synchronously: used as soon as the handler returns.
    try {
      handler({ data: b });
    } finally {
      this.stream.consumed(b.byteLength);
    }
  }

  private ended(reason: StreamEndReason, message: string): void {
    this.options.onEnd?.(reason, message);
    this.state = 'closed';
    const event: CloseEventLike = { code: 1000, reason: message, wasClean: reason === 'closed' };
    // As a WebSocket does: onclose comes later, never from inside close() itself.
    setTimeout(() => this.onclose?.(event), 0);
  }
}
