import { afterEach, describe, expect, it, vi } from 'vitest';
import { STREAM_PORT_TAG } from '../../../../shared/ipc/streams';
import { acceptPortMessage, PortRegistry } from './stream-port';

const fakePort = () => ({ close: vi.fn() }) as unknown as MessagePort & { close: ReturnType<typeof vi.fn> };
const self = { name: 'the window' };
const event = (data: unknown, ports: MessagePort[], source: unknown = self) =>
  ({ data, ports, source }) as unknown as MessageEvent;

afterEach(() => void vi.useRealTimers());

describe('PortRegistry', () => {
  it('gives a port that came first to the claim that follows', async () => {
    const r = new PortRegistry();
    const port = fakePort();
    r.deliver('s1', port);
    await expect(r.claim('s1')).resolves.toBe(port);
    expect(r.pending).toBe(0);
  });

  it('gives a port that comes later to the claim waiting for it', async () => {
    const r = new PortRegistry();
    const claimed = r.claim('s1');
    const port = fakePort();
    r.deliver('s2', fakePort());
    r.deliver('s1', port);
    await expect(claimed).resolves.toBe(port);
    expect(r.pending).toBe(1); // s2's, still unclaimed
  });

  it('closes a port nobody claims in time', () => {
    vi.useFakeTimers();
    const r = new PortRegistry(1000, 1000);
    const port = fakePort();
    r.deliver('s1', port);
    vi.advanceTimersByTime(999);
    expect(port.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(port.close).toHaveBeenCalled();
    expect(r.pending).toBe(0);
  });

  it('fails a claim whose port never comes', async () => {
    vi.useFakeTimers();
    const r = new PortRegistry(1000, 500);
    const claimed = r.claim('s1');
    vi.advanceTimersByTime(500);
    await expect(claimed).rejects.toMatchObject({ code: 'HOST_ERROR' });
  });

  it('keeps the first port of a session and closes a second one', async () => {
    const r = new PortRegistry();
    const first = fakePort();
    const second = fakePort();
    r.deliver('s1', first);
    r.deliver('s1', second);
    expect(second.close).toHaveBeenCalled();
    await expect(r.claim('s1')).resolves.toBe(first);
  });
});

describe('acceptPortMessage', () => {
  it('takes a tagged port posted by the window itself', async () => {
    const r = new PortRegistry();
    const port = fakePort();
    expect(acceptPortMessage(event({ [STREAM_PORT_TAG]: 'abc-1' }, [port]), self, r)).toBe(true);
    await expect(r.claim('abc-1')).resolves.toBe(port);
  });

  it('ignores messages from other sources, untagged ones and ones without exactly one port', () => {
    const r = new PortRegistry();
    const ports = [fakePort(), fakePort(), fakePort(), fakePort(), fakePort()];
    expect(acceptPortMessage(event({ [STREAM_PORT_TAG]: 'a' }, [ports[0]!], {}), self, r)).toBe(false);
    expect(acceptPortMessage(event({ other: 'a' }, [ports[1]!]), self, r)).toBe(false);
    expect(acceptPortMessage(event('qhciStreamPort', []), self, r)).toBe(false);
    expect(acceptPortMessage(event({ [STREAM_PORT_TAG]: 'a' }, []), self, r)).toBe(false);
    expect(acceptPortMessage(event({ [STREAM_PORT_TAG]: 'a' }, [ports[2]!, ports[3]!]), self, r)).toBe(false);
    expect(ports[2]!.close).toHaveBeenCalled();
    expect(ports[3]!.close).toHaveBeenCalled();
    expect(r.pending).toBe(0);
  });

  it('closes the port of a malformed session id', () => {
    const r = new PortRegistry();
    for (const id of [42, '', 'a'.repeat(101), '../x', { toString: () => 'a' }]) {
      const port = fakePort();
      expect(acceptPortMessage(event({ [STREAM_PORT_TAG]: id }, [port]), self, r)).toBe(false);
      expect(port.close).toHaveBeenCalled();
    }
    expect(r.pending).toBe(0);
  });
});
