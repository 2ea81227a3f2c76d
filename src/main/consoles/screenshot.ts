/**
 * The VM's screen now, as a PNG: `virsh screenshot` writes the image to its stdout. QEMU 7.1 and later
 * give PNG; older ones give PPM (P6), converted here.
 */
import type * as PngJs from 'pngjs';
import { AppError } from '../../shared/domain/errors';
import { importPackage } from '../esm-import';
import type { HostDriver } from '../hosts/driver';

export interface Screenshot {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Larger than any display QEMU draws (its VGA limit is 16384), to refuse a broken header early. */
const MAX_SIDE = 16384;

/** Width and height from a PNG's IHDR chunk, or null if this is not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export interface Ppm {
  readonly width: number;
  readonly height: number;
  readonly maxval: number;
  /** Where the pixels start. */
  readonly offset: number;
}

/** A binary PPM's header (P6: magic, width, height, maxval, with comments allowed), or null. */
export function ppmHeader(bytes: Buffer): Ppm | null {
  if (bytes.length < 2 || bytes.toString('latin1', 0, 2) !== 'P6') return null;
  const fields: number[] = [];
  let i = 2;
  while (fields.length < 3) {
    const start = i;
    while (i < bytes.length && /\s/.test(String.fromCharCode(bytes[i]!))) i++;
    if (i < bytes.length && bytes[i] === 0x23 /* # */) {
      while (i < bytes.length && bytes[i] !== 0x0a) i++;
      continue;
    }
    // Each field must follow whitespace.
    if (i === start || i >= bytes.length) return null;
    const digits = /^\d{1,5}/.exec(bytes.toString('latin1', i, Math.min(bytes.length, i + 6)));
    if (!digits) return null;
    fields.push(Number(digits[0]));
    i += digits[0].length;
  }
  // One whitespace byte separates the header from the pixels.
  if (i >= bytes.length || !/\s/.test(String.fromCharCode(bytes[i]!))) return null;
  const [width, height, maxval] = fields as [number, number, number];
  if (width < 1 || height < 1 || width > MAX_SIDE || height > MAX_SIDE || maxval < 1 || maxval > 65535)
    return null;
  return { width, height, maxval, offset: i + 1 };
}

type PngModule = typeof PngJs;
let pngjs: Promise<PngModule> | undefined;
function loadPngjs(): Promise<PngModule> {
  pngjs ??= importPackage('pngjs', () => import('pngjs')).then(
    (m) => ((m as { default?: PngModule }).default ?? m) as PngModule,
  );
  return pngjs;
}

/** A P6 image as PNG (samples above 8 bits, or a maxval other than 255, scaled to 0..255). */
export async function ppmToPng(bytes: Buffer): Promise<Screenshot> {
  const h = ppmHeader(bytes);
  if (!h) throw new AppError('HOST_ERROR', 'The screenshot is not a PPM image');
  const sampleBytes = h.maxval > 255 ? 2 : 1;
  const pixels = h.width * h.height;
  if (bytes.length - h.offset < pixels * 3 * sampleBytes)
    throw new AppError('HOST_ERROR', 'The screenshot is cut short');
  const { PNG } = await loadPngjs();
  const img = new PNG({ width: h.width, height: h.height });
  const rgba = img.data;
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) {
      const at = h.offset + (p * 3 + c) * sampleBytes;
      const v = sampleBytes === 2 ? bytes.readUInt16BE(at) : bytes[at]!;
      rgba[p * 4 + c] = Math.round((Math.min(v, h.maxval) * 255) / h.maxval);
    }
    rgba[p * 4 + 3] = 255;
  }
  const png = PNG.sync.write(img, { colorType: 2 });
  return { png, width: h.width, height: h.height };
}

/** The image virsh gave, as PNG with its size. */
export async function toPng(bytes: Buffer): Promise<Screenshot> {
  const size = pngSize(bytes);
  if (size) return { png: bytes, ...size };
  if (ppmHeader(bytes)) return ppmToPng(bytes);
  throw new AppError('HOST_ERROR', 'virsh screenshot gave an image that is neither PNG nor PPM');
}

export async function screenshot(driver: HostDriver, uuid: string): Promise<Screenshot> {
  let bytes: Buffer;
  try {
    bytes = await driver.virshBytes(['screenshot', '--domain', uuid, '--file', '/dev/stdout'], {
      timeoutMs: 30_000,
    });
  } catch (err) {
    const message = (err as Error).message;
    if (/not running/i.test(message))
      throw new AppError('CONFLICT', 'The VM is not running: there is no screen to take');
    if (/failed to get domain|domain not found/i.test(message))
      throw new AppError('NOT_FOUND', 'The VM is no longer defined on its host');
    throw err;
  }
  return toPng(bytes);
}
