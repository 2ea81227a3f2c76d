/**
 * The Images page against the testbed pool: images found by a sync with their overlay counts, and an
 * upload from the workstation with its task's progress in the dialog. The host detail lists them too.
 */
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/app';
import { QEMU, virsh } from '../helpers/domains';
import { makeCloudImage, POOL, removeVolume, uniq } from '../helpers/provision';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test } from './fixtures';

test.skip(testbed === null, `Image e2e tests need the testbed: ${NO_TESTBED}`);

const volumes: string[] = [];
test.afterEach(() => {
  for (const name of volumes.splice(0).reverse()) removeVolume(name);
});

test('images: the table shows where each image is and what uses it; Upload copies a file with progress', async ({
  page,
  qhci,
}) => {
  const base = makeCloudImage();
  volumes.push(base.name);
  const overlay = `${uniq('qt-ovl')}.qcow2`;
  virsh(
    'vol-create-as',
    POOL,
    overlay,
    '1G',
    '--format',
    'qcow2',
    '--backing-vol',
    base.name,
    '--backing-vol-format',
    'qcow2',
  );
  volumes.push(overlay);
  await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });

  await qhci.open();
  await page.getByTestId('nav-images').click();
  const row = page.getByTestId(`image-row-${base.name}`);
  await expect(row).toBeVisible();
  await expect(page.getByTestId(`image-host-${base.name}`)).toHaveText('local');
  await expect(page.getByTestId(`image-pool-${base.name}`)).toHaveText(POOL);
  await expect(page.getByTestId(`image-kind-${base.name}`)).toHaveText('Cloud image');
  await expect(page.getByTestId(`image-format-${base.name}`)).toHaveText('qcow2');
  await expect(page.getByTestId(`image-size-${base.name}`)).toHaveText('64 MiB');
  await expect(page.getByTestId(`image-usedby-${base.name}`)).toHaveText('1 overlay');
  // Disks are not images: shown only when asked for.
  await expect(page.getByTestId(`image-row-${overlay}`)).toHaveCount(0);
  await page.getByTestId('image-kind-filter').selectOption('disk');
  await expect(page.getByTestId(`image-row-${overlay}`)).toBeVisible();
  await page.getByTestId('image-kind-filter').selectOption('images');

  // Upload a workstation file, from the keyboard where it matters; the dialog follows its task.
  const dir = tempDir('qhci-e2e-img-');
  const name = `${uniq('qt-img')}-generic.img`;
  const file = join(dir, name);
  writeFileSync(file, randomBytes(16 * 1024 * 1024));
  volumes.push(name);
  try {
    await page.getByTestId('image-upload').click();
    const modal = page.getByTestId('image-upload-modal');
    await expect(modal).toBeVisible();
    await page.getByTestId('image-upload-start').click();
    await expect(page.getByTestId('image-upload-path-error')).toContainText('Choose a file');
    // Main's own dialog chooses the file; a directory is not one.
    qhci.choose(dir);
    await page.getByTestId('image-upload-path-choose').click();
    await expect(page.getByTestId('image-upload-path-error')).toContainText('is not a regular file');
    qhci.choose(file);
    await page.getByTestId('image-upload-path-choose').click();
    await expect(page.getByTestId('image-upload-path')).toHaveValue(name);
    await expect(page.getByTestId('image-upload-path-error')).toHaveCount(0);
    // The window names no path itself: one sent from the page is refused before anything reads it.
    const typed = await page.evaluate(
      (hostPool) =>
        (window as unknown as { qhci: { invoke(c: string, i: unknown): Promise<unknown> } }).qhci.invoke(
          'images.upload',
          { hostId: hostPool, pool: 'x', sourcePath: '/etc/passwd' },
        ),
      (await qhci.call('hosts.list', {}))[0]!.id,
    );
    expect(typed).toMatchObject({ ok: false, error: { code: 'VALIDATION', field: 'sourcePath' } });
    await expect(page.getByTestId('image-upload-host')).toHaveValue(/.+/);
    await expect(page.getByTestId('image-upload-pool').locator('option', { hasText: POOL })).toHaveCount(1);
    await page.getByTestId('image-upload-pool').selectOption(POOL);
    await qhci.screenshot('image-upload-form', { height: 1000 });
    await page.getByTestId('image-upload-path').press('Enter');
    await expect(page.getByTestId('image-upload-task')).toBeVisible();
    await expect(page.getByTestId('image-upload-state')).toHaveText('Succeeded', { timeout: 30_000 });
    await expect(page.getByTestId('image-upload-progress').getByRole('progressbar')).toHaveAttribute(
      'aria-valuenow',
      '100',
    );
    await qhci.screenshot('image-upload-done', { height: 1000 });
    await page.getByTestId('image-upload-close').click();
    await expect(modal).toBeHidden();
    await expect(page.getByTestId(`image-row-${name}`)).toBeVisible();
    await expect(page.getByTestId(`image-kind-${name}`)).toHaveText('Cloud image');
    await qhci.screenshot('images-page');

    // The host detail lists the images of that host, and its CPU and memory bars.
    await page.getByTestId('nav-hosts').click();
    await page.getByTestId('host-open-local').click();
    const images = page.getByTestId('host-images');
    await expect(images.getByTestId(`image-row-${base.name}`)).toBeVisible();
    await expect(images.getByTestId(`image-usedby-${base.name}`)).toHaveText('1 overlay');
    await expect(images.getByTestId(`image-row-${name}`)).toBeVisible();
    await expect(page.getByTestId('host-cpu-bar-text')).toContainText('CPU');
    await expect(page.getByTestId('host-memory-bar-text')).toContainText('GiB');
    await qhci.screenshot('host-detail-images', { height: 1800 });

    // Delete: an image that an overlay stands on cannot be; the uploaded one can, after a confirmation.
    await page.getByTestId('nav-images').click();
    await expect(page.getByTestId(`image-delete-${base.name}`)).toHaveAttribute('aria-disabled', 'true');
    await page.getByTestId(`image-delete-${name}`).click();
    const confirm = page.getByTestId('image-delete-modal');
    await expect(confirm).toContainText(`Delete ${name}?`);
    await page.getByTestId('image-delete-cancel').click();
    await expect(confirm).toBeHidden();
    await expect(page.getByTestId(`image-row-${name}`)).toBeVisible();
    await page.getByTestId(`image-delete-${name}`).click();
    await qhci.screenshot('image-delete-confirm', { height: 1000 });
    await page.getByTestId('image-delete-confirm').click();
    await expect(confirm).toBeHidden();
    await expect(page.getByTestId(`image-row-${name}`)).toHaveCount(0);
    expect(virsh('vol-list', POOL)).not.toContain(name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
