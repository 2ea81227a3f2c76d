/**
 * The VM page's Snapshots tab against real domains on the testbed's libvirt (9.0: internal snapshots),
 * reached as the local host: a shut-off VM's snapshot is taken through the dialog (the plan shown first, the
 * name checked as it is typed), its disk is overwritten and reverted (the first pattern is back), two more
 * are taken in a chain, two deleted in one go and the last alone (libvirt and the qcow2 file hold exactly
 * what is left). A running VM's plan shows its memory against the pool's free space and its snapshot
 * reverts to running; a UEFI VM's plan refuses with libvirt's reason and Create stays disabled.
 */
import type { Page } from '@playwright/test';
import { QEMU, domstate, virsh } from '../helpers/domains';
import {
  defineDiskVm,
  qcowSnapshots,
  qemuIo,
  removeDiskVm,
  virshSnapshots,
  type DiskVm,
} from '../helpers/snapshots';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { openVmOn } from './console-helpers';
import { expect, test, type Qhci } from './fixtures';

test.skip(testbed === null, `snapshot e2e tests need the testbed: ${NO_TESTBED}`);

const vms: DiskVm[] = [];
const make = (opts?: Parameters<typeof defineDiskVm>[0]) => {
  const vm = defineDiskVm(opts);
  vms.push(vm);
  return vm;
};

test.afterAll(() => {
  for (const vm of vms.splice(0)) removeDiskVm(vm);
});

/** Lets a button's colour transition (enabled ↔ disabled) finish before a screenshot. */
const settle = (page: Page) => page.waitForTimeout(300);

/** The local host added and synced, and the VM's Snapshots tab open. */
async function openSnapshots(page: Page, qhci: Qhci, vm: DiskVm): Promise<void> {
  await qhci.open();
  const host = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
  await qhci.call('hosts.sync', { id: host.id });
  await openVmOn(page, 'local', vm.name);
  await page.getByTestId('vm-tab-snapshots').click();
  await expect(page.getByTestId('snapshots-tab')).toBeVisible();
}

/** Takes a snapshot through the dialog with this name (Create, or Enter in the name); the dialog is left closed. */
async function take(
  page: Page,
  name: string,
  shot?: (when: 'form' | 'done') => Promise<void>,
  how: 'click' | 'enter' = 'click',
) {
  await page.getByTestId('snapshot-take').click();
  const modal = page.getByTestId('snapshot-take-modal');
  await expect(modal.getByTestId('snapshot-plan')).toBeVisible();
  await modal.getByTestId('snapshot-take-name').fill(name);
  await expect(modal.getByTestId('snapshot-take-confirm')).toBeEnabled();
  await settle(page);
  await shot?.('form');
  if (how === 'enter') await modal.getByTestId('snapshot-take-name').press('Enter');
  else await modal.getByTestId('snapshot-take-confirm').click();
  await expect(modal.getByTestId('snapshot-take-succeeded')).toBeVisible({ timeout: 60_000 });
  await expect(modal.getByTestId('snapshot-take-task-step-state-verify')).toHaveText('Done');
  await settle(page);
  await shot?.('done');
  await modal.getByTestId('snapshot-take-close').click();
  await expect(modal).toBeHidden();
  await expect(page.getByTestId(`snapshot-row-${name}`)).toBeVisible();
}

test('take, revert and delete snapshots of a shut-off VM', async ({ page, qhci }) => {
  test.setTimeout(180_000);
  const vm = make();
  expect(qemuIo(vm.disk, 'write -P 0xaa 0 64k')).toBe(true);
  await openSnapshots(page, qhci, vm);
  await expect(page.getByTestId('snapshots-empty')).toBeVisible();
  await settle(page);
  await qhci.screenshot('snapshots-empty');

  // The dialog: a default name, checked as it is typed; disk-only for a shut-off VM; the plan before Create.
  await page.getByTestId('snapshot-take').click();
  const modal = page.getByTestId('snapshot-take-modal');
  await expect(modal.getByTestId('snapshot-take-name')).toHaveValue(/^snapshot-\d{8}-\d{4}$/);
  await expect(modal.getByTestId('snapshot-take-memory')).toBeDisabled();
  await expect(modal.getByTestId('snapshot-plan-mode')).toContainText('Internal');
  await expect(modal.getByTestId('snapshot-plan-contents')).toHaveText('Its disks only');
  await modal.getByTestId('snapshot-take-name').fill('bad/name');
  await expect(modal.getByTestId('snapshot-take-name-error')).toContainText(
    'Snapshot name may not contain "/"',
  );
  await expect(modal.getByTestId('snapshot-take-confirm')).toBeDisabled();
  await modal.getByTestId('snapshot-take-cancel').click();

  await take(page, 'before-change', async (when) => {
    if (when === 'form') {
      await page.getByTestId('snapshot-take-description').fill('Pattern 0xaa on the disk');
      await qhci.screenshot('snapshot-take-modal', { height: 1000 });
    } else await qhci.screenshot('snapshot-take-done', { height: 1000 });
  });
  await expect(page.getByTestId('snapshot-current-before-change')).toBeVisible();
  await expect(page.getByTestId('snapshot-state-before-change')).toHaveText('Shut off');
  await expect(page.getByTestId('snapshot-description-before-change')).toHaveText('Pattern 0xaa on the disk');
  expect(virshSnapshots(vm.uuid)).toEqual(['before-change']);
  expect(qcowSnapshots(vm.disk)).toEqual(['before-change']);

  // Overwrite, revert through the confirmation, and the first pattern is back.
  expect(qemuIo(vm.disk, 'write -P 0xbb 0 64k')).toBe(true);
  await page.getByTestId('snapshot-revert-before-change').click();
  const revert = page.getByTestId('snapshot-revert-modal');
  await expect(revert.getByTestId('snapshot-revert-lost')).toContainText('is lost');
  await expect(revert.getByTestId('snapshot-revert-after')).toContainText('is shut off');
  await qhci.screenshot('snapshot-revert-modal');
  await revert.getByTestId('snapshot-revert-confirm').click();
  await expect(revert.getByTestId('snapshot-revert-succeeded')).toBeVisible({ timeout: 60_000 });
  await settle(page);
  await qhci.screenshot('snapshot-revert-done');
  await revert.getByTestId('snapshot-revert-close').click();
  expect(qemuIo(vm.disk, 'read -P 0xaa 0 64k')).toBe(true);

  // A chain of two more, then the first two deleted at once: the confirmation lists them and what becomes
  // of their data; then the last one alone.
  await take(page, 'child-a');
  await take(page, 'child-b', undefined, 'enter');
  await expect(page.getByTestId('snapshot-current-child-b')).toBeVisible();
  await expect(page.getByTestId('snapshot-row-child-a')).toHaveAttribute('aria-level', '2');
  await expect(page.getByTestId('snapshot-row-child-b')).toHaveAttribute('aria-level', '3');
  await page.locator('#snapshot-select-before-change').check();
  await page.locator('#snapshot-select-child-a').check();
  await qhci.screenshot('snapshots-tree');
  await page.getByTestId('snapshot-delete-selected').click();
  const del = page.getByTestId('snapshot-delete-modal');
  await expect(del.getByTestId('snapshot-delete-item-before-change')).toContainText('merges into child-b');
  await expect(del.getByTestId('snapshot-delete-item-child-a')).toContainText('merges into child-b');
  await expect(del.getByTestId('snapshot-delete-vm-unaffected')).toContainText('is not affected');
  await qhci.screenshot('snapshot-delete-modal');
  await del.getByTestId('snapshot-delete-confirm').click();
  await expect(del.getByTestId('snapshot-delete-succeeded')).toBeVisible({ timeout: 60_000 });
  await settle(page);
  await qhci.screenshot('snapshot-delete-done');
  await del.getByTestId('snapshot-delete-close').click();
  await expect(page.getByTestId('snapshot-row-before-change')).toBeHidden();
  await expect(page.getByTestId('snapshot-row-child-b')).toHaveAttribute('aria-level', '1');
  expect(virshSnapshots(vm.uuid)).toEqual(['child-b']);
  expect(qcowSnapshots(vm.disk)).toEqual(['child-b']);

  await page.getByTestId('snapshot-delete-child-b').click();
  await expect(del.getByTestId('snapshot-delete-item-child-b')).toContainText('afterwards none is current');
  await del.getByTestId('snapshot-delete-confirm').click();
  await expect(del.getByTestId('snapshot-delete-succeeded')).toBeVisible({ timeout: 60_000 });
  await del.getByTestId('snapshot-delete-close').click();
  await expect(page.getByTestId('snapshots-empty')).toBeVisible();
  expect(virshSnapshots(vm.uuid)).toEqual([]);
  expect(qcowSnapshots(vm.disk)).toEqual([]);
  // The VM's own state is untouched: the disk still holds the reverted pattern.
  expect(qemuIo(vm.disk, 'read -P 0xaa 0 64k')).toBe(true);
});

test('a running VM: the plan shows its memory, and its snapshot reverts to running', async ({
  page,
  qhci,
}) => {
  test.setTimeout(180_000);
  const vm = make();
  virsh('start', vm.uuid);
  await openSnapshots(page, qhci, vm);
  await page.getByTestId('snapshot-take').click();
  const modal = page.getByTestId('snapshot-take-modal');
  await expect(modal.getByTestId('snapshot-take-memory')).toBeChecked();
  await expect(modal.getByTestId('snapshot-plan-memory')).toContainText('64 MiB, into pool qhci-testbed');
  await expect(modal.getByTestId('snapshot-plan-memory')).toContainText('free');
  // Without its memory, libvirt 9.0 cannot snapshot a running VM internally: the plan says so.
  await modal.getByTestId('snapshot-take-memory').uncheck();
  await expect(modal.getByTestId('snapshot-plan-refusal')).toContainText('only with its memory');
  await expect(modal.getByTestId('snapshot-take-confirm')).toBeDisabled();
  await modal.getByTestId('snapshot-take-memory').check();
  await expect(modal.getByTestId('snapshot-plan')).toBeVisible();
  await expect(modal.getByTestId('snapshot-take-confirm')).toBeEnabled();
  await settle(page);
  await qhci.screenshot('snapshot-take-memory-modal', { height: 1000 });
  await modal.getByTestId('snapshot-take-cancel').click();

  await take(page, 'live');
  await expect(page.getByTestId('snapshot-state-live')).toHaveText('Running, with memory');
  virsh('destroy', vm.uuid);
  await page.getByTestId('snapshot-revert-live').click();
  const revert = page.getByTestId('snapshot-revert-modal');
  await expect(revert.getByTestId('snapshot-revert-after')).toContainText('is running');
  await revert.getByTestId('snapshot-revert-confirm').click();
  await expect(revert.getByTestId('snapshot-revert-succeeded')).toContainText('it is running', {
    timeout: 60_000,
  });
  expect(domstate(vm.uuid)).toBe('running');
  await revert.getByTestId('snapshot-revert-close').click();
  await expect(page.getByTestId('vm-detail-state')).toContainText('Running');
  await qhci.screenshot('snapshots-running');

  // A snapshot taken elsewhere (qhci, another window) while the dialog is open: the tab reads the tree
  // again on the change, and the dialog says the name is taken before Create is tried.
  await page.getByTestId('snapshot-take').click();
  const again = page.getByTestId('snapshot-take-modal');
  await again.getByTestId('snapshot-take-name').fill('elsewhere');
  await expect(again.getByTestId('snapshot-take-confirm')).toBeEnabled();
  const vmId = (await qhci.call('vms.list', {})).find((v) => v.name === vm.name)?.id ?? '';
  const { taskId } = await qhci.call('snapshots.create', { vmId, name: 'elsewhere', memory: true });
  await expect
    .poll(async () => (await qhci.call('tasks.get', { id: taskId })).state, { timeout: 60_000 })
    .toBe('succeeded');
  await expect(again.getByTestId('snapshot-take-name-error')).toContainText('already has a snapshot named');
  await expect(again.getByTestId('snapshot-take-confirm')).toBeDisabled();
  await again.getByTestId('snapshot-take-cancel').click();
  await expect(page.getByTestId('snapshot-row-elsewhere')).toBeVisible();
});

test('a UEFI VM: the plan refuses with the reason and Create stays disabled; a lost VM shows its error', async ({
  page,
  qhci,
}) => {
  const vm = make({ uefi: true });
  await openSnapshots(page, qhci, vm);
  await page.getByTestId('snapshot-take').click();
  const modal = page.getByTestId('snapshot-take-modal');
  await expect(modal.getByTestId('snapshot-plan-refusal')).toContainText('UEFI');
  await expect(modal.getByTestId('snapshot-take-confirm')).toBeDisabled();
  await qhci.screenshot('snapshot-take-refused', { height: 1000 });
  await modal.getByTestId('snapshot-take-cancel').click();
  expect(virshSnapshots(vm.uuid)).toEqual([]);

  // The domain removed behind QHCI's back: reading the snapshots again fails, and the tab says why.
  removeDiskVm(vm);
  await page.getByTestId('snapshot-refresh').click();
  await expect(page.getByTestId('snapshots-error')).toBeVisible();
  await expect(page.getByTestId('snapshots-error-message')).not.toBeEmpty();
  await qhci.screenshot('snapshots-error');
});
