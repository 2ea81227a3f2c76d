import { expect, test } from './fixtures';

test('a change made in main reaches the page through inventory.changed, for that entity only', async ({
  page,
  qhci,
}) => {
  await qhci.open();
  await page.getByTestId('nav-folders').click();
  await expect(page.getByTestId('folder-node-/')).toBeVisible();
  await page.getByTestId('nav-specs').click();
  await expect(page.getByTestId('spec-empty')).toBeVisible();
  await page.getByTestId('nav-folders').click();
  const treeReads = () => qhci.invocations.filter((c) => c === 'folders.tree').length;
  const specReads = () => qhci.invocations.filter((c) => c === 'specs.list').length;
  const trees = treeReads();
  const specs = specReads();

  // A folder created behind the page's back (as the CLI or another window would) appears in the tree.
  await qhci.call('folders.create', { name: 'FromMain' });
  await expect(page.getByTestId('folder-node-/FromMain')).toBeVisible();
  expect(treeReads()).toBe(trees + 1);

  // A spec change refreshes nothing on the folders side (the specs list is not on screen, so it is only
  // marked stale) and the new spec is there when the page is opened.
  await qhci.call('specs.create', { name: 'FromMain' });
  await page.getByTestId('nav-specs').click();
  await expect(page.getByTestId('spec-row-FromMain')).toBeVisible();
  expect(treeReads()).toBe(trees + 1);
  expect(specReads()).toBe(specs + 1);
});
