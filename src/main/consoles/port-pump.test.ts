import { createServer, connect, type Server, type Socket } from 'node:net';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { parseStreamDown, type StreamDown } from '../../shared/ipc/streams';
import { nodePortEnd } from './node-port';
import { pump } from './port-pump';
import type { ConsoleStream, StreamEnd } from './types';

/** A real TCP connection on loopback: `host` is the far end (what a VNC server or virsh would be). */
async function socketPair(): Promise<{ host: Socket; local: Socket; server: Server }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const { port } = server.address() as { port: number };
  const local = connect(port, '127.0.0.1');
  await new Promise<void>((r) => local.once('connect', () => r()));
  return { host: await accepted, local, server };
}

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));

async function setup(window: number, why: StreamEnd = { reason: 'vm-stopped', message: 'The VM stopped' }) {
  const { host, local, server } = await socketPair();
  let closedByPump = 0;
  const cs: ConsoleStream = {
    stream: local,
    whyEnded: () => Promise.resolve(why),
    close: () => {
      closedByPump++;
      local.destroy();
    },
  };
  const { port1, port2 } = new MessageChannel();
  const received: StreamDown[] = [];
  const page: MessagePort = port2;
  page.on('message', (m: unknown) => {
    const msg = parseStreamDown(m);
    if (msg) received.push(msg);
  });
  const p = pump(cs, nodePortEnd(port1), window);
  cleanups.push(() => {
    host.destroy();
    local.destroy();
    server.close();
    page.close();
  });
  return { host, local, page, received, p, closes: () => closedByPump };
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};
const dataBytes = (msgs: StreamDown[]) => msgs.reduce((n, m) => n + (m.t === 'data' ? m.b.byteLength : 0), 0);

describe('pump', () => {
  it('carries bytes both ways, in order', async () => {
    const s = await setup(1 << 20);
    s.host.write('RFB 003.008\n');
    await until(() => dataBytes(s.received) === 12);
    const first = s.received[0]!;
    expect(first.t === 'data' && Buffer.from(first.b).toString()).toBe('RFB 003.008\n');
    const got: Buffer[] = [];
    s.host.on('data', (d: Buffer) => got.push(d));
    const up = new TextEncoder().encode('hello').buffer;
    s.page.postMessage({ t: 'data', b: up }, [up]);
    await until(() => Buffer.concat(got).toString() === 'hello');
  });

  it('stops reading the host while the page has a window of bytes unacknowledged', async () => {
    const window = 64 * 1024;
    const s = await setup(window);
    const chunk = Buffer.alloc(16 * 1024, 7);
    // The host writes 4 MiB; without acks the page must not get much more than one window.
    for (let i = 0; i < 256; i++) s.host.write(chunk);
    await until(() => dataBytes(s.received) >= window);
    await new Promise((r) => setTimeout(r, 200));
    const before = dataBytes(s.received);
    expect(before).toBeLessThan(window + 128 * 1024);
    expect(s.p.inFlight).toBe(before);
    // Acknowledging lets more through, up to everything.
    let acked = 0;
    s.page.on('message', () => undefined);
    while (dataBytes(s.received) < 256 * chunk.length) {
      const n = dataBytes(s.received) - acked;
      if (n > 0) {
        s.page.postMessage({ t: 'ack', n });
        acked += n;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(dataBytes(s.received)).toBe(256 * chunk.length);
  });

  it('resumes reading the host only once half the window is acknowledged', async () => {
    const window = 64 * 1024;
    const s = await setup(window);
    const chunk = Buffer.alloc(16 * 1024, 3);
    for (let i = 0; i < 64; i++) s.host.write(chunk);
    await until(() => dataBytes(s.received) >= window);
    await new Promise((r) => setTimeout(r, 100));
    const full = dataBytes(s.received);
    // An ack that leaves just under the window (but over half of it) in flight: still paused.
    const first = full - window + 4096;
    s.page.postMessage({ t: 'ack', n: first });
    await new Promise((r) => setTimeout(r, 150));
    expect(dataBytes(s.received)).toBe(full);
    // Down to half: reading goes on.
    s.page.postMessage({ t: 'ack', n: full - first - window / 2 });
    await until(() => dataBytes(s.received) > full);
  });

  it('tells the page why the host stream ended, and closes the port', async () => {
    const s = await setup(1 << 20);
    let portClosed = false;
    s.page.once('close', () => (portClosed = true));
    s.host.destroy();
    const end = await s.p.done;
    expect(end.reason).toBe('vm-stopped');
    await until(() => portClosed);
    expect(s.received.at(-1)).toEqual({ t: 'end', reason: 'vm-stopped', message: 'The VM stopped' });
  });

  it('closes the host stream when the page closes its port or says close', async () => {
    const a = await setup(1 << 20);
    a.page.postMessage({ t: 'close' });
    expect((await a.p.done).reason).toBe('closed');
    expect(a.closes()).toBe(1);
    const b = await setup(1 << 20);
    b.page.close();
    expect((await b.p.done).reason).toBe('closed');
    expect(b.closes()).toBe(1);
  });

  it('ignores malformed messages from the page', async () => {
    const s = await setup(1 << 20);
    const got: Buffer[] = [];
    s.host.on('data', (d: Buffer) => got.push(d));
    for (const m of [
      null,
      'x',
      { t: 'data', b: 'text' },
      { t: 'ack', n: -5 },
      { t: 'ack', n: 1.5 },
      { t: 'evil' },
    ])
      s.page.postMessage(m);
    const ok = new TextEncoder().encode('ok').buffer;
    s.page.postMessage({ t: 'data', b: ok }, [ok]);
    await until(() => Buffer.concat(got).toString() === 'ok');
    expect(s.p.inFlight).toBe(0);
  });

  it('holds the page back while the host stream is full, and lets it go on drain', async () => {
    const s = await setup(1 << 20);
    s.host.pause(); // the host reads nothing: our writes back up
    const big = new ArrayBuffer(4 * 1024 * 1024);
    s.page.postMessage({ t: 'data', b: big }, [big]);
    await until(() => s.received.some((m) => m.t === 'pause'));
    s.host.resume();
    await until(() => s.received.some((m) => m.t === 'resume'));
  });
});
