/**
 * Live usage in the console, fed by real polling of the testbed's libvirt host (qemu:///system): a running
 * diskless domain (it boots nothing, but its emulated CPU runs, under TCG or KVM) charted on the host page
 * and on its VM page, and its CPU sparkline and memory in the VM list. The page's watch is leased and
 * dropped when the window is hidden.
 */
import type { Locator, Page } from '@playwright/test';
import { defineDomain, domstate, QEMU, removeDomain, virsh } from '../helpers/domains';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test } from './fixtures';

test.skip(testbed === null, `usage e2e tests need the testbed: ${NO_TESTBED}`);
// The list's usage columns show in a list about 900 px wide or more (vms.css).
test.use({ viewport: { width: 1800, height: 1000 } });

const defined: string[] = [];
test.afterEach(() => {
  for (const uuid of defined.splice(0)) removeDomain(uuid);
});

const PERCENT = /^\d+(\.\d)? %$/;
const BYTES = /\d+(\.\d)? (B|KiB|MiB|GiB)/;

/**
 * How many pixels of the canvases in `chart` (or the canvas itself) are near the series colour: a drawn
 * line has some. A thin line is anti-aliased, so partly transparent pixels count too.
 */
function linePixels(chart: Locator, rgb: [number, number, number]): Promise<number> {
  return chart.evaluate((el, [r, g, b]) => {
    let n = 0;
    const canvases = el instanceof HTMLCanvasElement ? [el] : Array.from(el.querySelectorAll('canvas'));
    for (const canvas of canvases) {
      const ctx = canvas.getContext('2d');
      if (!ctx || canvas.width === 0) continue;
      const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        const near =
          Math.abs(data[i]! - r!) < 40 &&
          Math.abs(data[i + 1]! - g!) < 40 &&
          Math.abs(data[i + 2]! - b!) < 40;
        if (near && data[i + 3]! > 60) n++;
      }
    }
    return n;
  }, rgb);
}

const BLUE: [number, number, number] = [0x00, 0x66, 0xcc];
const GREEN: [number, number, number] = [0x3d, 0x73, 0x17];

async function hidePage(page: Page, hidden: boolean) {
  await page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', {
      configurable: true,
      get: () => (h ? 'hidden' : 'visible'),
    });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

test('a running domain is charted on the host page, its VM page and the VM list from real polls', async ({
  page,
  qhci,
}) => {
  test.setTimeout(150_000);
  const dom = defineDomain();
  // A shut-off one too: it has no usage, which the CPU sort puts at one end.
  const idle = defineDomain();
  defined.push(dom.uuid, idle.uuid);
  virsh('start', dom.uuid);
  expect(domstate(dom.uuid)).toBe('running');
  await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
  await qhci.open();

  // The host page: CPU, memory and pools, from the polls the page's watch starts.
  await page.getByTestId('nav-hosts').click();
  await page.getByTestId('host-open-local').click();
  const host = page.getByTestId('host-usage');
  await expect(host).toBeVisible();
  // CPU is a rate: it needs two polls (2 s apart) before it has a figure.
  await expect(host.getByTestId('host-usage-cpu-now')).toHaveText(PERCENT, { timeout: 30_000 });
  await expect(host.getByTestId('host-usage-memory-now')).toHaveText(new RegExp(`${BYTES.source} of `));
  expect(qhci.invocations).toContain('usage.watch');
  expect(qhci.invocations).toContain('usage.history');
  // A few more polls, so that the lines have some length.
  await page.waitForTimeout(6000);
  await expect.poll(() => linePixels(page.getByTestId('host-usage-cpu-chart'), BLUE)).toBeGreaterThan(20);
  await expect.poll(() => linePixels(page.getByTestId('host-usage-memory-chart'), GREEN)).toBeGreaterThan(20);
  await expect(page.getByTestId('host-usage-pools-chart').locator('canvas').first()).toBeVisible();
  await host.scrollIntoViewIfNeeded();
  await qhci.screenshot('usage-host-page', { height: 1400 });

  // The VM's page: its six metrics, seeded from the history main kept while the host page watched.
  await page.getByTestId('nav-vms').click();
  await page.getByTestId(`vm-open-${dom.name}`).click();
  const vm = page.getByTestId('vm-usage');
  await expect(vm).toBeVisible();
  await expect(vm.getByTestId('vm-usage-cpu-now')).toHaveText(PERCENT, { timeout: 30_000 });
  await expect(vm.getByTestId('vm-usage-memory-now')).toHaveText(BYTES);
  await expect(vm.getByTestId('vm-usage-disk-now')).toContainText('/');
  await expect(vm.getByTestId('vm-usage-net-now')).toContainText('/');
  // Seeded: the line is there at once, before the next polls add to it.
  await expect.poll(() => linePixels(page.getByTestId('vm-usage-cpu-chart'), BLUE)).toBeGreaterThan(20);
  await expect.poll(() => linePixels(page.getByTestId('vm-usage-memory-chart'), BLUE)).toBeGreaterThan(20);
  await vm.scrollIntoViewIfNeeded();
  await qhci.screenshot('usage-vm-page', { height: 1600 });

  // The list: the VM's CPU sparkline and memory columns, sortable by the last sample.
  await page.getByTestId('vm-detail-back').click();
  await expect(page.getByTestId(`vm-cpu-${dom.name}`)).toHaveText(PERCENT, { timeout: 20_000 });
  await expect(page.getByTestId(`vm-mem-${dom.name}`)).toHaveText(BYTES);
  const spark = page.getByTestId(`vm-row-${dom.name}`).locator('canvas.qhci-spark');
  // A few samples so far: a short line at the right end (it fills leftwards, five minutes wide).
  await expect.poll(() => linePixels(spark, BLUE)).toBeGreaterThan(2);
  // Sorted by CPU: the running domain after every shut-off VM (no sample) ascending, before them descending.
  const order = async () => {
    const rows = await page
      .locator('[data-testid^="vm-row-"]')
      .evaluateAll((els) =>
        els.map((e) => ({ id: e.getAttribute('data-testid'), text: e.textContent ?? '' })),
      );
    const mine = rows.findIndex((r) => r.id === `vm-row-${dom.name}`);
    const off = rows.flatMap((r, i) => (r.text.includes('Shut off') ? [i] : []));
    return { mine, off };
  };
  await page.getByTestId('vm-sort-cpu').click();
  let o = await order();
  expect(o.off.length).toBeGreaterThan(0);
  expect(o.mine).toBeGreaterThan(Math.max(...o.off));
  await page.getByTestId('vm-sort-cpu').click();
  o = await order();
  expect(o.mine).toBeLessThan(Math.min(...o.off));
  await qhci.screenshot('usage-vm-list');

  // Hidden, the window drops its watch: main polls nothing for it; shown again, it watches again.
  const unwatches = () => qhci.invocations.filter((c) => c === 'usage.unwatch').length;
  const watches = () => qhci.invocations.filter((c) => c === 'usage.watch').length;
  const unwatched = unwatches();
  await hidePage(page, true);
  await expect.poll(unwatches).toBe(unwatched + 1);
  const before = watches();
  await hidePage(page, false);
  await expect.poll(watches).toBe(before + 1);
});
