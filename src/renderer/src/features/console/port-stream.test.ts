import { describe, expect, it, vi } from 'vitest';
import { MAX_HELD_BYTES, PortStream, type StreamSink } from './port-stream';
import { bytesOf, fakeMain, settle } from './testing';

function sink(consume: (stream: () => PortStream, b: ArrayBuffer) => void = () => undefined) {
  const chunks: number[][] = [];
  const ends: [string, string][] = [];
  let stream: PortStream | null = null;
  const s: StreamSink = {
    data: (b) => {
      chunks.push([...new Uint8Array(b)]);
      consume(() => stream!, b);
    },
    end: (reason, message) => ends.push([reason, message]),
  };
  return { s, chunks, ends, bind: (p: PortStream) => (stream = p) };
}

describe('PortStream', () => {
  it('hands the host bytes to the sink and acknowledges them in batches as they are consumed', async () => {
    const main = fakeMain();
    const k = sink((stream, b) => stream().consumed(b.byteLength));
    k.bind(new PortStream(main.pagePort, k.s, 10));
    main.data([1, 2, 3, 4]);
    main.data([5, 6, 7, 8]);
    await settle();
    expect(k.chunks).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    expect(main.received).toEqual([]); // 8 bytes: below the batch
    main.data([9, 10, 11]);
    await main.waitFor(1);
    expect(main.received).toEqual([{ t: 'ack', n: 11 }]);
    main.close();
  });

  it('acknowledges nothing the consumer has not used yet', async () => {
    const main = fakeMain();
    const k = sink();
    k.bind(new PortStream(main.pagePort, k.s, 4));
    main.data([1, 2, 3, 4, 5, 6]);
    await settle();
    expect(k.chunks).toHaveLength(1);
    expect(main.received).toEqual([]);
    main.close();
  });

  it('holds input while main says pause and sends it, in order, on resume', async () => {
    const main = fakeMain();
    const k = sink();
    const stream = new PortStream(main.pagePort, k.s);
    stream.send(Uint8Array.of(1));
    await main.waitFor(1);
    main.send({ t: 'pause' });
    await settle();
    expect(stream.isPaused).toBe(true);
    stream.send(Uint8Array.of(2));
    stream.send(Uint8Array.of(3, 4));
    await settle();
    expect(main.received).toHaveLength(1);
    main.send({ t: 'resume' });
    await main.waitFor(3);
    expect(main.received.map(bytesOf)).toEqual([[1], [2], [3, 4]]);
    expect(stream.isPaused).toBe(false);
    main.close();
  });

  it('gives up a stream whose held input grows past the limit, rather than the page’s memory', async () => {
    const main = fakeMain();
    const k = sink();
    const stream = new PortStream(main.pagePort, k.s);
    main.send({ t: 'pause' });
    await settle();
    stream.send(new Uint8Array(MAX_HELD_BYTES));
    expect(stream.isEnded).toBe(false);
    stream.send(Uint8Array.of(1));
    expect(stream.isEnded).toBe(true);
    await main.waitFor(1);
    expect(main.received).toEqual([{ t: 'close' }]);
  });

  it('sends a copy: the caller may reuse its buffer at once', async () => {
    const main = fakeMain();
    const stream = new PortStream(main.pagePort, sink().s);
    const big = Uint8Array.of(9, 1, 2, 3, 9);
    const view = big.subarray(1, 4);
    stream.send(view);
    view.fill(0);
    await main.waitFor(1);
    expect(bytesOf(main.received[0])).toEqual([1, 2, 3]);
    expect(big.byteLength).toBe(5); // not detached by the transfer
    main.close();
  });

  it('reports the end once, with main’s reason, closes the port and ignores what follows', async () => {
    const main = fakeMain();
    const k = sink();
    const stream = new PortStream(main.pagePort, k.s);
    main.send({ t: 'end', reason: 'vm-stopped', message: 'The VM stopped' });
    main.data([1]);
    main.close();
    await settle(300);
    expect(k.ends).toEqual([['vm-stopped', 'The VM stopped']]);
    expect(k.chunks).toEqual([]);
    expect(stream.isEnded).toBe(true);
    stream.send(Uint8Array.of(1)); // no throw, nothing sent
  });

  it('reports an error when the port closes without an end', async () => {
    const main = fakeMain();
    const k = sink();
    new PortStream(main.pagePort, k.s);
    main.close();
    await settle(300);
    expect(k.ends).toEqual([['error', 'The connection to the console closed unexpectedly']]);
  });

  it('on close() tells main, closes the port and reports "closed" to the sink', async () => {
    const main = fakeMain();
    const k = sink();
    const stream = new PortStream(main.pagePort, k.s);
    stream.close();
    stream.close();
    await main.waitFor(1);
    await settle();
    expect(main.received).toEqual([{ t: 'close' }]);
    expect(k.ends).toEqual([['closed', 'Closed']]);
  });

  it('drops hostile or malformed messages and keeps working', async () => {
    const main = fakeMain();
    const data = vi.fn();
    const end = vi.fn();
    new PortStream(main.pagePort, { data, end });
    for (const bad of [
      null,
      42,
      'data',
      { t: 'data', b: 'not bytes' },
      { t: 'data', b: [1, 2, 3] },
      { t: 'data', b: new Uint8Array(3) }, // a view, not an ArrayBuffer
      { t: 'end', reason: 'because', message: 'x' },
      { t: 'end', reason: 'closed' },
      { t: 'ack', n: 5 }, // page-bound streams carry no acks
      { t: 'close' },
      { t: '__proto__' },
    ]) {
      main.send(bad);
    }
    main.data([7]);
    await settle();
    expect(end).not.toHaveBeenCalled();
    expect(data).toHaveBeenCalledTimes(1);
    main.close();
  });
});
