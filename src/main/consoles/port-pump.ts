/**
 * Moves a console's bytes between the host's stream and the page's MessagePort, honouring back-pressure
 * both ways (the protocol is in src/shared/ipc/streams.ts): main stops reading the host while the page has
 * STREAM_WINDOW bytes unacknowledged, and tells the page to hold its input while the host's stream is full.
 */
import { parseStreamUp, STREAM_WINDOW, type StreamDown } from '../../shared/ipc/streams';
import type { ConsoleStream, StreamEnd } from './types';

/** One end of a message channel, whatever implements it (Electron's MessagePortMain, Node's MessagePort). */
export interface PortEnd {
  post(msg: StreamDown): void;
  onMessage(listener: (data: unknown) => void): void;
  /** The other end went away (the page closed, its window was destroyed). */
  onClose(listener: () => void): void;
  close(): void;
}

export interface Pump {
  /** Ends the stream from main's side (the user closed it, the app quits): the page is told why. */
  stop(end: StreamEnd): void;
  /** Bytes sent to the page and not yet acknowledged. */
  readonly inFlight: number;
  readonly done: Promise<StreamEnd>;
}

/** A copy of the chunk's bytes in an ArrayBuffer of its own (a Buffer may be a view into a shared pool). */
export function ownBytes(chunk: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(chunk.length);
  new Uint8Array(copy).set(chunk);
  return copy;
}

export function pump(cs: ConsoleStream, port: PortEnd, window = STREAM_WINDOW): Pump {
  const { stream } = cs;
  let inFlight = 0;
  let inputHeld = false;
  let finished = false;
  let resolveDone!: (end: StreamEnd) => void;
  const done = new Promise<StreamEnd>((r) => (resolveDone = r));

  const finish = (end: StreamEnd, tellPage: boolean) => {
    if (finished) return;
    finished = true;
    stream.off('data', onData);
    if (tellPage) {
      try {
        port.post({ t: 'end', reason: end.reason, message: end.message });
      } catch {
        // the page is gone already
      }
    }
    port.close();
    cs.close();
    resolveDone(end);
  };

  const onData = (chunk: Buffer) => {
    inFlight += chunk.length;
    port.post({ t: 'data', b: ownBytes(chunk) });
    if (inFlight >= window) stream.pause();
  };
  stream.on('data', onData);
  stream.on('error', () => undefined); // the end is explained by whyEnded()
  stream.once('close', () => {
    if (finished) return;
    cs.whyEnded().then(
      (end) => finish(end, true),
      (err: unknown) => finish({ reason: 'error', message: String(err) }, true),
    );
  });

  port.onMessage((data) => {
    const msg = parseStreamUp(data);
    if (!msg || finished) return;
    if (msg.t === 'close') return finish({ reason: 'closed', message: 'Closed' }, false);
    if (msg.t === 'ack') {
      inFlight = Math.max(0, inFlight - msg.n);
      // Resume at half the window, not at the first ack below it: fewer stop-and-go rounds per burst.
      if (inFlight <= window / 2 && stream.isPaused()) stream.resume();
      return;
    }
    if (stream.write(Buffer.from(msg.b)) || inputHeld) return;
    inputHeld = true;
    port.post({ t: 'pause' });
    stream.once('drain', () => {
      inputHeld = false;
      if (!finished) port.post({ t: 'resume' });
    });
  });
  port.onClose(() => finish({ reason: 'closed', message: 'The page closed the console' }, false));

  return {
    stop: (end) => finish(end, true),
    get inFlight() {
      return inFlight;
    },
    done,
  };
}
