/** First run: a workstation that runs libvirt itself is offered as a host, in one click. */
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test } from './fixtures';

test.skip(testbed === null, `needs the testbed's local libvirtd: ${NO_TESTBED}`);

test('the local libvirt is offered on an empty inventory, and added in one click', async ({ page, qhci }) => {
  await qhci.open();
  await page.getByTestId('nav-hosts').click();
  await expect(page.getByTestId('host-local-suggestion')).toContainText('qemu:///system');
  await page.getByTestId('host-local-add').click();
  await expect(page.getByTestId('host-row-This workstation')).toBeVisible();
  await expect(page.getByTestId('host-state-This workstation')).toContainText(/connected/i);
  // Once it is in the inventory it is no longer offered.
  await expect(page.getByTestId('host-local-suggestion')).toBeHidden();
  const hosts = await qhci.call('hosts.list', {});
  expect(hosts.map((h) => [h.name, h.kind, h.uri])).toEqual([
    ['This workstation', 'libvirt', 'qemu:///system'],
  ]);
  await page.screenshot({ path: 'test-results/screenshots/hosts-first-run.png', fullPage: true });
});
