/**
 * A minimal RFB 3.8 client for the display bench: security None, a 32-bit true-colour pixel format (the one
 * noVNC asks for), raw encoding only, and full (non-incremental) framebuffer updates read to their last
 * byte. It runs over any byte link (a forwarded SSH channel, a console's MessagePort), and can record what
 * the server sent, for the page half of the bench to replay.
 */

/** Where the client's bytes go and where the server's come from. */
export interface ByteLink {
  write(bytes: Uint8Array): void;
  onData(listener: (bytes: Uint8Array) => void): void;
}

export interface UpdateTiming {
  /** When the request was written (performance.now()). */
  readonly startedAt: number;
  /** Bytes of the update (headers and pixels). */
  readonly bytes: number;
  /** From writing the request to the first byte of the answer, ms. */
  readonly firstByteMs: number;
  /** From writing the request to the last byte of the update, ms. */
  readonly totalMs: number;
}

const RAW = 0;

/** noVNC's pixel format (core/rfb.js, RFB.messages.pixelFormat with depth 24): RGBX little-endian. */
function setPixelFormat(): Uint8Array {
  const b = Buffer.alloc(20);
  b[0] = 0; // SetPixelFormat
  b.writeUInt8(32, 4); // bits per pixel
  b.writeUInt8(24, 5); // depth
  b.writeUInt8(0, 6); // little-endian
  b.writeUInt8(1, 7); // true colour
  b.writeUInt16BE(255, 8);
  b.writeUInt16BE(255, 10);
  b.writeUInt16BE(255, 12);
  b.writeUInt8(0, 14); // red shift
  b.writeUInt8(8, 15); // green shift
  b.writeUInt8(16, 16); // blue shift
  return b;
}

function setEncodings(encodings: readonly number[]): Uint8Array {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b[0] = 2;
  b.writeUInt16BE(encodings.length, 2);
  encodings.forEach((e, i) => b.writeInt32BE(e, 4 + 4 * i));
  return b;
}

function updateRequest(incremental: boolean, w: number, h: number): Uint8Array {
  const b = Buffer.alloc(10);
  b[0] = 3;
  b[1] = incremental ? 1 : 0;
  b.writeUInt16BE(w, 6);
  b.writeUInt16BE(h, 8);
  return b;
}

export class RfbClient {
  width = 0;
  height = 0;
  name = '';
  /** Every chunk the server sent, in order, when recording. */
  readonly recorded: Uint8Array[] = [];
  recording = false;

  private chunks: Uint8Array[] = [];
  private offset = 0;
  private available = 0;
  private waiter: { n: number; resolve(): void } | null = null;
  private firstByteAt = 0;
  private watchingFirstByte = false;

  constructor(
    private readonly link: ByteLink,
    private readonly now: () => number = () => performance.now(),
  ) {
    link.onData((b) => this.feed(b));
  }

  /** Version, security None, ClientInit (shared), ServerInit; then our pixel format and raw only. */
  async handshake(): Promise<void> {
    const version = (await this.take(12)).toString('latin1');
    if (!/^RFB 003\.00[78]\n$/.test(version)) throw new Error(`not an RFB 3.7/3.8 server: ${version}`);
    this.link.write(Buffer.from('RFB 003.008\n', 'latin1'));
    const n = (await this.take(1))[0]!;
    if (n === 0) throw new Error('the server refused the connection');
    const types = [...(await this.take(n))];
    if (!types.includes(1))
      throw new Error(`the display wants authentication (security types ${types.join(', ')})`);
    this.link.write(Uint8Array.of(1));
    const result = (await this.take(4)).readUInt32BE(0);
    if (result !== 0) throw new Error(`security result ${result}`);
    this.link.write(Uint8Array.of(1)); // ClientInit: shared, as the console's noVNC is
    const init = await this.take(24);
    this.width = init.readUInt16BE(0);
    this.height = init.readUInt16BE(2);
    this.name = (await this.take(init.readUInt32BE(20))).toString('utf8');
    this.link.write(setPixelFormat());
    this.link.write(setEncodings([RAW]));
  }

  /** Asks for the whole screen (non-incremental) and reads the update to its last pixel. */
  async fullUpdate(): Promise<UpdateTiming> {
    const pixels = this.width * this.height;
    let covered = 0;
    let bytes = 0;
    this.watchingFirstByte = true;
    this.firstByteAt = 0;
    const t0 = this.now();
    this.link.write(updateRequest(false, this.width, this.height));
    // QEMU answers with one or more FramebufferUpdate messages that together cover the screen.
    while (covered < pixels) {
      const type = (await this.take(1))[0]!;
      bytes += 1;
      if (type === 0) {
        const head = await this.take(3);
        bytes += 3;
        const rects = head.readUInt16BE(1);
        for (let i = 0; i < rects; i++) {
          const r = await this.take(12);
          bytes += 12;
          const w = r.readUInt16BE(4);
          const h = r.readUInt16BE(6);
          const encoding = r.readInt32BE(8);
          if (encoding === RAW) {
            await this.skip(w * h * 4);
            bytes += w * h * 4;
            covered += w * h;
          } else if (encoding >= 0) {
            throw new Error(`unexpected encoding ${encoding}`);
          } // pseudo-encodings (none asked for) carry no data
        }
      } else if (type === 2) {
        // Bell
      } else if (type === 3) {
        const head = await this.take(7);
        const len = head.readUInt32BE(3);
        await this.skip(len);
        bytes += 7 + len;
      } else {
        throw new Error(`unexpected server message ${type}`);
      }
    }
    const end = this.now();
    return { startedAt: t0, bytes, firstByteMs: this.firstByteAt - t0, totalMs: end - t0 };
  }

  private feed(b: Uint8Array): void {
    if (b.byteLength === 0) return;
    if (this.watchingFirstByte) {
      this.watchingFirstByte = false;
      this.firstByteAt = this.now();
    }
    if (this.recording) this.recorded.push(b.slice());
    this.chunks.push(b);
    this.available += b.byteLength;
    const w = this.waiter;
    if (w && this.available >= w.n) {
      this.waiter = null;
      w.resolve();
    }
  }

  private need(n: number): Promise<void> {
    if (this.available >= n) return Promise.resolve();
    return new Promise((resolve) => (this.waiter = { n, resolve }));
  }

  /** The next n bytes, copied out. */
  private async take(n: number): Promise<Buffer> {
    await this.need(n);
    const out = Buffer.alloc(n);
    let at = 0;
    while (at < n) {
      const c = this.chunks[0]!;
      const k = Math.min(n - at, c.byteLength - this.offset);
      out.set(c.subarray(this.offset, this.offset + k), at);
      at += k;
      this.consume(k);
    }
    return out;
  }

  /** Drops the next n bytes (pixels: the bench counts them, it does not draw them), as they come. */
  private async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      await this.need(1);
      while (left > 0 && this.available > 0) {
        const k = Math.min(left, this.chunks[0]!.byteLength - this.offset);
        this.consume(k);
        left -= k;
      }
    }
  }

  private consume(k: number): void {
    this.offset += k;
    this.available -= k;
    if (this.offset === this.chunks[0]!.byteLength) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
