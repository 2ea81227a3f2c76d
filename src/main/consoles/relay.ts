/**
 * A Duplex in front of another one: what is written goes through unchanged, what is read is shown to `tap`
 * on its way. Back-pressure holds both ways: the inner stream is paused while this one's reader is full,
 * and a write waits for the inner stream's 'drain'.
 */
import { Duplex } from 'node:stream';

export class Relay extends Duplex {
  private ended = false;
  private readonly onData: (chunk: Buffer) => void;

  /** `first`: bytes already read from `inner` (before the relay existed), delivered first. */
  constructor(
    private readonly inner: Duplex,
    first: Buffer,
    tap: (chunk: Buffer) => void,
  ) {
    super({ allowHalfOpen: false });
    if (first.length > 0) {
      tap(first);
      this.push(first);
    }
    this.onData = (chunk: Buffer) => {
      tap(chunk);
      if (!this.push(chunk)) inner.pause();
    };
    inner.on('data', this.onData);
    inner.on('error', () => undefined); // its end is explained elsewhere (whyEnded)
    inner.once('end', () => this.finishReading());
    inner.once('close', () => this.finishReading());
    if (inner.readableEnded || inner.destroyed) this.finishReading();
    // Once the reader has seen the end, the relay is done (and emits 'close').
    this.once('end', () => this.destroy());
  }

  private finishReading(): void {
    if (this.ended) return;
    this.ended = true;
    this.push(null);
  }

  override _read(): void {
    if (this.inner.isPaused()) this.inner.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    if (this.inner.destroyed || this.inner.writableEnded) return cb();
    if (this.inner.write(chunk)) cb();
    else this.inner.once('drain', () => cb());
  }

  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.ended = true;
    // Nobody reads the inner stream now: let it drain, so that it can end and close.
    this.inner.off('data', this.onData);
    this.inner.resume();
    cb(err);
  }
}
