/**
 * Test helpers: main's end of a real MessageChannel (Node has the same global as the browser), which
 * records what the page sent and lets a test speak the protocol, or break it.
 */
import { parseStreamUp, type StreamDown, type StreamUp } from '../../../../shared/ipc/streams';

export interface FakeMain {
  /** The page's end, to give to the code under test. */
  readonly pagePort: MessagePort;
  /** Every message the page sent, checked by main's own parser (null for a malformed one). */
  readonly received: (StreamUp | null)[];
  send(msg: StreamDown | unknown): void;
  data(bytes: number[] | Uint8Array): void;
  close(): void;
  /** Resolves once `count` messages have been received (or rejects after a second). */
  waitFor(count: number): Promise<void>;
}

export function fakeMain(): FakeMain {
  const { port1, port2 } = new MessageChannel();
  const received: (StreamUp | null)[] = [];
  const waiters: { count: number; resolve(): void }[] = [];
  port2.onmessage = (e: MessageEvent) => {
    received.push(parseStreamUp(e.data));
    for (const w of waiters.filter((x) => received.length >= x.count)) w.resolve();
  };
  return {
    pagePort: port1,
    received,
    send: (msg) => port2.postMessage(msg),
    data(bytes) {
      const b = Uint8Array.from(bytes).buffer;
      port2.postMessage({ t: 'data', b }, [b]);
    },
    close: () => port2.close(),
    waitFor(count) {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${received.length} of ${count} messages`)),
          1000,
        );
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
}

/** Lets queued port messages and timers of 0 ms run. */
export const settle = (ms = 20): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const bytesOf = (msg: StreamUp | null | undefined): number[] =>
  msg?.t === 'data' ? [...new Uint8Array(msg.b)] : [];
