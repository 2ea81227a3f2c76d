/**
 * The Virtual Machines page against real domains on the testbed's qemu:///system: the virtualised list
 * with its filters and sorting, the hosts/folders tree, power on one row and in bulk, moving VMs to a
 * folder by dragging and from the keyboard, live state from pushed events, and the VM detail with Delete.
 */
import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inTransaction } from '../../src/main/inventory/db';
import { defineDomain, domstate, QEMU, removeDomain, virsh } from '../helpers/domains';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test, type Qhci } from './fixtures';

test.skip(testbed === null, `VM e2e tests need the testbed: ${NO_TESTBED}`);

const POOL = 'qhci-testbed';
const defined: string[] = [];
const volumes: string[] = [];

/** Three diskless domains named <prefix>-a, -b, -c, and one other (all removed after the test). */
function defineThree(): { prefix: string; names: string[]; uuids: string[] } {
  const prefix = `qhci-t-vm${randomUUID().slice(0, 6)}`;
  const doms = ['a', 'b', 'c'].map((s) => defineDomain(`${prefix}-${s}`));
  defined.push(...doms.map((d) => d.uuid), defineDomain().uuid);
  return { prefix, names: doms.map((d) => d.name), uuids: doms.map((d) => d.uuid) };
}

/** A domain whose disk is a qcow2 overlay on a base volume, with a NIC on the default network. */
function defineWithDisk(): { name: string; uuid: string; base: string; overlay: string; basePath: string } {
  const id = randomUUID().slice(0, 6);
  const base = `qhci-t-base-${id}.qcow2`;
  const overlay = `qhci-t-disk-${id}.qcow2`;
  virsh('vol-create-as', POOL, base, '64M', '--format', 'qcow2');
  volumes.push(base);
  virsh(
    'vol-create-as',
    POOL,
    overlay,
    '1G',
    '--format',
    'qcow2',
    '--backing-vol',
    base,
    '--backing-vol-format',
    'qcow2',
  );
  volumes.push(overlay);
  const basePath = virsh('vol-path', '--pool', POOL, base).trim();
  const overlayPath = virsh('vol-path', '--pool', POOL, overlay).trim();
  const uuid = randomUUID();
  const name = `qhci-t-disk-${id}`;
  const dir = mkdtempSync(join(tmpdir(), 'qhci-dom-'));
  writeFileSync(
    join(dir, 'd.xml'),
    `<domain type='qemu'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>2</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='hd'/></os><features><acpi/></features>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${overlayPath}'/><target dev='vda' bus='virtio'/></disk>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/></devices></domain>`,
  );
  try {
    virsh('define', join(dir, 'd.xml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  defined.push(uuid);
  return { name, uuid, base, overlay: overlayPath, basePath };
}

test.afterEach(() => {
  for (const uuid of defined.splice(0)) removeDomain(uuid);
  for (const name of volumes.splice(0).reverse()) {
    try {
      virsh('vol-delete', '--pool', POOL, name);
    } catch {
      /* already gone */
    }
  }
});

const addLocal = (qhci: Qhci) =>
  qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });

/** The names of the rows in the list, top to bottom. */
async function rowNames(page: Page): Promise<string[]> {
  const ids = await page
    .locator('[data-testid="vm-table"] tr.qhci-vm-row:not([aria-hidden])')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid') ?? ''));
  return ids.map((id) => id.replace(/^vm-row-/, ''));
}

async function openVms(page: Page, qhci: Qhci) {
  await qhci.open();
  await page.getByTestId('nav-vms').click();
  await expect(page.getByTestId('vm-table')).toBeVisible();
}

test('the list filters and sorts by name, state, host, folder and label; the tree filters by host', async ({
  page,
  qhci,
}) => {
  const { prefix, names } = defineThree();
  await addLocal(qhci);
  const total = (await qhci.call('vms.list', {})).length;
  await openVms(page, qhci);
  await expect(page.getByTestId('vm-count')).toHaveText(`${total} VM${total === 1 ? '' : 's'}`);
  const shownAtOnce = await page.locator('[data-testid="vm-table"] tbody tr.qhci-vm-row').count();

  // The empty name field shows its placeholder where typed text starts, and no clear button.
  const nameInput = page.getByTestId('vm-filter-name').locator('input');
  const placeholder = page.getByTestId('vm-filter-name-placeholder');
  await expect(placeholder).toBeVisible();
  await expect(placeholder).toHaveText('Filter by name');
  await expect(page.getByTestId('vm-filter-name-clear')).toBeHidden();
  const textStart = await nameInput.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    const top = box.top + parseFloat(style.paddingTop) + parseFloat(style.borderTopWidth);
    const bottom = box.bottom - parseFloat(style.paddingBottom) - parseFloat(style.borderBottomWidth);
    // Where the text starts across, and the middle of the line it sits on.
    return {
      x: box.left + parseFloat(style.paddingLeft) + parseFloat(style.borderLeftWidth),
      y: (top + bottom) / 2,
      font: `${style.fontSize} ${style.fontFamily}`,
    };
  });
  const placeholderStart = await placeholder.evaluate((el) => {
    const text = document.createRange();
    text.selectNodeContents(el);
    const style = getComputedStyle(el);
    const top = el.getBoundingClientRect().top + parseFloat(style.paddingTop);
    return {
      x: text.getBoundingClientRect().left,
      y: top + parseFloat(style.lineHeight) / 2,
      font: `${style.fontSize} ${style.fontFamily}`,
    };
  });
  expect(Math.abs(placeholderStart.x - textStart.x)).toBeLessThan(1);
  expect(Math.abs(placeholderStart.y - textStart.y)).toBeLessThan(1);
  expect(placeholderStart.font).toBe(textStart.font);

  // By name: a part of it, in any case. The placeholder gives way to the text, and the clear button shows.
  await nameInput.fill(prefix.toUpperCase());
  await expect(page.getByTestId('vm-count')).toHaveText(`3 of ${total} VMs`);
  await expect(placeholder).toBeHidden();
  await expect(page.getByTestId('vm-filter-name-clear')).toBeVisible();
  expect(await rowNames(page)).toEqual(names);
  // The table tells assistive technology how many rows it has in all (the header and the three).
  await expect(page.getByTestId('vm-table')).toHaveAttribute('aria-rowcount', '4');
  for (const n of names) {
    await expect(page.getByTestId(`vm-host-${n}`)).toHaveText('local');
    await expect(page.getByTestId(`vm-folder-${n}`)).toHaveText('—');
    await expect(page.getByTestId(`vm-state-${n}`)).toHaveText('Shut off');
  }
  // Sorted by name, then the other way round.
  await page.getByTestId('vm-sort-name').getByRole('button').click();
  expect(await rowNames(page)).toEqual([...names].reverse());
  await page.getByTestId('vm-sort-name').getByRole('button').click();
  expect(await rowNames(page)).toEqual(names);
  // The name field's own clear button empties it and shows every VM again.
  await page.getByTestId('vm-filter-name-clear').click();
  await expect(page.getByTestId('vm-filter-name').locator('input')).toHaveValue('');
  await expect(page.getByTestId('vm-count')).toHaveText(`${total} VM${total === 1 ? '' : 's'}`);
  await expect(page.getByTestId('vm-filter-name-clear')).toBeHidden();
  await expect(placeholder).toBeVisible();
  await page.getByTestId('vm-filter-name').locator('input').fill(prefix);
  await expect(page.getByTestId('vm-count')).toHaveText(`3 of ${total} VMs`);

  // By state: none of them runs.
  await page.getByTestId('vm-filter-state').selectOption('running');
  await expect(page.getByTestId('vm-no-match')).toBeVisible();
  // The three row elements stay, as spares for the next filter (slots.ts), but nothing of them is left
  // to see, reach or find: clipped below the header, hidden from assistive technology, out of the tab
  // order (the checkbox, the name and the two power buttons of each), without test ids.
  const table = page.getByTestId('vm-table');
  const spares = table.locator('tbody tr.qhci-vm-row[aria-hidden="true"]');
  // (As many as the list has shown at once, before the name filter.)
  await expect(spares).toHaveCount(shownAtOnce);
  await expect(table.getByRole('row')).toHaveCount(1);
  await expect(table.locator('tbody [data-testid]')).toHaveCount(0);
  expect(
    await spares.evaluateAll((rows) =>
      rows.flatMap((r) => [...r.querySelectorAll('button, input')].map((el) => el.getAttribute('tabindex'))),
    ),
  ).toEqual(Array(shownAtOnce * 4).fill('-1'));
  const clip = await page.locator('.qhci-vm-clip').boundingBox();
  const head = await table.locator('thead').boundingBox();
  expect(clip!.height).toBeCloseTo(head!.height, 0);
  for (const top of await spares.evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().top))) {
    expect(top).toBeGreaterThanOrEqual(clip!.y + clip!.height - 0.5);
  }
  // What shows where a spare lies is not the spare (a click there cannot reach it).
  expect(
    await spares.evaluateAll((rows) =>
      rows.map((r) => {
        const box = r.getBoundingClientRect();
        return r.contains(document.elementFromPoint(box.left + 30, box.top + box.height / 2));
      }),
    ),
  ).toEqual(Array(shownAtOnce).fill(false));
  await page.getByTestId('vm-filter-state').selectOption('shutoff');
  await expect(page.getByTestId('vm-count')).toHaveText(`3 of ${total} VMs`);
  // The same elements show the three again; the others stay spares.
  expect(await rowNames(page)).toEqual(names);
  await expect(spares).toHaveCount(shownAtOnce - 3);
  await expect(table.getByRole('row')).toHaveCount(4);
  for (const n of names) {
    await expect(page.getByTestId(`vm-power-primary-${n}`)).toHaveAccessibleName(`Start ${n}`);
    await expect(page.getByTestId(`vm-power-primary-${n}`)).toBeEnabled();
  }

  // By folder and label: these domains are in no folder and have no labels.
  await page.getByTestId('vm-filter-folder').selectOption('none');
  await expect(page.getByTestId('vm-count')).toHaveText(`3 of ${total} VMs`);
  await page.getByTestId('vm-filter-label').fill('env=prod');
  await expect(page.getByTestId('vm-no-match')).toBeVisible();
  await expect(page.getByTestId('vm-select-all')).toBeDisabled();
  await page.getByTestId('vm-filter-clear').click();
  await expect(page.getByTestId('vm-count')).toHaveText(`${total} VM${total === 1 ? '' : 's'}`);
  // With no filter set, "Clear filters" keeps its place but is hidden (and out of the tab order).
  await expect(page.getByTestId('vm-filter-clear')).toBeHidden();
  await expect(page.getByTestId('vm-select-all')).toBeEnabled();
  await expect(page.getByTestId('vm-filter-name').locator('input')).toHaveValue('');

  // The tree: hosts with their VM counts; choosing one filters the list to it.
  await expect(page.getByTestId('vm-tree-count-host-local')).toHaveText(String(total));
  await page.getByTestId('vm-tree-host-local').click();
  const [local] = await qhci.call('hosts.list', {});
  await expect(page.getByTestId('vm-filter-host')).toHaveValue(local!.id);
  await page.getByTestId('vm-tree-all').click();
  await expect(page.getByTestId('vm-filter-host')).toHaveValue('');
  await page.getByTestId('vm-filter-name').locator('input').fill(prefix);
  await qhci.screenshot('vms-list');
});

test('power: one row, then the checked rows in bulk; a state pushed by main updates the row in place', async ({
  page,
  qhci,
}) => {
  const { prefix, names, uuids } = defineThree();
  const [a, b, c] = names as [string, string, string];
  await addLocal(qhci);
  await openVms(page, qhci);
  await page.getByTestId('vm-filter-name').locator('input').fill(prefix);
  await expect(page.getByTestId('vm-count')).toContainText('3 of');

  // One row: its one-click action for the VM's state, and a menu button. Both draw PatternFly's icons as
  // CSS masks: a 1em square, painted, masked by an SVG.
  const primary = page.getByTestId(`vm-power-primary-${a}`);
  const menuButton = page.getByTestId(`vm-power-menu-${a}`);
  for (const button of [primary, menuButton]) {
    const icon = await button.evaluate((el) => {
      const cs = getComputedStyle(el, '::before');
      return { mask: cs.maskImage, width: cs.width, fill: cs.backgroundColor };
    });
    expect(icon.mask).toMatch(/^url\("data:image\/svg\+xml,.*path/);
    expect(icon.width).not.toBe('0px');
    expect(icon.fill).not.toBe('rgba(0, 0, 0, 0)');
  }
  await expect(primary).toBeEnabled();
  await expect(primary).toHaveAccessibleName(`Start ${a}`);
  await expect(menuButton).toHaveAttribute('aria-expanded', 'false');

  // The menu: every action, those that do not apply to a shut-off VM disabled; Escape gives the focus back.
  await menuButton.click();
  const menu = page.getByTestId('vm-power-menu');
  await expect(menu).toBeVisible();
  await expect(menuButton).toHaveAttribute('aria-expanded', 'true');
  // Below its button, its right edge at the button's.
  const [menuBox, buttonBox] = [(await menu.boundingBox())!, (await menuButton.boundingBox())!];
  expect(menuBox.y).toBeGreaterThanOrEqual(buttonBox.y + buttonBox.height - 1);
  expect(menuBox.y).toBeLessThan(buttonBox.y + buttonBox.height + 16);
  expect(menuBox.x + menuBox.width).toBeCloseTo(buttonBox.x + buttonBox.width, -1);
  const item = (action: string) => page.getByTestId(`vm-power-${action}-${a}`).getByRole('menuitem');
  await expect(item('start')).toBeEnabled();
  await expect(item('start')).toBeFocused();
  for (const action of ['shutdown', 'destroy', 'reboot', 'suspend', 'resume'])
    await expect(item(action)).toBeDisabled();
  await qhci.screenshot('vms-power-menu');
  await page.keyboard.press('Escape');
  await expect(menu).toHaveCount(0);
  await expect(menuButton).toBeFocused();
  await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
  // A click elsewhere closes it; another row's menu button opens the one menu for that row, and pressed
  // again closes it.
  await menuButton.click();
  await expect(item('start')).toBeVisible();
  await page.getByTestId('vm-count').click();
  await expect(menu).toHaveCount(0);
  const menuB = page.getByTestId(`vm-power-menu-${b}`);
  await menuB.click();
  await expect(page.getByTestId(`vm-power-start-${b}`)).toBeVisible();
  await expect(item('start')).toHaveCount(0);
  await expect(menuButton).toHaveAttribute('aria-expanded', 'false');
  await expect(menuB).toHaveAttribute('aria-expanded', 'true');
  await menuB.click();
  await expect(menu).toHaveCount(0);
  await expect(menuB).toHaveAttribute('aria-expanded', 'false');

  // A row's buttons change at once when what applies changes, with no fade (vms.css says why): record
  // every transition that starts in a row's power buttons from now on.
  await page.getByTestId('vm-table').evaluate((table) => {
    const started: string[] = [];
    (window as unknown as { __powerTransitions: string[] }).__powerTransitions = started;
    table.addEventListener('transitionrun', (event) => {
      const e = event as TransitionEvent;
      const target = e.target as Element;
      if (target.closest('.qhci-power-buttons'))
        started.push(`${target.getAttribute('aria-label')}${e.pseudoElement} ${e.propertyName}`);
    });
  });
  // The state's label: "Shut off" has no icon; "Running" shows PatternFly's check circle, drawn as a mask.
  const stateIcon = (name: string) =>
    page.getByTestId(`vm-state-${name}`).evaluate((el) => {
      const cs = getComputedStyle(el, '::before');
      return {
        mask: cs.maskImage,
        width: parseFloat(cs.width),
        height: parseFloat(cs.height),
        fill: cs.backgroundColor,
      };
    });
  expect((await stateIcon(a)).width).toBe(0);
  await primary.click();
  await expect(page.getByTestId(`vm-state-${a}`)).toHaveText('Running');
  const running = await stateIcon(a);
  expect(running.mask).toMatch(/^url\("data:image\/svg\+xml,.*path/);
  expect(running.width).toBeGreaterThan(8);
  expect(running.height).toBeGreaterThan(8);
  expect(running.fill).not.toBe('rgba(0, 0, 0, 0)');
  expect(domstate(uuids[0]!)).toBe('running');
  // Running, the one-click action is Shut down; the button changed without a fade (it was hovered and
  // pressed).
  await expect(primary).toHaveAccessibleName(`Shut down ${a}`);
  await expect(primary).toBeEnabled();
  expect(
    await page.evaluate(() => (window as unknown as { __powerTransitions: string[] }).__powerTransitions),
  ).toEqual([]);

  // From the keyboard: the menu button opens the menu on the first action that applies; Suspend pauses a,
  // and the focus goes back to the menu button. Paused, the one-click action is Resume.
  await menuButton.focus();
  await page.keyboard.press('Enter');
  await expect(item('shutdown')).toBeFocused();
  await expect(item('start')).toBeDisabled();
  await expect(item('destroy')).toBeEnabled();
  await expect(item('resume')).toBeDisabled();
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowDown');
  await expect(item('suspend')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId(`vm-state-${a}`)).toHaveText('Paused');
  expect(domstate(uuids[0]!)).toBe('paused');
  await expect(menu).toHaveCount(0);
  await expect(menuButton).toBeFocused();
  await expect(primary).toHaveAccessibleName(`Resume ${a}`);
  await primary.click();
  await expect(page.getByTestId(`vm-state-${a}`)).toHaveText('Running');
  expect(domstate(uuids[0]!)).toBe('running');

  // Bulk: check b and c (from the keyboard), Power > Start.
  await expect(page.getByTestId('vm-bulk-power')).toBeDisabled();
  await page.getByTestId(`vm-select-${b}`).focus();
  await page.keyboard.press('Space');
  await page.getByTestId(`vm-select-${c}`).check();
  await expect(page.getByTestId('vm-count')).toContainText('2 checked');
  await page.getByTestId('vm-bulk-power').click();
  await page.getByTestId('vm-bulk-start').click();
  await expect(page.getByTestId(`vm-state-${b}`)).toHaveText('Running');
  await expect(page.getByTestId(`vm-state-${c}`)).toHaveText('Running');
  expect(uuids.map(domstate)).toEqual(['running', 'running', 'running']);

  // Check all three (the header box checks what the filters show) and force them off.
  await page.getByTestId('vm-select-all').check();
  await expect(page.getByTestId('vm-count')).toContainText('3 checked');
  await page.getByTestId('vm-bulk-power').click();
  await page.getByTestId('vm-bulk-destroy').click();
  for (const n of names) await expect(page.getByTestId(`vm-state-${n}`)).toHaveText('Shut off');
  expect(uuids.map(domstate)).toEqual(['shut off', 'shut off', 'shut off']);
  await expect(page.getByTestId('vm-power-error')).toHaveCount(0);

  // Start a with virsh behind QHCI's back and push the vm.state event main's host monitor would send:
  // the row turns running from the event alone, without reading the VM list again.
  const vm = (await qhci.call('vms.list', {})).find((v) => v.name === a)!;
  const reads = qhci.invocations.filter((i) => i === 'vms.list').length;
  virsh('start', uuids[0]!);
  qhci.app.events.emit('vm.state', { vmId: vm.id, hostId: vm.hostId!, state: 'running' });
  await expect(page.getByTestId(`vm-state-${a}`)).toHaveText('Running');
  await expect(page.getByTestId(`vm-power-primary-${a}`)).toHaveAccessibleName(`Shut down ${a}`);
  expect(qhci.invocations.filter((i) => i === 'vms.list').length).toBe(reads);
  await page.mouse.move(0, 0);
  await qhci.screenshot('vms-power');
});

test('a long list keeps only the rows in view in the page; scrolling shows the right ones and closes the power menu', async ({
  page,
  qhci,
}) => {
  // 2,000 VMs on a host of libvirt's test driver, written straight into the inventory (as bench/list does).
  const host = await qhci.call('hosts.add', {
    name: 'many',
    connection: { kind: 'libvirt', uri: 'test:///default' },
  });
  const { projectId } = await qhci.call('folders.tree', {});
  const n = 2000;
  const name = (i: number) => `bulk-${String(i).padStart(5, '0')}`;
  inTransaction(qhci.app.inventory.db, () => {
    for (let i = 0; i < n; i++) {
      qhci.app.repos.vms.insert({
        projectId,
        name: name(i),
        hostId: host.id,
        folderId: null,
        state: i % 2 === 0 ? 'shutoff' : 'running',
      });
    }
  });
  const total = (await qhci.call('vms.list', {})).length;
  await openVms(page, qhci);
  await page.getByTestId('vm-filter-name').locator('input').fill('bulk-');
  await expect(page.getByTestId('vm-count')).toHaveText(`${n} of ${total} VMs`);
  const inPage = page.locator('[data-testid="vm-table"] tr.qhci-vm-row');
  expect(await inPage.count()).toBeLessThan(30);
  const first = await rowNames(page);
  expect(first.slice(0, 3)).toEqual([name(0), name(1), name(2)]);

  // The power menu of a row in view; scrolling gives that row to another VM, and closes the menu.
  await page.getByTestId(`vm-power-menu-${name(1)}`).click();
  await expect(page.getByTestId(`vm-power-shutdown-${name(1)}`)).toBeVisible();
  const scroller = page.getByTestId('vm-table-scroll');
  await scroller.evaluate((el) => (el.scrollTop = 1000 * 44));
  await expect(page.getByTestId('vm-power-menu')).toHaveCount(0);

  // The rows now in the page are consecutive VMs of the list, around the 1,000th, and still few.
  await expect(page.getByTestId(`vm-row-${name(1005)}`)).toBeVisible();
  const middle = await rowNames(page);
  const indices = middle.map((m) => Number(m.slice('bulk-'.length)));
  expect(indices).toEqual(indices.map((_, k) => indices[0]! + k));
  expect(indices[0]).toBeGreaterThanOrEqual(990);
  expect(indices[0]).toBeLessThanOrEqual(1001);
  expect(await inPage.count()).toBeLessThan(30);
  await expect(page.getByTestId(`vm-state-${name(1005)}`)).toHaveText('Running');
  await expect(page.getByTestId(`vm-power-primary-${name(1006)}`)).toHaveAccessibleName(
    `Start ${name(1006)}`,
  );

  // The end of the list: the last VM, at the bottom.
  await scroller.evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.getByTestId(`vm-row-${name(n - 1)}`)).toBeVisible();
  expect((await rowNames(page)).at(-1)).toBe(name(n - 1));
});

test('a name too long for its column stays on one line, cut with an ellipsis; the row keeps its height', async ({
  page,
  qhci,
}) => {
  const long = defineDomain(`qhci-t-${randomUUID().slice(0, 6)}-${'very-long-name-'.repeat(6)}end`);
  const short = defineDomain();
  defined.push(long.uuid, short.uuid);
  await addLocal(qhci);
  await openVms(page, qhci);
  await page.getByTestId('vm-filter-name').locator('input').fill('qhci-t-');
  const name = page.getByTestId(`vm-open-${long.name}`);
  await expect(name).toBeVisible();
  // One line, cut: the text is wider than the box that shows it, and the full name is its title.
  const box = await name.evaluate((el) => {
    const cs = getComputedStyle(el);
    return {
      overflows: el.scrollWidth > el.clientWidth,
      whiteSpace: cs.whiteSpace,
      textOverflow: cs.textOverflow,
      height: el.getBoundingClientRect().height,
      lineHeight: parseFloat(cs.lineHeight),
    };
  });
  expect(box).toMatchObject({ overflows: true, whiteSpace: 'nowrap', textOverflow: 'ellipsis' });
  expect(box.height).toBeLessThan(box.lineHeight * 1.5);
  await expect(name).toHaveAttribute('title', long.name);
  await expect(name).toHaveAccessibleName(`Open ${long.name}`);
  // Every row keeps the height the virtualised list counts on.
  for (const row of [long.name, short.name]) {
    const height = (await page.getByTestId(`vm-row-${row}`).boundingBox())!.height;
    expect(height).toBeCloseTo(44, 0);
  }
});

test("a row's label, name and power buttons look as PatternFly's own: computed styles compared in the page", async ({
  page,
  qhci,
}) => {
  const { prefix, names } = defineThree();
  const a = names[0]!;
  await addLocal(qhci);
  await openVms(page, qhci);
  await page.getByTestId('vm-filter-name').locator('input').fill(prefix);
  await expect(page.getByTestId(`vm-state-${a}`)).toHaveText('Shut off');

  // PatternFly's markup for the same things, with PatternFly's classes, in the same table cell (so in the
  // same inherited font and theme), and ours beside it for the states no row shows here.
  await page.getByTestId(`vm-state-${a}`).evaluate((label) => {
    const cell = label.parentElement!;
    const probe = document.createElement('div');
    probe.id = 'pf-probe';
    Object.assign(probe.style, { position: 'fixed', left: '8px', bottom: '8px', zIndex: '10000' });
    const status = ['', 'success', 'warning', 'danger', 'info', 'blue'];
    probe.innerHTML =
      status
        .map(
          (s) =>
            `<span class="pf-v6-c-label pf-m-compact pf-m-filled ${s ? `pf-m-${s}` : ''}" data-pf-label="${s}">` +
            `<span class="pf-v6-c-label__content"><span class="pf-v6-c-label__icon"><i></i></span>` +
            `<span class="pf-v6-c-label__text">Label</span></span></span>` +
            `<span class="qhci-label ${s ? `qhci-label-${s}` : ''}" data-our-label="${s}">Label</span>`,
        )
        .join('') +
      '<button class="pf-v6-c-button pf-m-plain pf-m-small" data-pf-button>' +
      '<span class="pf-v6-c-button__icon"><i></i></span></button>' +
      '<button class="pf-v6-c-button pf-m-plain pf-m-small pf-m-aria-disabled" aria-disabled="true" data-pf-button-off>' +
      '<span class="pf-v6-c-button__icon"><i></i></span></button>' +
      '<button class="qhci-row-button qhci-icon-play" aria-disabled="true" data-our-button-off></button>' +
      '<button class="pf-v6-c-button pf-m-link pf-m-inline" data-pf-link>name</button>';
    cell.append(probe);
  });
  const styles = (selector: string, props: string[], pseudo?: string) =>
    page.locator(selector).evaluate(
      (el, [props, pseudo]) => {
        const cs = getComputedStyle(el, pseudo as string | undefined);
        return Object.fromEntries((props as string[]).map((p) => [p, cs.getPropertyValue(p)]));
      },
      [props, pseudo ?? null] as const,
    );
  const box = ['padding-top', 'padding-right', 'padding-bottom', 'padding-left', 'border-top-left-radius'];
  const font = ['font-size', 'font-family', 'font-weight'];

  // Labels, in every status: the pill (PatternFly draws it in the content's ::before), the text and the icon.
  for (const s of ['', 'success', 'warning', 'danger', 'info', 'blue']) {
    const pf = `[data-pf-label="${s}"]`;
    const ours = s === '' ? `[data-testid="vm-state-${a}"]` : `[data-our-label="${s}"]`;
    expect(await styles(ours, [...box, ...font, 'min-width'])).toEqual(
      await styles(pf, [...box, ...font, 'min-width']),
    );
    expect((await styles(ours, ['background-color'])).valueOf()).toEqual(
      await styles(`${pf} .pf-v6-c-label__content`, ['background-color'], '::before'),
    );
    expect(await styles(ours, ['color'])).toEqual(await styles(`${pf} .pf-v6-c-label__content`, ['color']));
    expect((await styles(ours, ['background-color'], '::before'))['background-color']).toBe(
      (await styles(`${pf} .pf-v6-c-label__icon`, ['color']))['color'],
    );
  }

  // The power buttons: a small plain button's box, colours and icon colour; disabled; hovered.
  const primary = `[data-testid="vm-power-primary-${a}"]`;
  const buttonLook = ['background-color', 'color', ...box, 'font-size'];
  for (const ours of [primary, `[data-testid="vm-power-menu-${a}"]`]) {
    expect(await styles(ours, buttonLook)).toEqual(await styles('[data-pf-button]', buttonLook));
    expect((await styles(ours, ['background-color'], '::before'))['background-color']).toBe(
      (await styles('[data-pf-button] .pf-v6-c-button__icon', ['color']))['color'],
    );
  }
  expect(await styles('[data-our-button-off]', buttonLook)).toEqual(
    await styles('[data-pf-button-off]', buttonLook),
  );
  expect((await styles('[data-our-button-off]', ['background-color'], '::before'))['background-color']).toBe(
    (await styles('[data-pf-button-off] .pf-v6-c-button__icon', ['color']))['color'],
  );
  // (PatternFly fades its hover in: its transitions are let finish before reading.)
  const settled = (selector: string) =>
    page.locator(selector).evaluate((el) => Promise.all(el.getAnimations().map((an) => an.finished)));
  await page.locator('[data-pf-button]').hover();
  await settled('[data-pf-button]');
  const pfHover = await styles('[data-pf-button]', ['background-color']);
  await page.locator(primary).hover();
  expect(await styles(primary, ['background-color'])).toEqual(pfHover);

  // The name: PatternFly's inline link, at rest and hovered.
  const name = `[data-testid="vm-open-${a}"]`;
  const link = [
    'color',
    ...font,
    'line-height',
    ...box.slice(0, 4),
    'text-decoration-line',
    'text-decoration-style',
    'text-decoration-color',
    'text-underline-offset',
  ];
  await page.mouse.move(0, 0);
  await settled('[data-pf-button]');
  expect(await styles(name, link)).toEqual(await styles('[data-pf-link]', link));
  await page.locator('[data-pf-link]').hover();
  await settled('[data-pf-link]');
  const pfLinkHover = await styles('[data-pf-link]', link);
  await page.locator(name).hover();
  expect(await styles(name, link)).toEqual(pfLinkHover);
  await page.locator('#pf-probe').evaluate((el) => el.remove());
});

test('move to folder: drag rows onto a folder of the tree, or use Move to folder from the keyboard', async ({
  page,
  qhci,
}) => {
  const { prefix, names } = defineThree();
  const [a, b, c] = names as [string, string, string];
  await addLocal(qhci);
  const prod = await qhci.call('folders.create', { name: 'Prod' });
  const lab = await qhci.call('folders.create', { name: 'Lab' });
  await openVms(page, qhci);
  await page.getByTestId('vm-filter-name').locator('input').fill(prefix);
  await page.getByTestId('vm-tree-mode-folders').click();
  await expect(page.getByTestId('vm-tree-folder-/Prod')).toBeVisible();
  await expect(page.getByTestId('vm-tree-count-folder-/Prod')).toHaveText('0');

  // One row dragged onto Prod.
  await page.getByTestId(`vm-row-${a}`).dragTo(page.getByTestId('vm-tree-folder-/Prod'));
  await expect(page.getByTestId('vm-tree-count-folder-/Prod')).toHaveText('1');
  await expect(page.getByTestId(`vm-folder-${a}`)).toHaveText('/Prod');
  const folderOf = async (name: string) =>
    (await qhci.call('vms.list', {})).find((v) => v.name === name)!.folderId;
  expect(await folderOf(a)).toBe(prod.id);

  // Dragging a checked row drags every checked row.
  await page.getByTestId(`vm-select-${b}`).check();
  await page.getByTestId(`vm-select-${c}`).check();
  await page.getByTestId(`vm-row-${b}`).dragTo(page.getByTestId('vm-tree-folder-/Lab'));
  await expect(page.getByTestId('vm-tree-count-folder-/Lab')).toHaveText('2');
  expect([await folderOf(b), await folderOf(c)]).toEqual([lab.id, lab.id]);
  await qhci.screenshot('vms-folders-tree');

  // From the keyboard: Move to folder with b and c still checked, to no folder at all.
  await page.getByTestId('vm-bulk-move').focus();
  await page.keyboard.press('Enter');
  const modal = page.getByTestId('vm-move-modal');
  await expect(modal).toContainText('Move 2 virtual machines to a folder');
  await expect(page.getByTestId('vm-move-target')).toBeFocused();
  await page.getByTestId('vm-move-target').selectOption({ label: 'No folder' });
  await page.getByTestId('vm-move-target').press('Enter');
  await expect(modal).toBeHidden();
  await expect(page.getByTestId('vm-tree-count-folder-/Lab')).toHaveText('0');
  expect([await folderOf(b), await folderOf(c)]).toEqual([null, null]);

  // The folder filter follows the tree: choosing Prod lists only a.
  await page.getByTestId('vm-tree-folder-/Prod').click();
  await expect(page.getByTestId('vm-filter-folder')).toHaveValue(prod.id);
  await expect(page.getByTestId('vm-count')).toContainText('1 of');
  expect(await rowNames(page)).toEqual([a]);
});

test('the VM detail shows its host, devices and backing chain; Delete asks first and removes the domain', async ({
  page,
  qhci,
}) => {
  const dom = defineWithDisk();
  await addLocal(qhci);
  await openVms(page, qhci);
  await page.getByTestId('vm-filter-name').locator('input').fill(dom.name);
  await page.getByTestId(`vm-open-${dom.name}`).click();

  const detail = page.getByTestId('vm-detail');
  await expect(detail).toBeVisible();
  await expect(page.getByTestId('vm-detail-name')).toHaveText(dom.name);
  await expect(page.getByTestId('vm-detail-state')).toHaveText('Shut off');
  await expect(page.getByTestId('vm-detail-host')).toHaveText('local');
  await expect(page.getByTestId('vm-detail-folder')).toHaveText('In no folder');
  await expect(page.getByTestId('vm-detail-vcpus')).toHaveText('2');
  await expect(page.getByTestId('vm-detail-memory')).toHaveText('64 MiB');
  await expect(page.getByTestId('vm-disk-source-vda')).toHaveText(dom.overlay);
  await expect(page.getByTestId('vm-disk-chain-vda')).toContainText(dom.basePath);
  await expect(page.getByTestId('vm-nic-0')).toContainText('default');
  await expect(page.getByTestId('vm-detail-no-request')).toBeVisible();
  await qhci.screenshot('vm-detail', { height: 1200 });

  // Power from the detail.
  await page.getByTestId(`vm-power-start-${dom.name}`).click();
  await expect(page.getByTestId('vm-detail-state')).toHaveText('Running');
  expect(domstate(dom.uuid)).toBe('running');

  // Delete: Cancel keeps it; confirming forces it off, undefines it and deletes its own disk only.
  await page.getByTestId('vm-detail-delete').click();
  const modal = page.getByTestId('vm-delete-modal');
  await expect(modal).toContainText('it is forced off first');
  await expect(page.getByTestId('vm-delete-cancel')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(modal).toBeHidden();
  await page.getByTestId('vm-detail-delete').click();
  await expect(page.getByTestId('vm-delete-disks')).toBeChecked();
  await qhci.screenshot('vm-delete-modal');
  await page.getByTestId('vm-delete-confirm').click();
  await expect(modal).toBeHidden();
  await expect(page.getByTestId('vm-detail')).toBeHidden();
  await expect(page.getByTestId(`vm-row-${dom.name}`)).toHaveCount(0);
  expect(virsh('list', '--all', '--name')).not.toContain(dom.name);
  const left = virsh('vol-list', '--pool', POOL);
  expect(left).toContain(dom.base);
  expect(left).not.toContain(dom.overlay.split('/').pop()!);
  expect((await qhci.call('vms.list', {})).some((v) => v.name === dom.name)).toBe(false);
});
