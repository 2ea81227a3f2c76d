/**
 * The create-VM wizard against the real testbed: two hosts (kvm-a over SSH, the simulated sim-b), a cloud
 * image in kvm-a's pool, a customization spec and a folder made inline; auto placement. The VM must come
 * up running, in the folder, on the host the scheduler chose, with the disk the review step's XML shows.
 */
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { XMLParser } from 'fast-xml-parser';
import type { QhciClient } from '../../src/shared/ipc/transport';
import { removeDomain, virsh } from '../helpers/domains';
import { addSshHost, dumpxml, makeCloudImage, MiB, POOL, removeVolume, uniq } from '../helpers/provision';
import { ed25519Key } from '../helpers/ssh-keys';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test, type Qhci } from './fixtures';
import { stepShot } from './shots';

test.skip(testbed === null, `Wizard e2e tests need the testbed: ${NO_TESTBED}`);
test.describe.configure({ timeout: 240_000 });

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (n) => n === 'disk',
});

interface DiskEl {
  '@device': string;
  driver?: { '@type'?: string };
  source?: { '@file'?: string };
  backingStore?: { '@type'?: string; format?: { '@type'?: string }; source?: { '@file'?: string } };
  target: { '@dev': string; '@bus': string };
}
const disksOf = (domainXml: string) =>
  (xml.parse(domainXml) as { domain: { devices: { disk: DiskEl[] } } }).domain.devices.disk;

const client = (qhci: Qhci) => ({ call: qhci.call }) as unknown as QhciClient;

const shot = stepShot;

const domains: string[] = [];
const volumes: string[] = [];
test.afterEach(() => {
  for (const name of domains.splice(0)) removeDomain(name);
  // Overlays and seeds first: the image they rest on goes last.
  for (const name of volumes.splice(0).reverse()) removeVolume(name);
});

async function openWizard(page: Page) {
  await page.getByTestId('nav-vms').click();
  await page
    .getByTestId(/^vm-create(-empty)?$/)
    .first()
    .click();
  await expect(page.getByTestId('wizard')).toBeVisible();
}

test('create a VM from a cloud image with a spec, auto-placed, in a new folder', async ({
  page,
  qhci,
}, testInfo) => {
  const kvmA = await addSshHost(client(qhci), 'kvm-a');
  await addSshHost(client(qhci), 'sim-b');
  const key = ed25519Key('admin@qhci-wizard');
  const spec = await qhci.call('specs.create', {
    name: 'Linux-Production',
    osFamily: 'linux',
    timezone: 'Europe/Berlin',
    hostnameTemplate: '{{.VMName}}-{{.Index}}',
    sshKeys: [key],
  });
  const image = makeCloudImage();
  volumes.push(image.name);
  await qhci.call('hosts.sync', { id: kvmA });
  const name = uniq('qw-web');
  domains.push(name);
  volumes.push(`${name}-disk0.qcow2`, `${name}-cidata.iso`, `${name}-seed.iso`);

  await qhci.open();
  await openWizard(page);

  // 1. Basics: the name, and the folder "Production" created inline.
  const next = page.getByTestId('wizard-next');
  await expect(next).toBeDisabled();
  await page.getByTestId('wizard-name').fill(name);
  await page.getByTestId('wizard-description').fill('Made by the wizard e2e test');
  await page.getByTestId('wizard-folder-new').click();
  await page.getByTestId('wizard-folder-new-name').fill('Production');
  await page.getByTestId('wizard-folder-create').click();
  await expect(page.getByTestId('wizard-folder')).toHaveText('/Production');
  const production = (await qhci.call('folders.tree', {})).children.find((f) => f.name === 'Production');
  expect(production).toBeDefined();
  await shot(page, testInfo, '1-basics');
  await expect(next).toBeEnabled();
  await next.click();

  // 2. Placement: auto; every host in the table, the chosen one highlighted.
  await expect(page.getByTestId('wizard-placement-auto')).toBeChecked();
  await expect(page.getByTestId('placement-row-kvm-a')).toBeVisible();
  await expect(page.getByTestId('placement-row-sim-b')).toBeVisible();
  await expect(page.getByTestId('wizard-placement-summary')).toBeVisible();
  await shot(page, testInfo, '2-placement');
  await next.click();

  // 3. Compute: 1 × 2 vCPUs, 512 MiB; the chosen host's free capacity is shown.
  await page.getByTestId('wizard-cores').fill('2');
  await expect(page.getByTestId('wizard-vcpus')).toHaveText('2');
  await page.getByTestId('wizard-memory-preset').selectOption('0.5');
  await expect(page.getByTestId('wizard-host-free')).toBeVisible();
  await shot(page, testInfo, '3-compute');
  await next.click();

  // 4. Storage: the testbed pool, 256 MiB thin.
  await expect(page.getByTestId(`pool-card-kvm-a-${POOL}`)).toBeVisible();
  await page.getByTestId('wizard-disk-pool-0').selectOption(POOL);
  await page.getByTestId('wizard-disk-size-0').fill('256');
  await page.getByTestId('wizard-disk-unit-0').selectOption('MiB');
  await expect(page.getByTestId(`pool-card-kvm-a-${POOL}-after`)).toContainText('Left after this VM');
  await shot(page, testInfo, '4-storage');
  await next.click();

  // 5. Network: the default network on the chosen host.
  await expect(page.getByTestId('wizard-nic-network-0')).toHaveValue('default');
  await shot(page, testInfo, '5-network');
  await next.click();

  // 6. Boot media: the cloud image, with its size and format; it turns cloud-init on.
  await page.getByTestId('wizard-boot-cloud-image').check();
  const row = page.getByTestId(`wizard-image-row-${image.name}`);
  await expect(row).toBeVisible();
  await expect(page.getByTestId(`wizard-image-format-${image.name}`)).toHaveText('qcow2');
  await expect(page.getByTestId(`wizard-image-size-${image.name}`)).toHaveText('64 MiB');
  await row.getByRole('radio').check();
  await expect(page.getByTestId('wizard-cloudinit-on')).toBeVisible();
  await page.getByTestId('wizard-profile').selectOption('debian');
  await shot(page, testInfo, '6-boot');
  await next.click();

  // 7. Customization: the spec fills the fields; the preview renders the VM's hostname.
  await page.getByTestId('wizard-spec').selectOption(spec.id);
  await expect(page.getByTestId('wizard-spec')).toContainText('Linux-Production (Linux)');
  await expect(page.getByTestId('wizard-timezone')).toHaveValue('Europe/Berlin');
  await expect(page.getByTestId('wizard-hostname-preview-names')).toHaveText(`${name}-1`);
  await expect(page.getByTestId('wizard-ssh-keys')).toHaveValue(key);
  await shot(page, testInfo, '7-customization');
  await next.click();

  // 8. Review: the summary, the domain XML and the cloud-init documents from main's dry run.
  const review = page.getByTestId('wizard-review');
  await expect(review).toBeVisible();
  const xmlBlock = page.getByTestId('wizard-review-xml');
  await expect(xmlBlock).toContainText(`<name>${name}</name>`);
  const chosenHost = await page.getByTestId('wizard-summary-host').textContent();
  expect(chosenHost).toBe('kvm-a');
  const reviewXml = (await xmlBlock.textContent())!;
  await expect(page.getByTestId('wizard-copy-xml')).toBeVisible();
  await shot(page, testInfo, '8-review');
  await page.getByTestId('wizard-review-tab-user-data').click();
  await expect(page.getByTestId('wizard-review-user-data')).toContainText('#cloud-config');
  await expect(page.getByTestId('wizard-review-user-data')).toContainText(key.split(' ')[1]!);
  await shot(page, testInfo, '8-review-user-data');

  // Create: the task's progress, then the new VM.
  await page.getByTestId('wizard-create').click();
  await expect(page.getByTestId('wizard-create-progress')).toBeVisible();
  await shot(page, testInfo, '9-progress');
  await expect(page.getByTestId('wizard')).toHaveCount(0);
  await expect(page.getByTestId('wizard-create-progress')).toHaveCount(0, { timeout: 180_000 });

  const vm = (await qhci.call('vms.list', {})).find((v) => v.name === name);
  expect(vm).toMatchObject({ state: 'running', folderId: production!.id, hostId: kvmA });
  await shot(page, testInfo, '10-vm');

  // The disk the review showed is the one on the host: same file, resting on the image, the size asked.
  const live = disksOf(dumpxml(name)).find((d) => d['@device'] === 'disk')!;
  const planned = disksOf(reviewXml).find((d) => d['@device'] === 'disk')!;
  expect(live.source?.['@file']).toBe(planned.source?.['@file']);
  expect(live.backingStore?.source?.['@file']).toBe(image.path);
  if (planned.backingStore?.source?.['@file'] !== undefined)
    expect(planned.backingStore.source['@file']).toBe(image.path);
  const info = JSON.parse(
    execFileSync('qemu-img', ['info', '-U', '--output=json', live.source!['@file']!], { encoding: 'utf8' }),
  ) as { 'virtual-size': number; 'backing-filename': string };
  expect(info['virtual-size']).toBe(256 * MiB);
  expect(info['backing-filename']).toBe(image.path);
  expect(virsh('domstate', name).trim()).toBe('running');

  // The VM list shows it, running, in Production.
  await page.getByTestId('nav-vms').click();
  await expect(page.getByTestId(`vm-row-${name}`)).toBeVisible();
  await shot(page, testInfo, '11-vm-list');
});
