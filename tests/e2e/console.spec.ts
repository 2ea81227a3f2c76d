/**
 * The VM page's consoles against a real running domain on the testbed's libvirt, reached as the local host
 * and as the SSH host kvm-a (the same libvirtd over loopback): the screen drawn by noVNC matches
 * `virsh screenshot`, the serial console opens in xterm.js and Ctrl+] leaves it, Detach gives the window to
 * the console, the overview shows a live thumbnail, and leaving the tabs closes every session.
 */
import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QEMU, removeDomain, virsh } from '../helpers/domains';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import {
  addHosts,
  canvasGrid,
  lit,
  meanAbsDiff,
  openVmOn,
  sessions,
  sharedText,
  virshGrid,
  type Grid,
} from './console-helpers';
import { expect, test } from './fixtures';

test.skip(testbed === null, `console e2e tests need the testbed: ${NO_TESTBED}`);

let dom: { uuid: string; name: string } | null = null;

/**
 * A tiny running domain whose VGA screen SeaBIOS writes on (it boots nothing: "No bootable device."), and
 * its serial console too (useserial), when the VM is reset.
 */
function startDomain(): { uuid: string; name: string } {
  const uuid = randomUUID();
  const name = `qhci-t-con-${uuid.slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'qhci-dom-'));
  try {
    writeFileSync(
      join(dir, 'd.xml'),
      `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/><bios useserial='yes'/></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <graphics type='vnc' port='-1' autoport='yes' listen='127.0.0.1'><listen type='address' address='127.0.0.1'/></graphics>
    <video><model type='vga'/></video>
  </devices></domain>`,
    );
    virsh('define', join(dir, 'd.xml'));
    virsh('start', uuid);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { uuid, name };
}

test.beforeAll(() => {
  dom = startDomain();
});

test.afterAll(() => {
  if (dom) removeDomain(dom.uuid);
  dom = null;
});

/** Waits for the canvas to show text and to hold still (SeaBIOS has finished writing). */
async function stableCanvas(page: Page): Promise<Grid> {
  let last: number[] | null = null;
  for (let i = 0; i < 60; i++) {
    const now = await canvasGrid(page);
    if (lit(now.grid).size >= 20 && last !== null && meanAbsDiff(now.grid, last) === 0) return now;
    last = now.grid;
    await page.waitForTimeout(500);
  }
  throw new Error('the console canvas never showed a steady screen');
}

/** The console tab's screen matches what libvirt itself sees of the VM, roughly. */
async function checkScreen(page: Page) {
  await page.getByTestId('vm-tab-console').click();
  await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-state', 'connected', {
    timeout: 20_000,
  });
  const shown = await stableCanvas(page);
  const truth = virshGrid(dom!.uuid);
  expect([shown.width, shown.height]).toEqual([truth.width, truth.height]);
  expect(sharedText(shown.grid, truth.grid), 'the same cells carry text').toBeGreaterThan(0.8);
  expect(meanAbsDiff(shown.grid, truth.grid), 'the same picture, coarsely').toBeLessThan(6);
  await expect(page.getByTestId('vnc-exposed')).toHaveCount(0); // it listens on 127.0.0.1 only
}

test('the console shows the VM’s screen on the local and the SSH host; leaving the tab closes it', async ({
  page,
  qhci,
}) => {
  await addHosts(qhci);
  await qhci.open();

  await openVmOn(page, 'local', dom!.name);
  // The overview's live thumbnail, from virsh screenshot.
  await expect(page.getByTestId('vm-thumb')).toHaveAttribute('src', /^data:image\/png;base64,/, {
    timeout: 20_000,
  });
  await qhci.screenshot('console-overview-thumbnail');
  // It is taken again every 5 s while shown, and no more once the overview is left.
  const shots = () => qhci.invocations.filter((c) => c === 'vms.screenshot').length;
  await expect.poll(shots, { timeout: 12_000 }).toBeGreaterThanOrEqual(2);
  await checkScreen(page);
  const shotsThen = shots();
  await sessions(qhci).toBe(1);
  await qhci.screenshot('console-vnc-local');
  await page.waitForTimeout(5500);
  expect(shots()).toBe(shotsThen);

  // 1:1 and the keys menu.
  await page.getByTestId('vnc-scale-native').click();
  await page.getByTestId('vnc-send-keys').click();
  await expect(page.getByTestId('vnc-key-ctrl-alt-f12')).toBeVisible();
  await qhci.screenshot('console-vnc-send-keys');
  await page.keyboard.press('Escape');
  await page.getByTestId('vnc-type-text').click();
  await page.getByTestId('vnc-type-input').fill('root\n');
  await qhci.screenshot('console-vnc-type-text');
  await page.getByTestId('vnc-type-cancel').click();

  // Leaving the tab closes the session.
  await page.getByTestId('vm-tab-overview').click();
  await sessions(qhci).toBe(0);

  // The same domain through the SSH host: the bytes come over the SSH connection (forwardOut).
  await openVmOn(page, 'kvm-a', dom!.name);
  await checkScreen(page);
  await sessions(qhci).toBe(1);
  await qhci.screenshot('console-vnc-ssh');

  // Detach: the console alone in the window; Back returns to the VM page's Console tab.
  await page.getByTestId('vnc-detach').click();
  await expect(page.getByTestId('console-detached')).toBeVisible();
  await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-state', 'connected', {
    timeout: 20_000,
  });
  await stableCanvas(page);
  await sessions(qhci).toBe(1);
  await qhci.screenshot('console-detached');
  await page.getByTestId('console-detached-back').click();
  await expect(page.getByTestId('vm-detail-name')).toHaveText(dom!.name);
  await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-state', 'connected', {
    timeout: 20_000,
  });

  await page.getByTestId('vm-detail-back').click();
  await sessions(qhci).toBe(0);
});

test('the serial console opens in a terminal; Ctrl+] leaves and Reconnect comes back', async ({
  page,
  qhci,
}) => {
  await addHosts(qhci);
  await qhci.open();
  for (const hostName of ['local', 'kvm-a']) {
    await openVmOn(page, hostName, dom!.name);
    await page.getByTestId('vm-tab-serial').click();
    const screen = page.getByTestId('serial-screen');
    await expect(screen).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
    await expect(screen.locator('.xterm')).toBeVisible();
    // xterm's own styles went to constructed stylesheets, not to <style> elements the CSP would refuse.
    await expect(screen.locator('style')).toHaveCount(0);
    expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBeGreaterThan(0);
    await sessions(qhci).toBe(1);
    // A reset makes SeaBIOS write its banner on the serial port: the host's bytes reach the terminal.
    virsh('reset', dom!.uuid);
    await expect(screen.locator('.xterm-rows')).toContainText('No bootable device.', { timeout: 20_000 });
    await expect(screen.locator('.xterm-rows')).toContainText('SeaBIOS');
    await screen.click();
    await qhci.screenshot(`console-serial-${hostName}`);

    await page.keyboard.press('Control+BracketRight');
    await expect(page.getByTestId('serial-left')).toBeVisible();
    await sessions(qhci).toBe(0);
    await qhci.screenshot(`console-serial-left-${hostName}`);
    await page.getByTestId('serial-reconnect').click();
    await expect(screen).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
    await sessions(qhci).toBe(1);

    await page.getByTestId('vm-tab-overview').click();
    await sessions(qhci).toBe(0);
    expect(await page.evaluate(() => document.adoptedStyleSheets.length)).toBe(0);
    await page.getByTestId('vm-detail-back').click();
  }
});

test('a VM whose display listens on every address is flagged on its page', async ({ page, qhci }) => {
  const uuid = randomUUID();
  const name = `qhci-t-exp-${uuid.slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'qhci-dom-'));
  try {
    // Defined only, never started: nothing listens, but its definition says it would, on 0.0.0.0.
    writeFileSync(
      join(dir, 'd.xml'),
      `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os><devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
  <graphics type='vnc' autoport='yes' listen='0.0.0.0'><listen type='address' address='0.0.0.0'/></graphics>
  </devices></domain>`,
    );
    virsh('define', join(dir, 'd.xml'));
    const local = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
    await qhci.call('hosts.sync', { id: local.id });
    await qhci.open();
    await page.getByTestId('nav-vms').click();
    await page.getByTestId('vm-filter-name').locator('input').fill(name);
    await page.getByTestId(`vm-open-${name}`).click();
    await expect(page.getByTestId('vm-detail-exposed')).toContainText('0.0.0.0');
    await qhci.screenshot('console-display-exposed');
    // The one started for the other tests listens on the loopback only: no warning there.
    await page.getByTestId('vm-detail-back').click();
    await page.getByTestId('vm-filter-name').locator('input').fill(dom!.name);
    await page.getByTestId(`vm-open-${dom!.name}`).click();
    await expect(page.getByTestId('vm-detail-name')).toHaveText(dom!.name);
    await expect(page.getByTestId('vm-detail-exposed')).toHaveCount(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeDomain(uuid);
  }
});

test('a display with a password asks for it, and shows the screen once given', async ({ page, qhci }) => {
  const uuid = randomUUID();
  const name = `qhci-t-pw-${uuid.slice(0, 8)}`;
  const dir = mkdtempSync(join(tmpdir(), 'qhci-dom-'));
  try {
    writeFileSync(
      join(dir, 'd.xml'),
      `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
  <graphics type='vnc' autoport='yes' passwd='s3cr3tpw'><listen type='address' address='127.0.0.1'/></graphics>
  <video><model type='vga'/></video></devices></domain>`,
    );
    virsh('define', join(dir, 'd.xml'));
    virsh('start', uuid);
    const local = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
    await qhci.call('hosts.sync', { id: local.id });
    await qhci.open();
    await page.getByTestId('nav-vms').click();
    await page.getByTestId('vm-filter-name').locator('input').fill(name);
    await page.getByTestId(`vm-open-${name}`).click();
    await page.getByTestId('vm-tab-console').click();
    await expect(page.getByTestId('vnc-password')).toBeVisible({ timeout: 20_000 });
    await qhci.screenshot('console-vnc-password');
    await page.getByTestId('vnc-password-input').fill('s3cr3tpw');
    await page.getByTestId('vnc-password-submit').click();
    await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-state', 'connected', {
      timeout: 20_000,
    });
    await stableCanvas(page);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    removeDomain(uuid);
  }
});

test('a console whose host connection drops reconnects by itself', async ({ page, qhci }) => {
  const hosts = await addHosts(qhci);
  await qhci.open();
  await openVmOn(page, 'kvm-a', dom!.name);
  await page.getByTestId('vm-tab-console').click();
  const screen = page.getByTestId('vnc-screen');
  await expect(screen).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  // As the network would: the TCP connection under the host's SSH session goes away.
  const driver = (await qhci.app.hosts.driverFor(hosts.ssh)) as unknown as {
    conn: { client: { _sock: { destroy(): void } } };
  };
  driver.conn.client._sock.destroy();
  await expect(page.getByTestId('vnc-ended-host-lost')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('vnc-retry')).toContainText('Reconnecting by itself');
  await qhci.screenshot('console-vnc-host-lost');
  await expect(screen).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  await stableCanvas(page);
  expect(qhci.invocations.filter((c) => c === 'consoles.open')).toHaveLength(2);

  // The serial console too.
  await page.getByTestId('vm-tab-serial').click();
  const serial = page.getByTestId('serial-screen');
  await expect(serial).toHaveAttribute('data-state', 'connected', { timeout: 20_000 });
  driver.conn.client._sock.destroy();
  await expect(page.getByTestId('serial-ended-host-lost')).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('serial-retry')).toContainText('Reconnecting by itself');
  await expect(serial).toHaveAttribute('data-state', 'connected', { timeout: 30_000 });
  expect(qhci.invocations.filter((c) => c === 'consoles.open')).toHaveLength(4);
  await page.getByTestId('vm-tab-overview').click();
  await sessions(qhci).toBe(0);
});

// Last: it stops the domain.
test('a VM that stops ends its console, and then every tab says it is not running', async ({
  page,
  qhci,
}) => {
  const hosts = await addHosts(qhci);
  await qhci.open();
  await openVmOn(page, 'local', dom!.name);
  await page.getByTestId('vm-tab-console').click();
  await expect(page.getByTestId('vnc-screen')).toHaveAttribute('data-state', 'connected', {
    timeout: 20_000,
  });
  virsh('destroy', dom!.uuid);
  await expect(page.getByTestId('vnc-ended-vm-stopped')).toBeVisible({ timeout: 20_000 });
  await sessions(qhci).toBe(0);
  await qhci.screenshot('console-vnc-vm-stopped');

  // Once the inventory knows, the consoles say so instead of trying.
  await qhci.call('hosts.sync', { id: hosts.local });
  await expect(page.getByTestId('vnc-off')).toBeVisible();
  await page.getByTestId('vm-tab-serial').click();
  await expect(page.getByTestId('serial-off')).toBeVisible();
  await page.getByTestId('vm-tab-overview').click();
  await expect(page.getByTestId('vm-thumb-off')).toBeVisible();
  await qhci.screenshot('console-overview-off');
  expect(qhci.invocations.filter((c) => c === 'consoles.open')).toHaveLength(1);
});
