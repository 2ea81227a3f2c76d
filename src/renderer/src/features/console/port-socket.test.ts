import { describe, expect, it, vi } from 'vitest';
import { PortSocket } from './port-socket';
import { bytesOf, fakeMain, settle } from './testing';

/** The properties noVNC's Websock.attach() looks for, the way it looks. */
const NOVNC_RAW_CHANNEL_PROPS = [
  'send',
  'close',
  'binaryType',
  'onerror',
  'onmessage',
  'onopen',
  'protocol',
  'readyState',
];

describe('PortSocket', () => {
  it('has what noVNC checks for on a raw channel, and is open at once', () => {
    const main = fakeMain();
    const socket = new PortSocket(main.pagePort);
    const props = [...Object.keys(socket), ...Object.getOwnPropertyNames(Object.getPrototypeOf(socket))];
    for (const p of NOVNC_RAW_CHANNEL_PROPS) expect(props).toContain(p);
    expect(socket.readyState).toBe('open');
    expect(socket.protocol).toBe('');
    socket.close();
  });

  it('keeps chunks that came before onmessage was set, and delivers them in order after', async () => {
    const main = fakeMain();
    const socket = new PortSocket(main.pagePort);
    main.data([1]);
    main.data([2, 3]);
    await settle();
    const seen: number[][] = [];
    socket.onmessage = (e) => seen.push([...new Uint8Array(e.data)]);
    expect(seen).toEqual([]); // not from inside the setter
    await settle();
    main.data([4]);
    await settle();
    expect(seen).toEqual([[1], [2, 3], [4]]);
    socket.close();
  });

  it('acknowledges what noVNC was handed, and taps the bytes first', async () => {
    const main = fakeMain();
    const tapped: number[] = [];
    const socket = new PortSocket(main.pagePort, { ackEvery: 3, tap: (b) => tapped.push(...b) });
    socket.onmessage = () => undefined;
    main.data([1, 2]);
    main.data([3, 4]);
    await main.waitFor(1);
    expect(main.received).toEqual([{ t: 'ack', n: 4 }]);
    expect(tapped).toEqual([1, 2, 3, 4]);
    socket.close();
  });

  it('sends exactly the bytes of the view noVNC passes, copied', async () => {
    const main = fakeMain();
    const socket = new PortSocket(main.pagePort);
    const queue = new Uint8Array(16);
    queue.set([82, 70, 66], 0);
    socket.send(new Uint8Array(queue.buffer, 0, 3));
    queue.fill(0);
    socket.send(Uint8Array.of(5).buffer);
    await main.waitFor(2);
    expect(main.received.map(bytesOf)).toEqual([[82, 70, 66], [5]]);
    socket.close();
  });

  it('on the stream’s end says why, then closes as a WebSocket does', async () => {
    const main = fakeMain();
    const onEnd = vi.fn();
    const socket = new PortSocket(main.pagePort, { onEnd });
    const onclose = vi.fn();
    socket.onclose = onclose;
    main.send({ t: 'end', reason: 'host-lost', message: 'The host connection dropped' });
    await settle();
    expect(onEnd).toHaveBeenCalledWith('host-lost', 'The host connection dropped');
    expect(socket.readyState).toBe('closed');
    expect(onclose).toHaveBeenCalledWith({
      code: 1000,
      reason: 'The host connection dropped',
      wasClean: false,
    });
    socket.send(Uint8Array.of(1)); // ignored once closed
  });

  it('close() tells main and fires onclose later, never from inside close()', async () => {
    const main = fakeMain();
    const socket = new PortSocket(main.pagePort);
    const onclose = vi.fn();
    socket.onclose = onclose;
    socket.close();
    expect(onclose).not.toHaveBeenCalled();
    await main.waitFor(1);
    await settle();
    expect(main.received).toEqual([{ t: 'close' }]);
    expect(onclose).toHaveBeenCalledTimes(1);
    expect(socket.readyState).toBe('closed');
  });
});
