#!/usr/bin/env node
// Renders build/icon.svg into the installer icons electron-builder reads from build/ (npm run icons):
//   build/icon.png          1024x1024 (macOS and the fallback for every platform)
//   build/icons/NxN.png     16..512 (Linux: AppImage, deb and rpm install each size into the hicolor theme)
//   build/icon.ico          16..256, PNG-compressed entries (Windows NSIS and the .exe)
//   build/icon.icns         16..1024 incl. the @2x variants, PNG entries (macOS dmg and the .app)
// The outputs are committed, so building installers needs neither this script nor resvg.
import { Resvg } from '@resvg/resvg-js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const buildDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'build');
const svg = readFileSync(join(buildDir, 'icon.svg'));

export const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];
/** ICNS entry types holding PNG data, with their pixel size (Apple's icns format). */
export const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];

const cache = new Map();
function png(size) {
  if (!cache.has(size)) {
    const r = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' });
    cache.set(size, Buffer.from(r.render().asPng()));
  }
  return cache.get(size);
}

/** ICO: a 6-byte header, one 16-byte entry per image, then the PNGs (a width or height of 256 is written 0). */
function ico(sizes) {
  const images = sizes.map(png);
  const header = Buffer.alloc(6 + 16 * sizes.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(sizes.length, 4);
  let offset = header.length;
  sizes.forEach((size, i) => {
    const e = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, e);
    header.writeUInt8(size >= 256 ? 0 : size, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(images[i].length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += images[i].length;
  });
  return Buffer.concat([header, ...images]);
}

/** ICNS: 'icns' + total length, then per entry a 4-byte type, its length (incl. these 8 bytes) and PNG data. */
function icns(types) {
  const entries = types.map(([type, size]) => {
    const data = png(size);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + entries.reduce((n, e) => n + e.length, 0), 4);
  return Buffer.concat([head, ...entries]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  mkdirSync(join(buildDir, 'icons'), { recursive: true });
  writeFileSync(join(buildDir, 'icon.png'), png(1024));
  for (const size of LINUX_SIZES) writeFileSync(join(buildDir, 'icons', `${size}x${size}.png`), png(size));
  writeFileSync(join(buildDir, 'icon.ico'), ico(ICO_SIZES));
  writeFileSync(join(buildDir, 'icon.icns'), icns(ICNS_TYPES));
  console.log(`Icons written to ${buildDir}`);
}
