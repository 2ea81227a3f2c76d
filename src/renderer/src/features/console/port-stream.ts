/**
 * The page's side of a console's MessagePort (the protocol and its flow control are described in
 * src/shared/ipc/streams.ts). It checks every message, acknowledges data as the consumer says it has used
 * it, holds outgoing bytes while main says the host is full, and reports the end exactly once.
 */
import {
  parseStreamDown,
  STREAM_ACK_EVERY,
  type StreamEndReason,
  type StreamUp,
} from '../../../../shared/ipc/streams';

export interface StreamSink {
  /** Bytes from the host. The consumer calls `consumed(b.byteLength)` once it has used them. */
  data(b: ArrayBuffer): void;
  /** The stream is over; called once, also after the page's own close() (reason 'closed'). */
  end(reason: StreamEndReason, message: string): void;
}

/** Bytes the page may hold while main says "pause" before it gives up on the stream. */
export const MAX_HELD_BYTES = 8 * 1024 * 1024;

/** How long a 'close' of the port waits for an 'end' message still on its way. */
const CLOSE_GRACE_MS = 200;

export class PortStream {
  private ended = false;
  /** Outgoing bytes held while paused; null when main accepts input. */
  private held: ArrayBuffer[] | null = null;
  private heldBytes = 0;
  private unacked = 0;

  constructor(
    private readonly port: MessagePort,
    private readonly sink: StreamSink,
    private readonly ackEvery = STREAM_ACK_EVERY,
  ) {
    // Setting onmessage starts the port, and with it the messages queued since it arrived.
    port.onmessage = (event: MessageEvent) => this.receive(event.data);
    // Some engines tell the page when the other end went away (main crashed, or closed after its 'end').
    // Later than the messages queued before it, so that an 'end' main sent first gives the reason.
    port.addEventListener('close', () => {
      setTimeout(
        () => this.finish('error', 'The connection to the console closed unexpectedly'),
        CLOSE_GRACE_MS,
      );
    });
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** True while main has asked the page to hold its input. */
  get isPaused(): boolean {
    return this.held !== null;
  }

  /** Sends bytes to the host (a copy: callers often reuse their buffer), or holds them while paused. */
  send(bytes: Uint8Array): void {
    if (this.ended || bytes.byteLength === 0) return;
    const copy = bytes.slice().buffer;
    if (this.held) {
      this.heldBytes += copy.byteLength;
      if (this.heldBytes > MAX_HELD_BYTES) {
        this.close();
        return;
      }
      this.held.push(copy);
      return;
    }
    this.post({ t: 'data', b: copy }, [copy]);
  }

  /** The consumer used `n` bytes of what it was given: acknowledged in batches of `ackEvery`. */
  consumed(n: number): void {
    if (this.ended || n <= 0) return;
    this.unacked += n;
    if (this.unacked >= this.ackEvery) {
      const n2 = this.unacked;
      this.unacked = 0;
      this.post({ t: 'ack', n: n2 });
    }
  }

  /** The page ends the stream: main is told, the port closed, and the sink hears 'closed'. */
  close(): void {
    if (this.ended) return;
    this.post({ t: 'close' });
    this.finish('closed', 'Closed');
  }

  private receive(raw: unknown): void {
    if (this.ended) return;
    const msg = parseStreamDown(raw);
    // Anything malformed is dropped: the port is ours, but the page does not trust shapes it did not check.
    if (!msg) return;
    switch (msg.t) {
      case 'data':
        this.sink.data(msg.b);
        return;
      case 'pause':
        this.held ??= [];
        return;
      case 'resume':
        this.release();
        return;
      case 'end':
        this.finish(msg.reason, msg.message);
        return;
    }
  }

  private release(): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (const b of held) this.post({ t: 'data', b }, [b]);
  }

  private post(msg: StreamUp, transfer: Transferable[] = []): void {
    try {
      this.port.postMessage(msg, transfer);
    } catch {
      this.finish('error', 'The connection to the console failed');
    }
  }

  private finish(reason: StreamEndReason, message: string): void {
    if (this.ended) return;
    this.ended = true;
    this.held = null;
    this.port.onmessage = null;
    this.port.close();
    this.sink.end(reason, message);
  }
}
