import type { Page } from '@playwright/test';
import type { FolderNode } from '../../src/shared/domain/folder';
import { expect, test, type Qhci } from './fixtures';

/** Every folder path in the project, as main reports it. */
async function pathsInMain(qhci: Qhci): Promise<string[]> {
  const root = await qhci.call('folders.tree', {});
  const out: string[] = [];
  const walk = (n: FolderNode) => {
    out.push(n.path);
    n.children.forEach(walk);
  };
  walk(root);
  return out.sort();
}

async function select(page: Page, path: string) {
  await page.getByTestId(`folder-node-${path}`).click();
  await expect(page.getByTestId('folder-details-path')).toHaveText(path);
}

async function newFolder(page: Page, name: string) {
  await page.getByTestId('folder-new').click();
  await page.getByTestId('folder-name-input').fill(name);
  await page.getByTestId('folder-save').click();
}

test('folders: create, rename, move, refuse bad names, delete', async ({ page, qhci }) => {
  await qhci.open();
  await page.getByTestId('nav-folders').click();
  await expect(page.getByTestId('folder-node-/')).toBeVisible();

  // Nothing selected: a new folder goes under the root.
  await newFolder(page, 'Production');
  await expect(page.getByTestId('folder-name-modal')).toBeHidden();
  await expect(page.getByTestId('folder-node-/Production')).toBeVisible();
  // The new folder is selected, so the next one goes under it.
  await expect(page.getByTestId('folder-details-path')).toHaveText('/Production');
  await newFolder(page, 'Web');
  await expect(page.getByTestId('folder-node-/Production/Web')).toBeVisible();
  expect(await pathsInMain(qhci)).toEqual(['/', '/Production', '/Production/Web']);

  // VM counts: two VMs placed in Web by main show up on its node.
  const tree = await qhci.call('folders.tree', {});
  const web = tree.children[0]!.children[0]!;
  const vmIds = ['web-1', 'web-2'].map(
    (name) => qhci.app.repos.vms.insert({ projectId: tree.projectId, name }).id,
  );
  await qhci.call('vms.moveToFolder', { vmIds, folderId: web.id });
  await expect(page.getByTestId('folder-vmcount-/Production/Web')).toHaveText('2 VMs');
  await expect(page.getByTestId('folder-vmcount-/Production')).toHaveText('0 VMs');
  await qhci.screenshot('folders-tree');

  // Rename Production: its subfolder's path follows.
  await select(page, '/Production');
  await page.getByTestId('folder-rename').click();
  await expect(page.getByTestId('folder-name-input')).toHaveValue('Production');
  await page.getByTestId('folder-name-input').fill('Prod');
  await page.getByTestId('folder-save').click();
  await expect(page.getByTestId('folder-node-/Prod/Web')).toBeVisible();
  await expect(page.getByTestId('folder-node-/Production')).toHaveCount(0);
  await expect(page.getByTestId('folder-details-path')).toHaveText('/Prod');
  expect(await pathsInMain(qhci)).toEqual(['/', '/Prod', '/Prod/Web']);

  // Another folder at the root, then move Web into it.
  await select(page, '/');
  await expect(page.getByTestId('folder-rename')).toBeDisabled();
  await newFolder(page, 'Staging');
  await expect(page.getByTestId('folder-node-/Staging')).toBeVisible();
  await select(page, '/Prod/Web');
  await page.getByTestId('folder-move').click();
  const target = page.getByTestId('folder-move-target');
  // Offered: every folder but Web itself, its subfolders, and where it already is.
  await expect(target.locator('option')).toHaveText(['/', '/Staging']);
  await target.selectOption({ label: '/Staging' });
  await qhci.screenshot('folders-move');
  await page.getByTestId('folder-move-save').click();
  await expect(page.getByTestId('folder-move-modal')).toBeHidden();
  await expect(page.getByTestId('folder-node-/Staging/Web')).toBeVisible();
  await expect(page.getByTestId('folder-node-/Prod/Web')).toHaveCount(0);
  await expect(page.getByTestId('folder-details-path')).toHaveText('/Staging/Web');
  await expect(page.getByTestId('folder-vmcount-/Staging/Web')).toHaveText('2 VMs');
  expect(await pathsInMain(qhci)).toEqual(['/', '/Prod', '/Staging', '/Staging/Web']);

  // A duplicate name is refused by main, and the error is shown on the name field.
  await select(page, '/Staging');
  await page.getByTestId('folder-new').click();
  await page.getByTestId('folder-name-input').fill('Web');
  await page.getByTestId('folder-save').click();
  await expect(page.getByTestId('folder-name-error')).toContainText(
    'A folder named "Web" already exists in /Staging',
  );
  await expect(page.getByTestId('folder-name-input')).toHaveAttribute('aria-invalid', 'true');
  await qhci.screenshot('folders-duplicate-error');
  // A "/" in the name is refused too, on the same field.
  await page.getByTestId('folder-name-input').fill('a/b');
  await page.getByTestId('folder-name-input').press('Enter');
  await expect(page.getByTestId('folder-name-error')).toContainText('Name may not contain "/"');
  await page.getByTestId('folder-cancel').click();
  await expect(page.getByTestId('folder-name-modal')).toBeHidden();
  expect(await pathsInMain(qhci)).toEqual(['/', '/Prod', '/Staging', '/Staging/Web']);

  // Renaming onto a sibling's name is refused by main as well.
  await page.getByTestId('folder-rename').click();
  await page.getByTestId('folder-name-input').fill('prod');
  await page.getByTestId('folder-save').click();
  await expect(page.getByTestId('folder-name-error')).toContainText('already exists');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('folder-name-modal')).toBeHidden();

  // Delete Staging: the confirmation counts its subfolder and says the VMs stay.
  await page.getByTestId('folder-delete').click();
  const dialog = page.getByTestId('folder-delete-modal');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('folder-delete-summary')).toHaveText('Its 1 subfolder will be deleted too.');
  await expect(page.getByTestId('folder-delete-vms')).toContainText(
    'The 2 virtual machines in it stay in the inventory',
  );
  await qhci.screenshot('folders-delete');
  await page.getByTestId('folder-delete-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('folder-node-/Staging')).toHaveCount(0);
  await expect(page.getByTestId('folder-node-/Staging/Web')).toHaveCount(0);
  await expect(page.getByTestId('folder-details-path')).toHaveText('/');
  expect(await pathsInMain(qhci)).toEqual(['/', '/Prod']);
  // The VMs are still in the inventory, now without a folder.
  const vms = await qhci.call('vms.list', {});
  expect(vms.map((v) => [v.name, v.folderId])).toEqual([
    ['web-1', null],
    ['web-2', null],
  ]);
});

test('folders: the tree and its actions work from the keyboard', async ({ page, qhci }) => {
  await qhci.call('folders.create', { name: 'Alpha' });
  await qhci.open();
  await page.getByTestId('nav-folders').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('folder-node-/Alpha')).toBeVisible();

  await page.getByTestId('folder-new').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('folder-name-input')).toBeFocused();
  await page.keyboard.type('Beta');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('folder-node-/Beta')).toBeVisible();
  expect(await pathsInMain(qhci)).toEqual(['/', '/Alpha', '/Beta']);

  // Arrow keys move through the tree; Enter selects.
  await page.getByRole('button', { name: '/', exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByRole('button', { name: 'Alpha', exact: true })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('folder-details-path')).toHaveText('/Alpha');

  // Rename from the keyboard; Escape closes a dialog without a change.
  await page.getByTestId('folder-rename').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('folder-name-input')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('folder-name-modal')).toBeHidden();
  await page.getByTestId('folder-rename').focus();
  await page.keyboard.press('Enter');
  // The dialog moves focus to its field when it opens; type only once it has.
  await expect(page.getByTestId('folder-name-input')).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type('Gamma');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('folder-node-/Gamma')).toBeVisible();
  expect(await pathsInMain(qhci)).toEqual(['/', '/Beta', '/Gamma']);
});
