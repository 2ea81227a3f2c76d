/**
 * The graphical console of the real Debian guest (a 1024×768 framebuffer) on the SSH host kvm-a, through
 * the same SSH connection two ways, in one run:
 *   baseline: a plain RFB client in Node (rfb-client.ts: security None, 32-bit pixels, raw only) on a
 *             forwarded channel: the app's driver.openSocket to the port `virsh domdisplay` names;
 *   ours:     the same client reading a console session: consoles.open vnc through the app's dispatch,
 *             attached to a Node MessagePort, the client acknowledging as the page does.
 * Both clients stay connected (QEMU's display is shared) and their full-screen updates alternate, so that
 * noise hits both alike. Measured:
 *   (a) time for a full framebuffer update: request (non-incremental, whole screen) to its last byte;
 *   (b) bytes per second over the repeated updates;
 *   (c) the page: noVNC (the product's PortSocket adapter, from a MessageChannel inside Chromium) decoding
 *       the same update, recorded from our path, into its canvas; added to ours for "request to pixels".
 * BENCH_UPDATES (default 100) per way; BENCH_PAGE_RUNS (default 30); BENCH_NO_PAGE=1 skips (c).
 *
 *   QHCI_CLOUD_IMAGE=… npm run bench:console
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import type { HostDriver } from '../../src/main/hosts/driver';
import {
  benchApp,
  bootGuest,
  conditions,
  percentile,
  printTable,
  requireGuestImage,
  sleep,
  type BenchApp,
  type PageEnd,
  type Row,
} from './common';
import { RfbClient, type UpdateTiming } from './rfb-client';

requireGuestImage('display bench');

const UPDATES = Number(process.env.BENCH_UPDATES ?? 100);
const PAGE_RUNS = Number(process.env.BENCH_PAGE_RUNS ?? 30);
const WARMUP = 3;
/** Longest random pause before a request (ms): about QEMU's refresh interval on an idle screen. */
const PHASE_MS = 150;
const WIDTH = 1024;
const HEIGHT = 768;
const ROOT = resolve(__dirname, '../..');
const MiB = 1024 * 1024;
/** Debian's Chromium, as playwright.config.ts uses it. */
const CHROMIUM = process.env.QHCI_CHROMIUM ?? '/usr/bin/chromium';

/** The display's TCP port from `virsh domdisplay` (vnc://127.0.0.1:3 → 5903), asked over the connection. */
async function displayPort(driver: HostDriver, uuid: string): Promise<number> {
  const uri = (await driver.virsh(['domdisplay', '--domain', uuid])).trim();
  const m = /^vnc:\/\/[^/]*:(\d+)$/.exec(uri);
  if (!m) throw new Error(`unexpected domdisplay answer: ${uri}`);
  return 5900 + Number(m[1]);
}

function socketClient(socket: Duplex): RfbClient {
  return new RfbClient({
    write: (b) => socket.write(b),
    onData: (l) => socket.on('data', (d: Buffer) => l(d)),
  });
}

function portClient(page: PageEnd): RfbClient {
  return new RfbClient({ write: (b) => page.write(b), onData: (l) => page.onData(l) });
}

/** Waits until the guest's screen is the 1024×768 framebuffer (not the VGA text mode of early boot). */
async function framebufferReady(driver: HostDriver, port: number): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const socket = await driver.openSocket({ host: '127.0.0.1', port });
    const c = socketClient(socket);
    try {
      await c.handshake();
      if (c.width === WIDTH && c.height === HEIGHT) return;
    } finally {
      socket.destroy();
      socket.resume();
    }
    await sleep(2000);
  }
  throw new Error(`the guest's screen never became ${WIDTH}×${HEIGHT}`);
}

/** An update, with when its bytes passed the SSH channel (for ours, before the pump; else the client's). */
type Sample = UpdateTiming & { readonly channelFirstAt: number; readonly channelLastAt: number };

const stat = (xs: readonly Sample[], f: (t: Sample) => number, p: number) => percentile(xs.map(f), p);
/** From the update's first byte out of SSH to its last byte at the client. */
const flowing = (t: Sample) => t.startedAt + t.totalMs - t.channelFirstAt;
/** From the update's last byte out of SSH to the same byte at the client: what the pump and port add. */
const tail = (t: Sample) => t.startedAt + t.totalMs - t.channelLastAt;

/** When an update's bytes come out of a channel, and how often and how long the pump held it paused. */
class ChannelTap {
  firstAt = 0;
  lastAt = 0;
  pauses = 0;
  pausedMs = 0;
  private pausedAt = 0;
  constructor(channel: Duplex) {
    channel.on('data', () => {
      const now = performance.now();
      if (this.firstAt === 0) this.firstAt = now;
      this.lastAt = now;
    });
    channel.on('pause', () => {
      this.pauses++;
      this.pausedAt = performance.now();
    });
    channel.on('resume', () => {
      if (this.pausedAt) this.pausedMs += performance.now() - this.pausedAt;
      this.pausedAt = 0;
    });
  }
  arm(): void {
    this.firstAt = 0;
    this.lastAt = 0;
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** The page half: noVNC in Chromium, fed the recorded bytes through PortSocket. */
async function pageDecode(handshake: Uint8Array[], update: Uint8Array[]): Promise<number[] | string> {
  if (process.env.BENCH_NO_PAGE) return 'skipped (BENCH_NO_PAGE)';
  if (!existsSync(CHROMIUM)) return `skipped: no Chromium at ${CHROMIUM}`;
  // The page's script: the product's adapter and noVNC, bundled as the renderer build would (ESM with
  // top-level await). Written here as the bundle's entry: bench code may not import the renderer.
  const bundle = await build({
    stdin: {
      contents: PAGE_SCRIPT,
      resolveDir: ROOT,
      sourcefile: 'display-bench-page.ts',
      loader: 'ts',
    },
    bundle: true,
    write: false,
    format: 'esm',
    target: 'chrome120',
    logLevel: 'silent',
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.setContent('<!doctype html><html><body style="margin:0"></body></html>');
    await page.addScriptTag({ type: 'module', content: bundle.outputFiles[0]!.text });
    await page.waitForFunction(() => 'displayBench' in globalThis);
    const b64 = (chunks: Uint8Array[]) => chunks.map((c) => Buffer.from(c).toString('base64'));
    await page.evaluate(
      ([h, u]) =>
        (globalThis as unknown as Record<string, { setup(h: string[], u: string[]): Promise<void> }>)[
          'displayBench'
        ]!.setup(h, u),
      [b64(handshake), b64(update)] as const,
    );
    const runs: number[] = [];
    for (let i = 0; i < WARMUP + PAGE_RUNS; i++) {
      const ms = await page.evaluate(() =>
        (globalThis as unknown as Record<string, { run(): Promise<number> }>)['displayBench']!.run(),
      );
      if (i >= WARMUP) runs.push(ms);
    }
    return runs;
  } finally {
    await browser.close();
  }
}

/**
 * Runs in Chromium. main's end of the MessageChannel posts the recorded server bytes as the pump would (one
 * transferred ArrayBuffer per chunk, as the SSH channel gave them); the page's end goes to PortSocket and
 * noVNC. A run ends when noVNC has flipped the finished update into its canvas and a pixel read back
 * (which makes the canvas draw).
 */
const PAGE_SCRIPT = `
import RFB from '@novnc/novnc';
import { PortSocket } from './src/renderer/src/features/console/port-socket';

const bytes = (b64: string) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)).buffer;
let update: ArrayBuffer[] = [];
let main: MessagePort;
let done: ((at: number) => void) | null = null;

(globalThis as any).displayBench = {
  async setup(handshake: string[], upd: string[]) {
    update = upd.map(bytes);
    const { port1, port2 } = new MessageChannel();
    main = port1;
    main.onmessage = () => undefined; // noVNC's requests: the recording already answers them
    const screen = document.createElement('div');
    screen.style.width = '1024px';
    screen.style.height = '768px';
    document.body.append(screen);
    const rfb: any = new RFB(screen, new PortSocket(port2), { shared: true });
    const connected = new Promise((r) => rfb.addEventListener('connect', r, { once: true }));
    for (const b of handshake.map(bytes)) main.postMessage({ t: 'data', b }, [b]);
    await connected;
    const display = rfb._display;
    const canvas = screen.querySelector('canvas') as HTMLCanvasElement;
    const ctx = canvas.getContext('2d')!;
    const flip = display.flip.bind(display);
    display.flip = (fromQueue?: boolean) => {
      flip(fromQueue);
      if (done && !display.pending()) {
        ctx.getImageData(canvas.width - 1, canvas.height - 1, 1, 1);
        const d = done;
        done = null;
        d(performance.now());
      }
    };
  },
  async run(): Promise<number> {
    const copies = update.map((b) => b.slice(0));
    const finished = new Promise<number>((r) => (done = r));
    const t0 = performance.now();
    for (const b of copies) main.postMessage({ t: 'data', b }, [b]);
    return (await finished) - t0;
  },
};
`;

async function main(): Promise<void> {
  const guest = await bootGuest();
  let b: BenchApp | null = null;
  let raw: Duplex | null = null;
  let sessionId: string | null = null;
  try {
    b = await benchApp(guest);
    const driver = await b.app.hosts.driverFor(b.hostId);
    const port = await displayPort(driver, guest.uuid);
    await framebufferReady(driver, port);
    const cond = conditions(guest);

    raw = await driver.openSocket({ host: '127.0.0.1', port });
    const baseline = socketClient(raw);
    await baseline.handshake();
    // The session's own channel, seen where the bytes leave SSH (before the pump): the last socket
    // openDisplay opens (after its probe). A second 'data' listener changes nothing for the pump.
    const channels: Duplex[] = [];
    const openSocket = driver.openSocket.bind(driver);
    driver.openSocket = async (target) => {
      const socket = await openSocket(target);
      channels.push(socket);
      return socket;
    };
    const t0 = performance.now();
    const { opened, page } = await b.open('vnc').finally(() => (driver.openSocket = openSocket));
    const openMs = performance.now() - t0;
    sessionId = opened.sessionId;
    const tap = new ChannelTap(channels.at(-1)!);
    const ours = portClient(page);
    ours.recording = true;
    await ours.handshake();
    const handshake = ours.recorded.splice(0);
    ours.recording = false;

    const oursUpdate = async (): Promise<Sample> => {
      tap.arm();
      const t = await ours.fullUpdate();
      return { ...t, channelFirstAt: tap.firstAt, channelLastAt: tap.lastAt };
    };
    const baselineUpdate = async (): Promise<Sample> => {
      const t = await baseline.fullUpdate();
      return { ...t, channelFirstAt: t.startedAt + t.firstByteMs, channelLastAt: t.startedAt + t.totalMs };
    };
    for (let i = 0; i < WARMUP; i++) {
      await baselineUpdate();
      await oursUpdate();
    }
    ours.recording = true;
    await oursUpdate();
    const recordedUpdate = ours.recorded.splice(0);
    ours.recording = false;

    const o: Sample[] = [];
    const r: Sample[] = [];
    tap.pauses = 0;
    tap.pausedMs = 0;
    // QEMU answers at its next display refresh: a random pause before each request makes where it falls
    // in QEMU's refresh interval independent of the update just before it (the other way's).
    const next = async (update: () => Promise<Sample>, into: Sample[]) => {
      await sleep(Math.random() * PHASE_MS);
      into.push(await update());
    };
    for (let i = 0; i < UPDATES; i++) {
      // Alternate which goes first, so that neither always follows the other.
      if (i % 2 === 0) {
        await next(oursUpdate, o);
        await next(baselineUpdate, r);
      } else {
        await next(baselineUpdate, r);
        await next(oursUpdate, o);
      }
      if (i % 20 === 19) process.stdout.write(`  ${i + 1}/${UPDATES} updates each\r`);
    }
    const pageMs = await pageDecode(handshake, recordedUpdate).catch(
      (err: unknown) => `failed: ${(err as Error).message.split('\n')[0]}`,
    );

    const bytes = o[0]!.bytes;
    const bps = (xs: Sample[], f: (t: Sample) => number) =>
      sum(xs.map((t) => t.bytes)) / MiB / (sum(xs.map(f)) / 1000);
    const total = (t: Sample) => t.totalMs;
    console.log(`\n\n## Graphical console: full ${WIDTH}×${HEIGHT} framebuffer update (raw, 32 bpp)\n`);
    const rows: Row[] = [
      {
        what: '(a) request → last byte in Node, p50',
        ours: stat(o, total, 50),
        baseline: stat(r, total, 50),
        unit: 'ms',
        ...(typeof pageMs === 'string' ? { target: { max: 1.5 } } : {}),
      },
      {
        what: '(a) request → last byte in Node, p95',
        ours: stat(o, total, 95),
        baseline: stat(r, total, 95),
        unit: 'ms',
      },
      {
        what: '(a) of which SSH channel first byte → client last byte, p50',
        ours: stat(o, flowing, 50),
        baseline: stat(r, flowing, 50),
        unit: 'ms',
      },
    ];
    if (typeof pageMs !== 'string') {
      rows.push({
        what: '(a)+(c) request → pixels in the canvas, p50',
        ours: stat(o, total, 50) + percentile(pageMs, 50),
        baseline: stat(r, total, 50),
        unit: 'ms',
        target: { max: 1.5 },
      });
    }
    rows.push(
      {
        what: '(b) throughput while the update flows (bytes / channel first byte → client last byte)',
        ours: bps(o, flowing),
        baseline: bps(r, flowing),
        unit: 'MiB/s',
        target: { min: 0.8 },
      },
      {
        what: '(b) throughput, request to request (bytes / total time)',
        ours: bps(o, total),
        baseline: bps(r, total),
        unit: 'MiB/s',
      },
    );
    const ok = printTable(rows);
    console.log(
      `\nbaseline: plain RFB client on a channel forwarded by the app's SSH connection ` +
        `(driver.openSocket); ours: the same client on consoles.open vnc → Node MessagePort (acknowledging ` +
        `every 64 KiB as the page does), on the same connection. ${UPDATES} updates each, alternating ` +
        `(after ${WARMUP} warm-up each; a random 0–${PHASE_MS} ms pause before each request), ` +
        `${(bytes / MiB).toFixed(2)} MiB per update.\n` +
        `Where ours spends its extra time: from the update's last byte out of the SSH channel to the ` +
        `client (pump, copy, MessagePort, ack window): p50 ${stat(o, tail, 50).toFixed(2)} ms, p95 ` +
        `${stat(o, tail, 95).toFixed(2)} ms; the pump paused the channel (window of unacknowledged bytes ` +
        `full) ${(tap.pauses / UPDATES).toFixed(1)} times per update, for ` +
        `${(tap.pausedMs / UPDATES).toFixed(2)} ms per update in all. Opening the session (consoles.open + attach, its probe ` +
        `connection included) took ${openMs.toFixed(0)} ms, not counted.`,
    );
    if (typeof pageMs === 'string') {
      console.log(`(c) the page (noVNC decode + draw in Chromium): ${pageMs}; not in the figures above.`);
    } else {
      console.log(
        `(c) the page: noVNC 1.7 via PortSocket in Chromium (${CHROMIUM}, --disable-gpu) decoding the ` +
          `recorded update (${recordedUpdate.length} chunks) into its canvas: p50 ` +
          `${percentile(pageMs, 50).toFixed(1)} ms, p95 ${percentile(pageMs, 95).toFixed(1)} ms over ` +
          `${PAGE_RUNS} runs; added to ours' p50 in the "pixels" row (in the app the decoding overlaps the ` +
          `transfer, so the sum is an upper bound).`,
      );
    }
    console.log(
      `QEMU sends a forced update at its next display refresh (every 30 ms to 3 s, adaptive), so most of ` +
        `request → last byte is the server waiting, the same for both ways; ${cond}.`,
    );
    if (!ok) process.exitCode = 1;
  } finally {
    if (raw) {
      raw.destroy();
      raw.resume();
    }
    if (sessionId && b) await b.client.call('consoles.close', { sessionId }).catch(() => undefined);
    b?.close();
    guest.remove();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
