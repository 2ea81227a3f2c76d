/** The masthead's search: VMs, hosts and folders by name, across every host, from the keyboard. */
import { defineDomain, QEMU, removeDomain } from '../helpers/domains';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test } from './fixtures';

test.skip(testbed === null, `Search e2e tests need the testbed: ${NO_TESTBED}`);

const defined: string[] = [];
test.afterEach(() => {
  for (const uuid of defined.splice(0)) removeDomain(uuid);
});

test('search finds a VM, a host and a folder by name and opens each', async ({ page, qhci }) => {
  const dom = defineDomain();
  defined.push(dom.uuid);
  const host = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
  const folder = await qhci.call('folders.create', { name: 'Search-Me' });
  await qhci.open();
  const input = page.getByTestId('global-search').locator('input');

  // A VM: type part of its name, go down into the results, Enter opens its detail.
  await input.fill(dom.name.slice(0, -2).toUpperCase());
  const results = page.getByTestId('global-search-results');
  await expect(results.getByTestId(`search-result-vm-${dom.name}`)).toBeVisible();
  await expect(results.getByTestId(`search-result-vm-${dom.name}`)).toContainText('on local');
  await qhci.screenshot('search-results');
  await input.press('ArrowDown');
  await expect(results.getByTestId(`search-result-vm-${dom.name}`).locator('button')).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('vm-detail-name')).toHaveText(dom.name);
  await expect(results).toBeHidden();

  // A host: Enter in the field opens the best match.
  await input.fill('loca');
  await expect(
    page.getByTestId('global-search-results').getByTestId('search-result-host-local'),
  ).toBeVisible();
  await input.press('Enter');
  await expect(page.getByTestId('host-detail-name')).toHaveText('local');
  expect((await qhci.call('hosts.list', {}))[0]!.id).toBe(host.id);

  // A folder: the Folders page opens with it selected.
  await input.fill('search-m');
  await page.getByTestId('global-search-results').getByTestId('search-result-folder-/Search-Me').click();
  await expect(page.getByTestId('folder-details-path')).toHaveText(folder.path);

  // Nothing matches: said so; Escape closes the results.
  await input.fill('no-such-thing-anywhere');
  await expect(page.getByTestId('global-search-none')).toBeVisible();
  await input.press('Escape');
  await expect(page.getByTestId('global-search-results')).toBeHidden();
});
