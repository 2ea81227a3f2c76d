/**
 * The create-VM wizard refuses what cannot work, on the field that is wrong, with Next disabled: a bad
 * name, more memory than any host has (the placement table says why), a disk smaller than its cloud
 * image, a bad SSH key, a password confirmation that differs. And the draft outlives leaving the page.
 */
import type { Page } from '@playwright/test';
import type { QhciClient } from '../../src/shared/ipc/transport';
import { addSshHost, makeCloudImage, POOL, removeVolume } from '../helpers/provision';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test, type Qhci } from './fixtures';
import { stepShot } from './shots';

const client = (qhci: Qhci) => ({ call: qhci.call }) as unknown as QhciClient;

const shot = stepShot;

async function openWizard(page: Page) {
  await page.getByTestId('nav-vms').click();
  await page
    .getByTestId(/^vm-create(-empty)?$/)
    .first()
    .click();
  await expect(page.getByTestId('wizard')).toBeVisible();
}

const volumes: string[] = [];
test.afterEach(() => {
  for (const name of volumes.splice(0)) removeVolume(name);
});

test('an invalid name blocks Next with the name error; the draft outlives leaving the page', async ({
  page,
  qhci,
}, testInfo) => {
  await qhci.open();
  await openWizard(page);
  const next = page.getByTestId('wizard-next');
  await expect(next).toBeDisabled();
  // Nothing typed yet: no error shouts at the user.
  await expect(page.getByTestId('wizard-name-error')).toHaveCount(0);

  await page.getByTestId('wizard-name').fill('web server!');
  await expect(page.getByTestId('wizard-name-error')).toContainText(
    'Name may contain only letters, digits, ".", "_" and "-", and must start with a letter or digit',
  );
  await expect(page.getByTestId('wizard-name')).toHaveAttribute('aria-invalid', 'true');
  await expect(next).toBeDisabled();
  await shot(page, testInfo, 'invalid-name');

  await page.getByTestId('wizard-name').fill('-web');
  await expect(page.getByTestId('wizard-name-error')).toBeVisible();
  await page.getByTestId('wizard-name').fill('a'.repeat(64));
  await expect(page.getByTestId('wizard-name-error')).toContainText('Name must be at most 63 characters');
  await expect(next).toBeDisabled();

  // Bulk: "-N" is appended, so the name must leave room for it.
  await page.getByTestId('wizard-name').fill('a'.repeat(62));
  await expect(next).toBeEnabled();
  await page.getByTestId('wizard-count').fill('10');
  await expect(page.getByTestId('wizard-name-error')).toContainText('Name too long for 10 VMs');
  await expect(next).toBeDisabled();

  await page.getByTestId('wizard-count').fill('1');
  await page.getByTestId('wizard-name').fill('web-01');
  await expect(page.getByTestId('wizard-name-error')).toHaveCount(0);
  await expect(next).toBeEnabled();

  // Leaving the page keeps the draft; coming back restores it.
  await page.getByTestId('nav-hosts').click();
  await expect(page.getByTestId('wizard')).toHaveCount(0);
  await openWizard(page);
  await expect(page.getByTestId('wizard-name')).toHaveValue('web-01');
  await expect(page.getByTestId('wizard-restored')).toBeVisible();

  // Discarding asks first; "Keep editing" keeps it, Discard clears it.
  await page.getByTestId('wizard-discard').click();
  await expect(page.getByTestId('wizard-discard-modal')).toBeVisible();
  await page.getByTestId('wizard-discard-cancel').click();
  await expect(page.getByTestId('wizard-name')).toHaveValue('web-01');
  await page.getByTestId('wizard-discard').click();
  await page.getByTestId('wizard-discard-confirm').click();
  await expect(page.getByTestId('wizard-name')).toHaveValue('');
  await expect(next).toBeDisabled();
});

test('more memory than any host has: the memory error, and the placement table says why', async ({
  page,
  qhci,
}, testInfo) => {
  await addSshHost(client(qhci), 'kvm-a');
  await addSshHost(client(qhci), 'sim-b');
  await qhci.open();
  await openWizard(page);
  const next = page.getByTestId('wizard-next');
  // From the keyboard: type the name, Enter on Next.
  await page.getByTestId('wizard-name').focus();
  await page.keyboard.type('big-one');
  await next.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('placement-row-kvm-a')).toBeVisible();
  await next.click();

  await page.getByTestId('wizard-memory-preset').selectOption('custom');
  await page.getByTestId('wizard-memory').fill('4096');
  const error = page.getByTestId('wizard-memory-error');
  await expect(error).toContainText('No host has room for this memory');
  await expect(error).toContainText('Insufficient resources: memory (needs 4 TiB');
  await expect(next).toBeDisabled();
  await expect(page.getByTestId('placement-failure')).toContainText('No feasible nodes found');
  for (const host of ['kvm-a', 'sim-b']) {
    await expect(page.getByTestId(`placement-feasible-${host}`)).toContainText('No');
    await expect(page.getByTestId(`placement-reasons-${host}`)).toContainText(
      'Insufficient resources: memory (needs 4 TiB',
    );
  }
  await shot(page, testInfo, 'memory-too-large');

  // Back within what a host has: the error goes, Next comes back.
  await page.getByTestId('wizard-memory').fill('1');
  await expect(error).toHaveCount(0);
  await expect(next).toBeEnabled();
});

test('a disk smaller than its cloud image, a bad SSH key, and a password confirmation that differs', async ({
  page,
  qhci,
}, testInfo) => {
  const kvmA = await addSshHost(client(qhci), 'kvm-a');
  const image = makeCloudImage();
  volumes.push(image.name);
  await qhci.call('hosts.sync', { id: kvmA });
  await qhci.open();
  await openWizard(page);
  const next = page.getByTestId('wizard-next');
  await page.getByTestId('wizard-name').fill('small-disk');
  await next.click(); // placement
  await expect(page.getByTestId('wizard-placement-summary')).toBeVisible();
  await next.click(); // compute
  await next.click(); // storage
  await page.getByTestId('wizard-disk-pool-0').selectOption(POOL);
  await next.click(); // network
  await next.click(); // boot
  await page.getByTestId('wizard-boot-cloud-image').check();
  await page.getByTestId(`wizard-image-row-${image.name}`).getByRole('radio').check();
  await expect(next).toBeEnabled();

  // Back to Storage: the boot disk cannot go below the image's 64 MiB.
  await page.getByTestId('wizard-nav-storage').getByRole('button').click();
  await expect(page.getByTestId('wizard-disk-boot-note')).toContainText('at least 64 MiB');
  await page.getByTestId('wizard-disk-size-0').fill('32');
  await page.getByTestId('wizard-disk-unit-0').selectOption('MiB');
  const sizeError = page.getByTestId('wizard-disk-size-0-error');
  await expect(sizeError).toContainText(
    "The boot disk must be at least 64 MiB: the cloud image's virtual size",
  );
  await expect(next).toBeDisabled();
  await shot(page, testInfo, 'disk-smaller-than-image');
  await page.getByTestId('wizard-disk-size-0').fill('64');
  await expect(sizeError).toHaveCount(0);
  await expect(next).toBeEnabled();
  await next.click(); // network
  await next.click(); // boot
  await next.click(); // customization

  // A bad SSH key: its error names the key and its line.
  await page.getByTestId('wizard-ssh-keys').fill('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBroken');
  await expect(page.getByTestId('wizard-ssh-key-error-0')).toContainText('Key 1 (line 1):');
  await expect(next).toBeDisabled();
  await shot(page, testInfo, 'bad-ssh-key');
  await page.getByTestId('wizard-ssh-keys').fill('');
  await expect(page.getByTestId('wizard-ssh-key-error-0')).toHaveCount(0);
  await expect(next).toBeEnabled();

  // A password confirmation that differs.
  await page.getByTestId('wizard-password').fill('Corr3ct-Horse-Battery');
  await page.getByTestId('wizard-password-confirm').fill('Corr3ct-Horse-Batteryx');
  await expect(page.getByTestId('wizard-password-confirm-error')).toHaveText(/The passwords do not match/);
  await expect(next).toBeDisabled();
  await shot(page, testInfo, 'password-mismatch');
  await page.getByTestId('wizard-password-confirm').fill('Corr3ct-Horse-Battery');
  await expect(page.getByTestId('wizard-password-confirm-error')).toHaveCount(0);
  await expect(next).toBeEnabled();
  // The password is never in the draft the store keeps (only beside it, in memory).
  expect(await page.evaluate(() => JSON.stringify(localStorage))).not.toContain('Corr3ct');
});

test.skip(testbed === null, `Wizard e2e tests need the testbed: ${NO_TESTBED}`);
