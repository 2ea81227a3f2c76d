import type { Page } from '@playwright/test';
import { ed25519Key } from '../helpers/ssh-keys';
import { expect, test } from './fixtures';

const PASSWORD = 'Corr3ct-Horse-Battery';

async function pickTimezone(page: Page, search: string, zone: string) {
  await page.getByTestId('spec-timezone').click();
  await page.getByTestId('spec-timezone').fill(search);
  await page.getByRole('option', { name: new RegExp(`^${zone.replace('/', '\\/')}`) }).click();
  await expect(page.getByTestId('spec-timezone')).toHaveValue(zone);
}

test('customization specs: create, validate, edit, duplicate, delete', async ({ page, qhci }) => {
  const key = ed25519Key('admin@qhci-e2e');
  await qhci.open();
  await page.getByTestId('nav-specs').click();
  await expect(page.getByTestId('spec-empty')).toBeVisible();

  await page.getByTestId('spec-create').click();
  const form = page.getByTestId('spec-form');
  await expect(form).toBeVisible();
  await expect(page.getByTestId('spec-name')).toBeFocused();
  await page.getByTestId('spec-name').fill('Linux-Production');
  await page.getByTestId('spec-description').fill('Web servers in production');
  await expect(page.getByTestId('spec-os-family')).toHaveValue('linux');
  await pickTimezone(page, 'new_y', 'America/New_York');

  // The hostname preview follows the template as it is typed, errors included.
  await page.getByTestId('spec-hostname-template').fill('{{.Name}}');
  await expect(page.getByTestId('spec-hostname-preview-error')).toContainText(
    'Unknown placeholder {{.Name}}',
  );
  await page.getByTestId('spec-hostname-template').fill('{{.VMName}}-{{.Random}}');
  await expect(page.getByTestId('spec-hostname-preview-error')).toHaveCount(0);
  const names = (await page.getByTestId('spec-hostname-preview-names').textContent())!.split(', ');
  expect(names).toHaveLength(3);
  names.forEach((n, i) => expect(n).toMatch(new RegExp(`^web-${i + 1}-[a-z0-9]{6}$`)));

  await page.getByTestId('spec-install-agent').check();

  // A bad SSH key: its error names the key and its line, and nothing is saved.
  await page.getByTestId('spec-ssh-keys').fill(`\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBroken`);
  await page.getByTestId('spec-password').fill(PASSWORD);
  await page.getByTestId('spec-password-confirm').fill(PASSWORD);
  await page.getByTestId('spec-save').click();
  await expect(page.getByTestId('spec-ssh-key-error-0')).toContainText('Key 1 (line 2):');
  await expect(page.getByTestId('spec-form-invalid')).toBeVisible();
  await expect(form).toBeVisible();

  // A password confirmation that does not match blocks the save too.
  await page.getByTestId('spec-ssh-keys').fill(key);
  await expect(page.getByTestId('spec-ssh-key-error-0')).toHaveCount(0);
  await page.getByTestId('spec-password-confirm').fill(`${PASSWORD}x`);
  await page.getByTestId('spec-save').click();
  await expect(page.getByTestId('spec-password-confirm-error')).toHaveText(/The passwords do not match/);
  await expect(form).toBeVisible();
  expect(await qhci.call('specs.list', {})).toEqual([]);
  await page.getByTestId('spec-password-confirm').fill(PASSWORD);
  await expect(page.getByTestId('spec-password-confirm-error')).toHaveCount(0);
  await qhci.screenshot('spec-form', { height: 1500 });

  await page.getByTestId('spec-save').click();
  await expect(form).toBeHidden();
  const row = page.getByTestId('spec-row-Linux-Production');
  await expect(row).toContainText('America/New_York');
  await expect(row).toContainText('{{.VMName}}-{{.Random}}');
  await expect(row.getByTestId('spec-cell-password')).toHaveText('Set');
  await expect(row.getByTestId('spec-cell-ssh-keys')).toHaveText('1');
  await qhci.screenshot('specs-table');

  // Main kept a hash only: the list says a password is set and carries no plaintext.
  const [created, ...others] = await qhci.call('specs.list', {});
  expect(others).toEqual([]);
  expect(created).toMatchObject({
    name: 'Linux-Production',
    osFamily: 'linux',
    timezone: 'America/New_York',
    hostnameTemplate: '{{.VMName}}-{{.Random}}',
    installAgent: true,
    sshKeys: [key],
    adminPasswordSet: true,
  });
  expect(JSON.stringify(created)).not.toContain(PASSWORD);
  expect(Object.keys(created!).filter((k) => /password/i.test(k))).toEqual(['adminPasswordSet']);

  // Edit: the password is never shown back; blank keeps it. The time zone is picked from the keyboard.
  await page.getByTestId('spec-edit-Linux-Production').click();
  await expect(page.getByTestId('spec-name')).toBeFocused();
  await page.getByTestId('spec-timezone').click();
  await expect(page.getByRole('option', { name: /^Africa\/Abidjan/ })).toBeVisible();
  await qhci.screenshot('spec-timezone-all', { height: 1500 });
  await page.keyboard.press('Escape');
  await expect(page.getByRole('option', { name: /^Africa\/Abidjan/ })).toBeHidden();
  await expect(form).toBeVisible();
  await expect(page.getByTestId('spec-name')).toHaveValue('Linux-Production');
  await expect(page.getByTestId('spec-password')).toHaveValue('');
  await expect(page.getByTestId('spec-password-status')).toHaveText(
    'A password is set. Leave blank to keep it.',
  );
  await page.getByTestId('spec-timezone').click();
  await page.getByTestId('spec-timezone').fill('berlin');
  await expect(page.getByRole('option', { name: /^Europe\/Berlin/ })).toBeVisible();
  await qhci.screenshot('spec-timezone-typeahead');
  await page.getByTestId('spec-timezone').press('ArrowDown');
  await page.getByTestId('spec-timezone').press('Enter');
  await expect(page.getByTestId('spec-timezone')).toHaveValue('Europe/Berlin');
  await page.getByTestId('spec-labels').fill('env=production\ntier=web');
  await page.getByTestId('spec-save').click();
  await expect(form).toBeHidden();
  await expect(row).toContainText('Europe/Berlin');
  const edited = await qhci.call('specs.get', { id: created!.id });
  expect(edited).toMatchObject({
    timezone: 'Europe/Berlin',
    labels: { env: 'production', tier: 'web' },
    adminPasswordSet: true,
  });

  // Save as…: a name already taken is refused by main, on the name field.
  await page.getByTestId('spec-actions-Linux-Production').click();
  await page.getByTestId('spec-duplicate-Linux-Production').click();
  await page.getByTestId('spec-duplicate-name').fill('Linux-Production');
  await page.getByTestId('spec-duplicate-save').click();
  await expect(page.getByTestId('spec-duplicate-error')).toContainText('already exists');
  await page.getByTestId('spec-duplicate-name').fill('Linux-Production-Copy');
  await page.getByTestId('spec-duplicate-save').click();
  await expect(page.getByTestId('spec-duplicate-modal')).toBeHidden();
  const copyRow = page.getByTestId('spec-row-Linux-Production-Copy');
  await expect(copyRow.getByTestId('spec-cell-password')).toHaveText('Set');
  await expect(copyRow).toContainText('Europe/Berlin');

  // The copy's password is removed on edit; the original keeps its own.
  await page.getByTestId('spec-edit-Linux-Production-Copy').click();
  await page.getByTestId('spec-password-remove').check();
  await expect(page.getByTestId('spec-password')).toBeDisabled();
  await page.getByTestId('spec-save').click();
  await expect(form).toBeHidden();
  await expect(copyRow.getByTestId('spec-cell-password')).toHaveText('Not set');
  await expect(row.getByTestId('spec-cell-password')).toHaveText('Set');

  // Renaming onto a taken name in the form: main's CONFLICT lands on the name field.
  await page.getByTestId('spec-edit-Linux-Production-Copy').click();
  await page.getByTestId('spec-name').fill('Linux-Production');
  await page.getByTestId('spec-save').click();
  await expect(page.getByTestId('spec-name-error')).toContainText('already exists');
  await page.getByTestId('spec-cancel').click();
  await expect(form).toBeHidden();

  // Delete the copy, after confirming.
  await page.getByTestId('spec-actions-Linux-Production-Copy').click();
  await expect(page.getByRole('menuitem', { name: 'Delete' })).toBeVisible();
  await qhci.screenshot('specs-actions-menu');
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await expect(page.getByTestId('spec-delete-modal')).toContainText('Delete Linux-Production-Copy?');
  await page.getByTestId('spec-delete-confirm').click();
  await expect(page.getByTestId('spec-delete-modal')).toBeHidden();
  await expect(copyRow).toHaveCount(0);
  const left = await qhci.call('specs.list', {});
  expect(left.map((s) => [s.name, s.adminPasswordSet])).toEqual([['Linux-Production', true]]);
});

test('customization specs: field errors appear only after the first save, and clear as fields are fixed', async ({
  page,
  qhci,
}) => {
  await qhci.open();
  await page.getByTestId('nav-specs').click();
  await page.getByTestId('spec-create').click();
  // Escape closes an open time zone list first, and only then the dialog.
  await page.getByTestId('spec-timezone').click();
  await expect(page.getByRole('option', { name: /^Europe\/Paris/ })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('option', { name: /^Europe\/Paris/ })).toBeHidden();
  await expect(page.getByTestId('spec-form')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('spec-form')).toBeHidden();

  await page.getByTestId('spec-create').click();
  await page.getByTestId('spec-labels').fill('Bad Key=value');
  await expect(page.getByTestId('spec-name-error')).toHaveCount(0);
  await page.getByTestId('spec-save').click();
  await expect(page.getByTestId('spec-name-error')).toHaveText(/Name is required/);
  await expect(page.getByTestId('spec-labels-error')).toContainText('Label keys');
  await expect(page.getByTestId('spec-user-data')).toBeHidden();
  await page.locator('#spec-cloudinit-toggle').click();
  await page.getByTestId('spec-user-data').fill('not cloud config');
  await expect(page.getByTestId('spec-user-data-error')).toContainText('#cloud-config');
  await qhci.screenshot('spec-form-errors', { height: 1900 });
  await page.getByTestId('spec-name').fill('Windows');
  await page.getByTestId('spec-labels').fill('os=windows');
  await page.getByTestId('spec-user-data').fill('#cloud-config\npackages: [htop]\n');
  await page.getByTestId('spec-os-family').selectOption('windows');
  await expect(page.getByTestId('spec-form-invalid')).toHaveCount(0);
  await page.getByTestId('spec-save').click();
  await expect(page.getByTestId('spec-form')).toBeHidden();
  await expect(page.getByTestId('spec-row-Windows')).toContainText('Windows');
  await expect(page.getByTestId('spec-row-Windows').getByTestId('spec-cell-password')).toHaveText('Not set');
  const [spec] = await qhci.call('specs.list', {});
  expect(spec).toMatchObject({ osFamily: 'windows', labels: { os: 'windows' }, adminPasswordSet: false });
});
