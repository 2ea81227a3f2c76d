/**
 * What the console e2e specs share: the testbed's hosts added to the app (the local libvirt and the SSH host
 * kvm-a, the same libvirtd), the VM page opened on one of them, and a coarse picture of a screen (the mean
 * grey of a grid of cells) taken from the noVNC canvas in the page or from `virsh screenshot`.
 */
import type { Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { QEMU, virsh } from '../helpers/domains';
import { host, testbed } from '../helpers/testbed';
import { expect, type Qhci } from './fixtures';

/** The coarse grid both pictures are reduced to: 10×10-pixel cells of a 720×400 text screen. */
export const GRID_W = 72;
export const GRID_H = 40;

export interface Grid {
  readonly width: number;
  readonly height: number;
  readonly grid: number[];
}

/** Mean grey of each grid cell, from RGBA pixels (canvasGrid does the same in the page). */
export function greyGrid(
  width: number,
  height: number,
  rgba: Uint8Array | Uint8ClampedArray | Buffer,
): number[] {
  const sums = new Array<number>(GRID_W * GRID_H).fill(0);
  const counts = new Array<number>(GRID_W * GRID_H).fill(0);
  for (let y = 0; y < height; y++) {
    const gy = Math.min(GRID_H - 1, Math.floor((y * GRID_H) / height));
    for (let x = 0; x < width; x++) {
      const gx = Math.min(GRID_W - 1, Math.floor((x * GRID_W) / width));
      const i = (y * width + x) * 4;
      sums[gy * GRID_W + gx]! += (rgba[i]! + rgba[i + 1]! + rgba[i + 2]!) / 3;
      counts[gy * GRID_W + gx]! += 1;
    }
  }
  return sums.map((s, i) => s / Math.max(1, counts[i]!));
}

/** The noVNC canvas's framebuffer, reduced the same way in the page (its pixels are too many to send). */
export async function canvasGrid(page: Page): Promise<Grid> {
  const canvas = page.getByTestId('vnc-screen').locator('canvas').first();
  return canvas.evaluate(
    (c: HTMLCanvasElement, [gw, gh]) => {
      const { width, height } = c;
      const rgba = c.getContext('2d')!.getImageData(0, 0, width, height).data;
      const sums = new Array<number>(gw * gh).fill(0);
      const counts = new Array<number>(gw * gh).fill(0);
      for (let y = 0; y < height; y++) {
        const gy = Math.min(gh - 1, Math.floor((y * gh) / height));
        for (let x = 0; x < width; x++) {
          const cell = gy * gw + Math.min(gw - 1, Math.floor((x * gw) / width));
          const i = (y * width + x) * 4;
          sums[cell]! += (rgba[i]! + rgba[i + 1]! + rgba[i + 2]!) / 3;
          counts[cell]! += 1;
        }
      }
      return { width, height, grid: sums.map((s, i) => s / Math.max(1, counts[i]!)) };
    },
    [GRID_W, GRID_H] as const,
  );
}

/** What libvirt itself sees of the VM's screen, reduced the same way. */
export function virshGrid(uuid: string): Grid {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-shot-'));
  try {
    virsh('screenshot', uuid, join(dir, 'shot'));
    const png = PNG.sync.read(readFileSync(join(dir, 'shot')));
    return { width: png.width, height: png.height, grid: greyGrid(png.width, png.height, png.data) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The cells that carry something (text) on a dark screen: a mean grey above `min`. A BIOS's text screen
 * fills its cells more than a framebuffer console's small font on a 1024×768 screen.
 */
export const lit = (grid: number[], min = 24) => new Set(grid.flatMap((g, i) => (g > min ? [i] : [])));
export const meanAbsDiff = (a: number[], b: number[]) =>
  a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0) / a.length;

/** How much of the text two pictures share: common lit cells over all lit cells. */
export function sharedText(a: number[], b: number[], min = 24): number {
  const x = lit(a, min);
  const y = lit(b, min);
  const common = [...x].filter((i) => y.has(i)).length;
  return common / Math.max(1, new Set([...x, ...y]).size);
}

/** The local libvirt and the SSH host kvm-a (the same libvirtd over loopback), added and synced. */
export async function addHosts(qhci: Qhci): Promise<{ local: string; ssh: string }> {
  const local = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
  const h = host('kvm-a');
  const ssh = await qhci.call('hosts.add', {
    name: 'kvm-a',
    connection: {
      kind: 'ssh',
      address: h.address,
      port: h.port,
      user: h.user,
      uri: h.uri,
      auth: { method: 'key', keyFile: testbed!.clientKey },
    },
    acceptFingerprint: h.hostKeyFingerprint,
  });
  await qhci.call('hosts.sync', { id: local.id });
  await qhci.call('hosts.sync', { id: ssh.id });
  return { local: local.id, ssh: ssh.id };
}

/** The VM page of the domain called `name`, as the host `hostName` shows it. */
export async function openVmOn(page: Page, hostName: string, name: string): Promise<void> {
  await page.getByTestId('nav-vms').click();
  await page.getByTestId(`vm-tree-host-${hostName}`).click();
  await page.getByTestId('vm-filter-name').locator('input').fill(name);
  await page.getByTestId(`vm-open-${name}`).click();
  await expect(page.getByTestId('vm-detail-name')).toHaveText(name);
  await expect(page.getByTestId('vm-detail-host')).toHaveText(hostName);
}

/** Polls the app's open console sessions. */
export const sessions = (qhci: Qhci) => expect.poll(() => qhci.app.consoles.count(), { timeout: 10_000 });
