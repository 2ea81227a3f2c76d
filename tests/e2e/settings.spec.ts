/**
 * The VM page's Settings tab against a real shut-off domain on the testbed's libvirt (the local host): the
 * memory is changed and a new disk added, the review shows each change's effect and the domain XML diff
 * (the exact XML libvirt gets), Apply runs the task to its end, and `virsh dumpxml --inactive` has both.
 * A change the host cannot hold (terabytes of memory) is refused with the scheduler's reasons, Apply stays
 * disabled, and Cancel leaves the domain as it was. Screens: test-results/screenshots/settings-*.png.
 */
import type { Page } from '@playwright/test';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU, virsh } from '../helpers/domains';
import { defineCloneSource, refreshPool, removeCloneSource, type CloneSource } from '../helpers/clones';
import { POOL, POOL_DIR } from '../helpers/provision';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { openVmOn } from './console-helpers';
import { expect, test, type Qhci } from './fixtures';

test.skip(testbed === null, `settings e2e tests need the testbed: ${NO_TESTBED}`);

const sources: CloneSource[] = [];

test.afterAll(() => {
  for (const s of sources.splice(0)) {
    removeCloneSource(s);
    // The disks the tests added are named after the VM (`<vm>-disk1.qcow2`).
    for (const f of readdirSync(POOL_DIR)) {
      if (f.startsWith(`${s.name}-`)) rmSync(join(POOL_DIR, f), { force: true });
    }
  }
  refreshPool();
});

function make(): CloneSource {
  refreshPool();
  const s = defineCloneSource();
  sources.push(s);
  return s;
}

const inactiveXml = (name: string) => virsh('dumpxml', '--inactive', name);

/** Lets transitions end and takes the focus off the last field; `top` scrolls every pane back up. */
async function settle(page: Page, top = false): Promise<void> {
  await page.evaluate((toTop) => {
    (document.activeElement as HTMLElement | null)?.blur();
    if (toTop) for (const el of document.querySelectorAll('*')) if (el.scrollTop > 0) el.scrollTop = 0;
  }, top);
  await page.waitForTimeout(300);
}

async function openSettings(page: Page, qhci: Qhci, s: CloneSource): Promise<void> {
  await qhci.open();
  const host = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
  await qhci.call('hosts.sync', { id: host.id });
  await openVmOn(page, 'local', s.name);
  await page.getByTestId('vm-tab-settings').click();
  await expect(page.getByTestId('settings-tab')).toBeVisible();
}

test('change the memory and add a disk on a shut-off VM: the XML diff, applied, read back', async ({
  page,
  qhci,
}) => {
  test.setTimeout(180_000);
  const s = make();
  await openSettings(page, qhci, s);

  // The form starts from the VM as it is: 64 MiB, one disk, its two CD-ROMs and its NIC.
  await expect(page.getByTestId('settings-memory')).toHaveValue('64');
  await expect(page.getByTestId('settings-vcpus')).toHaveValue('1');
  await expect(page.getByTestId('settings-disk-vda')).toBeVisible();
  await expect(page.getByTestId('settings-cdrom-hda-source')).toHaveText(s.iso);
  await expect(page.getByTestId('settings-count')).toHaveText('No changes');
  await expect(page.getByTestId('settings-review')).toBeDisabled();

  await page.getByTestId('settings-memory').fill('128');
  await page.getByTestId('settings-disk-add-new').click();
  await page.getByTestId('settings-new-disk-0-pool').selectOption(POOL);
  await page.getByTestId('settings-new-disk-0-size').fill('1');
  await expect(page.getByTestId('settings-count')).toHaveText('2 changes');
  await settle(page, true);
  await qhci.screenshot('settings-tab', { height: 2000 });

  // The review: each change with when it takes effect, the new volume, and the XML diff.
  await page.getByTestId('settings-review').click();
  const modal = page.getByTestId('settings-review-modal');
  await expect(modal.getByTestId('settings-plan')).toBeVisible({ timeout: 30_000 });
  await expect(modal.getByTestId('settings-refusals')).toHaveCount(0);
  await expect(modal.getByTestId('settings-plan-change-0')).toContainText('Memory 64 MiB → 128 MiB');
  await expect(modal.getByTestId('settings-plan-effect-0')).toHaveText('Next boot');
  await expect(modal.getByTestId('settings-plan-change-1')).toContainText('vdb');
  await expect(modal.getByTestId('settings-volume-create')).toContainText(`${POOL}/${s.name}-disk1.qcow2`);
  const added = modal.getByTestId('settings-diff-add');
  const removed = modal.getByTestId('settings-diff-remove');
  await expect(removed.filter({ hasText: '65536' }).first()).toBeVisible();
  await expect(added.filter({ hasText: '131072' }).first()).toBeVisible();
  await expect(added.filter({ hasText: `${s.name}-disk1.qcow2` })).toHaveCount(1);
  await expect(added.filter({ hasText: "dev='vdb'" }).or(added.filter({ hasText: 'dev="vdb"' }))).toHaveCount(
    1,
  );
  // Nothing is changed before Apply.
  expect(inactiveXml(s.name)).not.toContain('disk1.qcow2');
  await settle(page);
  await qhci.screenshot('settings-review-diff', { height: 1600 });

  await modal.getByTestId('settings-apply').click();
  await expect(modal.getByTestId('settings-succeeded')).toBeVisible({ timeout: 120_000 });
  await settle(page);
  await qhci.screenshot('settings-applied', { height: 1100 });

  // libvirt has both: 128 MiB and a vdb reading the new volume.
  const xml = inactiveXml(s.name);
  expect(xml).toMatch(/<memory unit='KiB'>131072<\/memory>/);
  expect(xml).toMatch(/<currentMemory unit='KiB'>131072<\/currentMemory>/);
  expect(xml).toContain(`<source file='${POOL_DIR}/${s.name}-disk1.qcow2'/>`);
  expect(xml).toMatch(/<target dev='vdb' bus='virtio'\/>/);
  expect(readdirSync(POOL_DIR)).toContain(`${s.name}-disk1.qcow2`);

  // Closing after a success clears the draft; the form then shows the VM as it now is.
  await modal.getByTestId('settings-review-close').click();
  await expect(modal).toBeHidden();
  await expect(page.getByTestId('settings-count')).toHaveText('No changes');
  await expect(page.getByTestId('settings-memory')).toHaveValue('128', { timeout: 15_000 });
  await expect(page.getByTestId('settings-disk-vdb')).toBeVisible({ timeout: 15_000 });
});

test('a change the host cannot hold is refused with the scheduler reasons; Cancel changes nothing', async ({
  page,
  qhci,
}) => {
  test.setTimeout(120_000);
  const s = make();
  const before = inactiveXml(s.name);
  await openSettings(page, qhci, s);

  // A typing mistake is named on its field before anything is asked of the host.
  await page.getByTestId('settings-memory').fill('lots');
  await page.getByTestId('settings-review').click();
  await expect(page.getByTestId('settings-memory-error')).toContainText('whole MiB');
  await expect(page.getByTestId('settings-review-modal')).toHaveCount(0);

  // 4 TiB of memory (and as its maximum): more than the testbed host has.
  await page.getByTestId('settings-memory').fill(String(4 * 1024 * 1024));
  await page.getByTestId('settings-memory-max').fill(String(4 * 1024 * 1024));
  await page.getByTestId('settings-review').click();
  const modal = page.getByTestId('settings-review-modal');
  await expect(modal.getByTestId('settings-refusals')).toBeVisible({ timeout: 30_000 });
  await expect(modal.getByTestId('settings-fit-reasons')).toContainText('memory');
  await expect(modal.getByTestId('settings-apply')).toBeDisabled();
  await settle(page);
  await qhci.screenshot('settings-refused', { height: 1300 });

  await modal.getByTestId('settings-review-cancel').click();
  await expect(modal).toBeHidden();
  // The draft is kept for another try; the domain is as it was.
  await expect(page.getByTestId('settings-memory')).toHaveValue(String(4 * 1024 * 1024));
  expect(inactiveXml(s.name)).toBe(before);
});

test('a template has no settings to edit, and its tab says why', async ({ page, qhci }) => {
  test.setTimeout(120_000);
  const s = make();
  await openSettings(page, qhci, s);
  const vm = (await qhci.call('vms.list', {})).find((v) => v.name === s.name)!;
  const { taskId } = await qhci.call('vms.convertToTemplate', { vmId: vm.id });
  await expect
    .poll(async () => (await qhci.call('tasks.get', { id: taskId })).state, { timeout: 60_000 })
    .toBe('succeeded');
  await expect(page.getByTestId('vm-detail-template')).toBeVisible({ timeout: 15_000 });
  await page.getByTestId('vm-tab-settings').click();
  await expect(page.getByTestId('settings-read-only-reason')).toContainText('linked clones');
  await expect(page.getByTestId('settings-review')).toHaveCount(0);
  await settle(page, true);
  await qhci.screenshot('settings-template-read-only', { height: 900 });
});

test('removing a NIC asks for a confirmation before Apply, then the NIC is gone', async ({ page, qhci }) => {
  test.setTimeout(120_000);
  const s = make();
  await openSettings(page, qhci, s);
  const mac = /<mac address='([0-9a-f:]+)'\/>/.exec(inactiveXml(s.name))![1]!;
  await page.getByTestId(`settings-nic-${mac}-remove`).check();
  await page.getByTestId('settings-review').click();
  const modal = page.getByTestId('settings-review-modal');
  await expect(modal.getByTestId('settings-destructive')).toContainText(`NIC ${mac} (on default) is removed`);
  await expect(modal.getByTestId('settings-diff-remove').filter({ hasText: mac })).toHaveCount(1);
  await expect(modal.getByTestId('settings-apply')).toBeDisabled();
  await modal.getByTestId('settings-destructive-confirm').check();
  await expect(modal.getByTestId('settings-apply')).toBeEnabled();
  await settle(page);
  await qhci.screenshot('settings-confirm-destructive', { height: 1200 });
  await modal.getByTestId('settings-apply').click();
  await expect(modal.getByTestId('settings-succeeded')).toBeVisible({ timeout: 120_000 });
  expect(inactiveXml(s.name)).not.toContain('<interface');
});
