/**
 * The accelerator and guest CPU in the console, against the real qemu:///system: the host's accelerator
 * policy on its page, the CPU mode and accelerator in the wizard's Compute step, and a VM whose start the
 * host refuses for its CPU, fixed with one click — only where this machine's KVM gives a real refusal
 * (read from the host, never assumed).
 */
import type { Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineDomain, domstate, QEMU, removeDomain, virsh } from '../helpers/domains';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test, type Qhci } from './fixtures';

test.skip(testbed === null, `CPU e2e tests need the testbed: ${NO_TESTBED}`);

/** A CPU model this host's KVM lists as unusable (libvirt refuses to start it), or null without KVM. */
function refusedModel(): string | null {
  try {
    const caps = virsh('domcapabilities', '--virttype', 'kvm');
    if (!caps.includes('<domain>kvm</domain>')) return null;
    const custom = /<mode name='custom' supported='yes'>([\s\S]*?)<\/mode>/.exec(caps)?.[1] ?? '';
    return /<model usable='no'[^>]*>([A-Za-z0-9][A-Za-z0-9._-]*)<\/model>/.exec(custom)?.[1] ?? null;
  } catch {
    return null;
  }
}

const defined: string[] = [];
test.afterEach(() => {
  for (const uuid of defined.splice(0)) removeDomain(uuid);
});

const addLocal = (qhci: Qhci) =>
  qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });

async function openHost(page: Page, qhci: Qhci) {
  await qhci.open();
  await page.getByTestId('nav-hosts').click();
  await page.getByTestId('host-open-local').click();
  await expect(page.getByTestId('host-detail')).toBeVisible();
}

test('the host page shows what the host offers and edits its accelerator policy', async ({ page, qhci }) => {
  const host = await addLocal(qhci);
  const offersKvm = host.facts?.domainType === 'kvm';
  await openHost(page, qhci);
  await expect(page.getByTestId('host-detail-accel')).toHaveText(
    offersKvm ? 'KVM (hardware)' : 'QEMU (emulated, TCG)',
  );
  const policy = page.getByTestId('host-accel-policy');
  await expect(policy).toHaveValue('auto');
  await expect(page.getByTestId('host-accel-in-use')).toContainText(offersKvm ? 'KVM (hardware)' : 'TCG');
  await expect(page.getByTestId('host-detail-cpu-mode')).toHaveCount(offersKvm ? 1 : 0);
  await qhci.screenshot('host-accelerator', { height: 1000 });

  await policy.selectOption('tcg');
  await expect(page.getByTestId('host-accel-in-use')).toHaveText('New VMs run under QEMU (emulated, TCG).');
  await expect
    .poll(async () => (await qhci.call('hosts.get', { id: host.id })).host.policy.accelerator)
    .toBe('tcg');
  // What the scheduler reads too: a VM that needs KVM no longer fits here, and says why.
  const dry = await qhci.call('scheduler.place', {
    request: { vcpus: 1, memoryBytes: 64 * 1024 ** 2, requireKvm: true },
  });
  expect(dry.ok).toBe(false);
  expect(JSON.stringify(dry)).toContain('accelerator policy is TCG');
  await policy.selectOption('auto');
  await expect
    .poll(async () => (await qhci.call('hosts.get', { id: host.id })).host.policy.accelerator)
    .toBe('auto');
});

test('the Compute step offers the CPU mode and the accelerator, and refuses host-passthrough under TCG', async ({
  page,
  qhci,
}) => {
  await addLocal(qhci);
  await qhci.open();
  await page.getByTestId('nav-vms').click();
  await page
    .getByTestId(/^vm-create(-empty)?$/)
    .first()
    .click();
  await page.getByTestId('wizard-name').fill(`qw-cpu-${randomUUID().slice(0, 6)}`);
  const next = page.getByTestId('wizard-next');
  await next.click();
  await next.click();
  const mode = page.getByTestId('wizard-cpu-mode');
  await expect(mode).toHaveValue('auto');
  await expect(page.getByTestId('wizard-accelerator')).toHaveValue('auto');
  // The models this host lists as usable are offered by name.
  const models = (await qhci.call('hosts.list', {}))[0]!.facts?.cpuModels ?? [];
  if (models.length) await expect(mode.locator(`option[value="${models[0]}"]`)).toHaveCount(1);
  await mode.selectOption('host-passthrough');
  await page.getByTestId('wizard-accelerator').selectOption('tcg');
  await expect(page.getByTestId('wizard-cpu-mode-error')).toContainText('host-passthrough needs KVM');
  await expect(next).toBeDisabled();
  await qhci.screenshot('wizard-compute-cpu');
  await page.getByTestId('wizard-accelerator').selectOption('auto');
  await mode.selectOption('auto');
  await expect(page.getByTestId('wizard-cpu-mode-error')).toHaveCount(0);
  await expect(next).toBeEnabled();
});

test("the VM page shows a running guest's signs of life, read from its host", async ({ page, qhci }) => {
  const dom = defineDomain();
  defined.push(dom.uuid);
  await addLocal(qhci);
  await qhci.open();
  await page.getByTestId('nav-vms').click();
  await page.getByTestId('vm-filter-name').locator('input').fill(dom.name);
  await page.getByTestId(`vm-open-${dom.name}`).click();
  await expect(page.getByTestId('vm-detail-guest')).toHaveText('Not running');
  await page.getByTestId(`vm-power-start-${dom.name}`).click();
  await expect(page.getByTestId('vm-detail-state')).toHaveText('Running');
  // A diskless domain boots nothing: no agent, no lease (and no warning yet: it has only just started).
  await expect(page.getByTestId('vm-guest-text')).toHaveText(
    'No sign of life yet: no guest agent, no DHCP lease',
  );
  await expect(page.getByTestId('vm-guest-warning')).toHaveCount(0);
  expect(qhci.invocations).toContain('vms.guest');
});

const model = refusedModel();

test(`a VM its host will not start for its CPU shows why, and one click gives it a mode that starts${
  model ? '' : ' (skipped: KVM is not usable here or lists no unusable model, so no real refusal can be had)'
}`, async ({ page, qhci }) => {
  test.skip(model === null, 'no KVM CPU refusal can be produced on this machine');
  const uuid = randomUUID();
  const name = `qhci-t-cpu-${uuid.slice(0, 6)}`;
  const dir = mkdtempSync(join(tmpdir(), 'qhci-cpu-'));
  writeFileSync(
    join(dir, 'd.xml'),
    `<domain type='kvm'><name>${name}</name><uuid>${uuid}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='q35'>hvm</type></os><features><acpi/></features>
  <cpu mode='custom' match='exact' check='partial'><model fallback='forbid'>${model}</model><topology sockets='1' cores='1' threads='1'/></cpu>
  <devices><serial type='pty'/></devices></domain>`,
  );
  try {
    virsh('define', join(dir, 'd.xml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  defined.push(uuid);
  await addLocal(qhci);
  await qhci.open();
  await page.getByTestId('nav-vms').click();
  await page.getByTestId('vm-filter-name').locator('input').fill(name);
  await page.getByTestId(`vm-open-${name}`).click();
  await page.getByTestId(`vm-power-start-${name}`).click();
  const alert = page.getByTestId('vm-power-error');
  await expect(alert).toContainText("its host refused the VM's CPU");
  await expect(page.getByTestId('vm-cpu-fix-button')).toBeVisible();
  // Not rewritten silently.
  expect(virsh('dumpxml', uuid)).toContain(`>${model}</model>`);
  expect(domstate(uuid)).toBe('shut off');
  await qhci.screenshot('vm-cpu-refused');

  await page.getByTestId('vm-cpu-fix-button').click();
  await expect(page.getByTestId('vm-cpu-fix-result')).toContainText(`(was CPU model ${model})`);
  await expect(page.getByTestId('vm-detail-state')).toHaveText('Running');
  expect(domstate(uuid)).toBe('running');
  expect(virsh('dumpxml', uuid)).not.toContain(`>${model}</model>`);
  await qhci.screenshot('vm-cpu-fixed');
});
