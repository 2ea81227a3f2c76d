/**
 * Clones and templates in the app, against real domains on the testbed's libvirt (the local host): a
 * shut-off VM is cloned whole through the Clone dialog (the names previewed as typed, the confirmation
 * saying what is copied, the task followed to the end, the clone's page naming its source); another VM is
 * converted to a template (its page then has no power buttons nor console, and New linked clone… as its
 * action), two linked clones are made from it in one request, listed on its page and in the VM list with
 * the template apart; deleting the template is refused with the clones named; one clone is detached.
 * Every new screen is saved in test-results/screenshots/clone-*.png.
 */
import type { Page } from '@playwright/test';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU, virsh } from '../helpers/domains';
import {
  defineCloneSource,
  imgInfo,
  removeCloneSource,
  removeDomainAndFiles,
  type CloneSource,
} from '../helpers/clones';
import { addSshHost, POOL, POOL_DIR, uniq } from '../helpers/provision';
import { secondHost, sshB, virshB, type SecondHost } from '../helpers/second-host';
import type { QhciClient } from '../../src/shared/ipc/transport';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { openVmOn } from './console-helpers';
import { expect, test, type Qhci } from './fixtures';

test.skip(testbed === null, `clone e2e tests need the testbed: ${NO_TESTBED}`);

const sources: CloneSource[] = [];
/**
 * A clone source, once the testbed pool takes a refresh: other suites share the pool, and libvirt refuses a
 * refresh (which the source's helper does) while a volume job of theirs runs in it.
 */
async function make(): Promise<CloneSource> {
  for (let i = 0; ; i++) {
    try {
      virsh('pool-refresh', POOL);
      break;
    } catch (err) {
      if (i >= 60) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  const s = defineCloneSource();
  sources.push(s);
  return s;
}

/** Every domain and pool file whose name starts with the source's (its clones are named after it). */
function removeWithClones(s: CloneSource): void {
  const clones = virsh('list', '--all', '--name')
    .split('\n')
    .map((l) => l.trim())
    .filter((n) => n.startsWith(`${s.name}-`));
  for (const d of clones) removeDomainAndFiles(d, []);
  removeCloneSource(s);
  for (const f of readdirSync(POOL_DIR)) {
    if (f.startsWith(s.name)) rmSync(join(POOL_DIR, f), { force: true });
  }
  virsh('pool-refresh', POOL);
}

test.afterAll(() => {
  for (const s of sources.splice(0)) removeWithClones(s);
});

/**
 * Lets transitions (a button turning enabled, a modal fading in) finish before a screenshot, and takes the
 * focus a closed dialog gave back off its button (whose tooltip would cover the page).
 */
async function settle(page: Page, blur = false): Promise<void> {
  if (blur) await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.waitForTimeout(300);
}

async function openSource(page: Page, qhci: Qhci, s: CloneSource): Promise<void> {
  await qhci.open();
  const host = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
  await qhci.call('hosts.sync', { id: host.id });
  await openVmOn(page, 'local', s.name);
}

test('clone a shut-off VM whole: names previewed, what is copied confirmed, the task followed', async ({
  page,
  qhci,
}) => {
  test.setTimeout(180_000);
  const s = await make();
  await openSource(page, qhci, s);
  await page.getByTestId('vm-detail-clone').click();
  const modal = page.getByTestId('clone-modal');

  // A plain VM makes full clones only; the default name is previewed.
  await expect(modal.getByTestId('clone-mode-linked')).toBeDisabled();
  await expect(modal.getByTestId('clone-mode-full')).toBeChecked();
  await expect(modal.getByTestId('clone-name')).toHaveValue('{{.VMName}}-clone');
  await expect(modal.getByTestId('clone-preview-name-0')).toHaveText(`${s.name}-clone`);

  // The preview follows the count and the template; mistakes are named and Next waits.
  await modal.getByTestId('clone-name').fill('{{.VMName}}-web-{{.Index}}');
  await modal.getByTestId('clone-count').fill('3');
  await expect(modal.getByTestId('clone-preview-name-2')).toHaveText(`${s.name}-web-3`);
  await modal.getByTestId('clone-name').fill('{{.Host}}');
  await expect(modal.getByTestId('clone-name-error')).toContainText('only the placeholders');
  await expect(modal.getByTestId('clone-next')).toBeDisabled();
  await modal.getByTestId('clone-count').fill('1');
  await modal.getByTestId('clone-name').fill(s.name);
  await expect(modal.getByTestId('clone-name-error')).toContainText(`A VM named ${s.name} exists already`);

  const name = `${s.name}-full`;
  await modal.getByTestId('clone-name').fill('{{.VMName}}-full');
  await modal.getByTestId('clone-description').fill('A whole copy for the e2e test');
  await expect(modal.getByTestId('clone-preview-name-0')).toHaveText(name);
  await expect(modal.getByTestId('clone-next')).toBeEnabled();
  await settle(page);
  await qhci.screenshot('clone-dialog', { height: 1100 });

  // Placed by the scheduler: its dry run shows where the clone would go and why.
  await modal.getByTestId('clone-destination-scheduler').check();
  await expect(modal.getByTestId('placement-row-local')).toBeVisible();
  await expect(modal.getByTestId('clone-placed-on')).toContainText('local');
  await settle(page);
  await qhci.screenshot('clone-dialog-placement', { height: 1300 });
  await modal.getByTestId('clone-destination-source').check();

  // The confirmation says what is copied and what is shared.
  await modal.getByTestId('clone-next').click();
  await expect(modal.getByTestId('clone-review-names')).toHaveText(name);
  await expect(modal.getByTestId('clone-review-mode')).toHaveText('Full clone');
  await expect(modal.getByTestId('clone-review-copied')).toContainText('Its disk is copied whole');
  await expect(modal.getByTestId('clone-review-copied')).toContainText(`Shared, not copied: hda (${s.iso})`);
  await expect(modal.getByTestId('clone-review-copied')).toContainText('cloud-init seed is made anew');
  await settle(page);
  await qhci.screenshot('clone-review', { height: 1000 });

  await modal.getByTestId('clone-confirm').click();
  await expect(modal.getByTestId('clone-succeeded')).toBeVisible({ timeout: 120_000 });
  await settle(page);
  await qhci.screenshot('clone-done', { height: 1000 });
  virsh('dominfo', name);
  expect(imgInfo(join(POOL_DIR, `${name}-disk0.qcow2`))['backing-filename']).toBeUndefined();

  // The clone's page names its source.
  await modal.getByTestId('clone-open').click();
  await expect(modal).toBeHidden();
  await expect(page.getByTestId('vm-detail-name')).toHaveText(name);
  await expect(page.getByTestId('vm-detail-parent')).toHaveText(s.name);
  await expect(page.getByTestId('vm-detail-description')).toHaveText('A whole copy for the e2e test');
});

test('convert a VM to a template, make two linked clones, list them, detach one', async ({ page, qhci }) => {
  test.setTimeout(300_000);
  const s = await make();
  await openSource(page, qhci, s);

  // Convert: the confirmation says the template can never be started.
  await page.getByTestId('vm-detail-more').click();
  await page.getByTestId('vm-detail-convert').click();
  const convert = page.getByTestId('convert-modal');
  await expect(convert.getByTestId('convert-never-start')).toContainText('can no longer be started');
  await expect(convert.getByTestId('convert-shutdown')).toHaveCount(0);
  await settle(page);
  await qhci.screenshot('clone-convert-modal');
  await convert.getByTestId('convert-confirm').click();
  await expect(convert.getByTestId('convert-succeeded')).toBeVisible({ timeout: 120_000 });
  await convert.getByTestId('convert-close').click();

  // The template's page: no power buttons, no console, New linked clone… as its action.
  await expect(page.getByTestId('vm-detail-template')).toBeVisible();
  await expect(page.getByTestId(`vm-power-start-${s.name}`)).toHaveCount(0);
  await expect(page.getByTestId('vm-tab-console')).toHaveCount(0);
  await expect(page.getByTestId('template-clones-none')).toBeVisible();

  // Two linked clones in one request.
  await page.getByTestId('vm-detail-linked-clone').click();
  const modal = page.getByTestId('clone-modal');
  await expect(modal.getByTestId('clone-mode-linked')).toBeChecked();
  await modal.getByTestId('clone-count').fill('2');
  await expect(modal.getByTestId('clone-preview-name-0')).toHaveText(`${s.name}-1`);
  await expect(modal.getByTestId('clone-preview-name-1')).toHaveText(`${s.name}-2`);
  await settle(page);
  await qhci.screenshot('clone-linked-dialog', { height: 1100 });
  await modal.getByTestId('clone-next').click();
  await expect(modal.getByTestId('clone-review-copied')).toContainText('qcow2 overlay');
  await expect(modal.getByTestId('clone-confirm')).toHaveText('Make 2 clones');
  await modal.getByTestId('clone-confirm').click();
  await expect(modal.getByTestId('clone-task-0-state')).toHaveText('Succeeded', { timeout: 120_000 });
  await expect(modal.getByTestId('clone-task-1-state')).toHaveText('Succeeded', { timeout: 120_000 });
  await settle(page);
  await qhci.screenshot('clone-linked-done', { height: 1000 });
  await modal.getByTestId('clone-close').click();
  for (const k of [1, 2]) {
    const info = imgInfo(join(POOL_DIR, `${s.name}-${k}-disk0.qcow2`));
    expect(info['backing-filename']).toBeDefined();
  }

  // The template lists its linked clones, with links.
  await expect(page.getByTestId('template-clones-count')).toHaveText('2');
  await expect(page.getByTestId(`template-clone-${s.name}-1`)).toBeVisible();
  await expect(page.getByTestId(`template-clone-${s.name}-2`)).toBeVisible();
  await settle(page, true);
  await qhci.screenshot('clone-template-page');

  // Deleting the template is refused, with its clones named.
  await page.getByTestId('vm-detail-delete').click();
  const del = page.getByTestId('vm-delete-modal');
  await expect(del.getByTestId('vm-delete-linked-clones')).toContainText(`${s.name}-1, ${s.name}-2`);
  await del.getByTestId('vm-delete-confirm').click();
  await expect(del.getByTestId('vm-delete-error')).toContainText(`${s.name}-1`);
  await expect(del.getByTestId('vm-delete-error')).toContainText(`${s.name}-2`);
  await settle(page);
  await qhci.screenshot('clone-template-delete-refused');
  await del.getByTestId('vm-delete-cancel').click();
  virsh('dominfo', s.name);

  // The list: the template apart at a glance, and a filter for templates.
  await page.getByTestId('vm-detail-back').click();
  await page.getByTestId('vm-filter-name').locator('input').fill(s.name);
  await expect(page.getByTestId(`vm-state-${s.name}`)).toHaveText('Template');
  await expect(page.getByTestId(`vm-row-${s.name}-1`)).toBeVisible();
  await expect(page.getByTestId('vm-count')).toHaveText('3 of ' + (await totalVms(qhci)) + ' VMs');
  await page.getByTestId(`vm-power-menu-${s.name}`).click();
  await expect(page.getByTestId(`vm-power-start-${s.name}`).getByRole('menuitem')).toBeDisabled();
  await expect(page.getByTestId(`vm-action-linked-clone-${s.name}`).getByRole('menuitem')).toBeEnabled();
  await expect(page.getByTestId(`vm-power-primary-${s.name}`)).toHaveAttribute('aria-disabled', 'true');
  await settle(page);
  await qhci.screenshot('clone-list-with-template');
  await page.keyboard.press('Escape');
  await page.getByTestId('vm-filter-kind').selectOption('template');
  await expect(page.getByTestId(`vm-row-${s.name}`)).toBeVisible();
  await expect(page.getByTestId(`vm-row-${s.name}-1`)).toHaveCount(0);
  await page.getByTestId('vm-filter-kind').selectOption('linked');
  await expect(page.getByTestId(`vm-row-${s.name}-1`)).toBeVisible();
  await expect(page.getByTestId(`vm-row-${s.name}`)).toHaveCount(0);
  await page.getByTestId('vm-filter-kind').selectOption('');

  // A linked clone's page names its template; detach it.
  await page.getByTestId(`vm-open-${s.name}-1`).click();
  await expect(page.getByTestId('vm-detail-parent')).toHaveText(s.name);
  await settle(page);
  await qhci.screenshot('clone-linked-page');
  await page.getByTestId('vm-detail-more').click();
  await page.getByTestId('vm-detail-detach').click();
  const detach = page.getByTestId('detach-modal');
  await expect(detach.getByTestId('detach-what')).toContainText(`copied into its own disks`);
  await settle(page);
  await qhci.screenshot('clone-detach-modal');
  await detach.getByTestId('detach-confirm').click();
  await expect(detach.getByTestId('detach-succeeded')).toBeVisible({ timeout: 120_000 });
  await detach.getByTestId('detach-close').click();
  expect(imgInfo(join(POOL_DIR, `${s.name}-1-disk0.qcow2`))['backing-filename']).toBeUndefined();

  // Back on the template: one linked clone left.
  await page.getByTestId('vm-detail-parent-link').click();
  await expect(page.getByTestId('vm-detail-name')).toHaveText(s.name);
  await expect(page.getByTestId('template-clones-count')).toHaveText('1');
  await expect(page.getByTestId(`template-clone-${s.name}-2`)).toBeVisible();
});

test('a running VM: Clone waits for it to be shut off; converting it says it is shut down first', async ({
  page,
  qhci,
}) => {
  const s = await make();
  virsh('start', s.name);
  await openSource(page, qhci, s);
  await expect(page.getByTestId('vm-detail-state')).toHaveText('Running');
  await expect(page.getByTestId('vm-detail-clone')).toHaveAttribute('aria-disabled', 'true');
  await page.getByTestId('vm-detail-clone').hover();
  await expect(page.getByRole('tooltip')).toContainText(`Shut ${s.name} down first`);

  await page.getByTestId('vm-detail-more').click();
  await page.getByTestId('vm-detail-convert').click();
  const convert = page.getByTestId('convert-modal');
  await expect(convert.getByTestId('convert-shutdown')).toContainText(`${s.name} is running`);
  await expect(convert.getByTestId('convert-shutdown')).toContainText('shut down first');
  await expect(convert.getByTestId('convert-confirm')).toHaveText('Shut down and convert');
  await settle(page);
  await qhci.screenshot('clone-convert-running-modal');
  await convert.getByTestId('convert-cancel').click();
  await expect(convert).toBeHidden();
  expect(virsh('domstate', s.name).trim()).toBe('running');
});

const kvmB = secondHost();

/** A clone's domain and files on kvm-b, whatever is left of them. */
function removeOnB(b: SecondHost, name: string): void {
  for (const args of [
    ['destroy', name],
    ['undefine', name, '--nvram'],
  ]) {
    try {
      virshB(b, ...args);
    } catch {
      // Not there.
    }
  }
  sshB(b, `rm -f -- '${POOL_DIR}/${name}'-*`);
  virshB(b, 'pool-refresh', POOL);
}

test('a clone on a host and pool chosen in the dialog: the scheduler checks it, the disk travels there', async ({
  page,
  qhci,
}) => {
  test.skip(kvmB.host === null, `needs the testbed's second host ${kvmB.reason}`);
  test.setTimeout(240_000);
  const b = kvmB.host!;
  const s = await make();
  const name = uniq('qhci-t-clone');
  try {
    await openSource(page, qhci, s);
    await addSshHost({ call: (c, i) => qhci.call(c, i) } as QhciClient, 'kvm-b');
    await page.getByTestId('vm-detail-clone').click();
    const modal = page.getByTestId('clone-modal');
    await modal.getByTestId('clone-name').fill(name);
    await modal.getByTestId('clone-destination-host').check();
    // The source's host is chosen first; the scheduler checks whichever is chosen.
    await expect(modal.getByTestId('placement-chosen-local')).toBeVisible();
    await modal.getByTestId('clone-host').selectOption({ label: 'kvm-b' });
    await modal.getByTestId('clone-pool').selectOption(POOL);
    await expect(modal.getByTestId('placement-chosen-kvm-b')).toBeVisible();
    await expect(modal.getByTestId('clone-placed-on')).toHaveText('The clone goes to kvm-b.');
    await expect(modal.getByTestId('clone-next')).toBeEnabled();
    await settle(page);
    await qhci.screenshot('clone-dialog-host', { height: 1400 });

    await modal.getByTestId('clone-next').click();
    await expect(modal.getByTestId('clone-review-where')).toHaveText(`kvm-b, pool ${POOL}`);
    await expect(modal.getByTestId('clone-review-copied')).toContainText('its SHA-256 is checked');
    await settle(page);
    await qhci.screenshot('clone-review-other-host', { height: 1000 });
    await modal.getByTestId('clone-confirm').click();
    await expect(modal.getByTestId('clone-succeeded')).toBeVisible({ timeout: 200_000 });
    await expect(modal.getByTestId('clone-task')).toContainText('verified');
    await settle(page);
    await qhci.screenshot('clone-done-other-host', { height: 1000 });
    expect(virshB(b, 'dumpxml', name)).toContain(`${POOL_DIR}/${name}-disk0.qcow2`);
    await modal.getByTestId('clone-open').click();
    await expect(page.getByTestId('vm-detail-host')).toHaveText('kvm-b');
  } finally {
    removeOnB(b, name);
  }
});

async function totalVms(qhci: Qhci): Promise<number> {
  return (await qhci.call('vms.list', {})).length;
}
