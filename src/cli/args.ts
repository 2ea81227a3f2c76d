/**
 * The flags of `qhci vm create` and `qhci place` as plain values: sizes, disks, NICs and labels parsed
 * from their text forms. Pure; every bad value is a VALIDATION error that names the flag.
 */
import { AppError } from '../shared/domain/errors';
import type { DiskSpec } from '../shared/domain/provision';

const UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4 };

/** "2G", "512M", "1.5T", "1048576" (bytes); K/M/G/T are binary (KiB…), "GiB" and "GB" mean the same. */
export function parseSize(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(text);
  if (!m) {
    throw new AppError('VALIDATION', `${flag}: "${text}" is not a size (e.g. 512M, 2G, 1.5T)`, flag);
  }
  const bytes = Math.round(Number(m[1]) * UNITS[m[2]!.toUpperCase()]!);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new AppError('VALIDATION', `${flag}: "${text}" is not a positive size`, flag);
  }
  return bytes;
}

export function parseCount(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) {
    throw new AppError('VALIDATION', `${flag}: "${text}" is not a whole number`, flag);
  }
  return Number(text.trim());
}

/**
 * `--disk SIZE[:POOL][:thick]` a new disk (SIZE may be "auto" for a cloud image's boot disk: the image's
 * size), or `--disk existing:POOL/VOLUME`.
 */
export function parseDisk(text: string): DiskSpec {
  if (text.startsWith('existing:')) {
    const ref = text.slice('existing:'.length);
    const slash = ref.indexOf('/');
    if (slash <= 0 || slash === ref.length - 1) {
      throw new AppError('VALIDATION', `--disk: "${text}" is not existing:POOL/VOLUME`, 'disk');
    }
    return { kind: 'existing', pool: ref.slice(0, slash), volume: ref.slice(slash + 1) };
  }
  const parts = text.split(':');
  let thin = true;
  if (parts.length > 1 && /^(thick|thin)$/i.test(parts[parts.length - 1]!)) {
    thin = parts.pop()!.toLowerCase() === 'thin';
  }
  if (parts.length > 2) {
    throw new AppError('VALIDATION', `--disk: "${text}" is not SIZE[:POOL][:thick]`, 'disk');
  }
  const [size = '', pool] = parts;
  const auto = size === '' || size.toLowerCase() === 'auto';
  return {
    kind: 'new',
    thin,
    ...(auto ? {} : { sizeBytes: parseSize(size, '--disk') }),
    ...(pool ? { pool } : {}),
  };
}

/** `--network NET[:MODEL]`. */
export function parseNic(text: string): { network: string; model?: 'virtio' | 'e1000e' | 'rtl8139' } {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return { network: text };
  return {
    network: text.slice(0, colon),
    model: text.slice(colon + 1) as 'virtio',
  };
}

/** `--label k=v`, repeated. */
export function parseLabels(list: readonly string[] | undefined): Record<string, string> | undefined {
  if (!list?.length) return undefined;
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new AppError('VALIDATION', `--label: "${item}" is not KEY=VALUE`, 'labels');
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** Bytes for people: 128 MiB, 1.5 GiB. */
export function fmtBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${Number.isInteger(v) ? v : v.toFixed(1)} ${units[u]}`;
}

/** Free capacity: a host booked past its capacity has none free, and says by how much, never "-21.9 GiB". */
export function fmtFree(n: number | null, unit: 'bytes' | 'count'): string {
  if (n === null) return '-';
  const show = (v: number) => (unit === 'bytes' ? fmtBytes(v) : String(v));
  return n < 0 ? `none (${show(-n)} over)` : show(n);
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const looksLikeId = (s: string) => GUID.test(s);

/**
 * `--wait-ready` takes an optional value, which parseArgs cannot express: a following whole number is
 * its value; otherwise an empty value means "the default timeout". `--memory` is a size for `vm create`
 * and a flag for `vm snapshot create`: followed by a size (it starts with a digit) it is that size,
 * otherwise an empty value (the flag).
 */
export function normalizeOptionalValues(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--wait-ready') {
      const next = argv[i + 1];
      if (next !== undefined && /^\d+$/.test(next)) {
        out.push(`--wait-ready=${next}`);
        i++;
      } else out.push('--wait-ready=');
    } else if (a === '--memory') {
      const next = argv[i + 1];
      if (next !== undefined && /^\d/.test(next)) {
        out.push(`--memory=${next}`);
        i++;
      } else out.push('--memory=');
    } else out.push(a);
  }
  return out;
}
