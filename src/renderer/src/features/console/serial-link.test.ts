import { describe, expect, it, vi } from 'vitest';
import { LEAVE_KEY, linkSerial, type TerminalLike } from './serial-link';
import { bytesOf, fakeMain, settle } from './testing';

function fakeTerminal() {
  const writes: { bytes: number[]; done?: () => void }[] = [];
  const dataListeners = new Set<(s: string) => void>();
  const binaryListeners = new Set<(s: string) => void>();
  const term: TerminalLike = {
    write: (data, done) => void writes.push({ bytes: [...data], ...(done ? { done } : {}) }),
    onData: (l) => (dataListeners.add(l), { dispose: () => void dataListeners.delete(l) }),
    onBinary: (l) => (binaryListeners.add(l), { dispose: () => void binaryListeners.delete(l) }),
  };
  return {
    term,
    writes,
    type: (s: string) => dataListeners.forEach((l) => l(s)),
    binary: (s: string) => binaryListeners.forEach((l) => l(s)),
    listeners: () => dataListeners.size + binaryListeners.size,
  };
}

const handlers = () => ({ onEnd: vi.fn(), onLeave: vi.fn() });

describe('linkSerial', () => {
  it('acknowledges host bytes only once xterm has parsed them (its write callback)', async () => {
    const main = fakeMain();
    const t = fakeTerminal();
    linkSerial(t.term, main.pagePort, handlers(), 4);
    main.data([104, 105]);
    main.data([33, 10, 13]);
    await settle();
    expect(t.writes.map((w) => w.bytes)).toEqual([
      [104, 105],
      [33, 10, 13],
    ]);
    expect(main.received).toEqual([]);
    t.writes.forEach((w) => w.done?.());
    await main.waitFor(1);
    expect(main.received).toEqual([{ t: 'ack', n: 5 }]);
    main.close();
  });

  it('sends keystrokes as UTF-8', async () => {
    const main = fakeMain();
    const t = fakeTerminal();
    linkSerial(t.term, main.pagePort, handlers());
    t.type('ls é\r');
    t.binary('\x1b[M\xff');
    await main.waitFor(2);
    expect(main.received.map(bytesOf)).toEqual([
      [108, 115, 32, 0xc3, 0xa9, 13],
      [0x1b, 0x5b, 0x4d, 0xff],
    ]);
    main.close();
  });

  it('leaves on Ctrl+]: sends what came before it, closes, and says it left (not ended)', async () => {
    const main = fakeMain();
    const t = fakeTerminal();
    const h = handlers();
    const link = linkSerial(t.term, main.pagePort, h);
    t.type(`ab${LEAVE_KEY}cd`);
    await main.waitFor(2);
    expect(main.received.map((m) => m?.t)).toEqual(['data', 'close']);
    expect(bytesOf(main.received[0])).toEqual([97, 98]);
    expect(h.onLeave).toHaveBeenCalledTimes(1);
    expect(h.onEnd).not.toHaveBeenCalled();
    expect(link.isEnded).toBe(true);
    expect(t.listeners()).toBe(0);
  });

  it('reports a take-over by another session with main’s message', async () => {
    const main = fakeMain();
    const t = fakeTerminal();
    const h = handlers();
    linkSerial(t.term, main.pagePort, h);
    main.send({ t: 'end', reason: 'taken-over', message: 'Another session took the console' });
    await settle();
    expect(h.onEnd).toHaveBeenCalledWith('taken-over', 'Another session took the console');
    expect(h.onLeave).not.toHaveBeenCalled();
    expect(t.listeners()).toBe(0);
  });
});
