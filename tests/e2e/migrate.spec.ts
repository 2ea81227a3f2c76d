/**
 * Migration in the app, between the testbed's two real libvirt hosts: kvm-a (this machine's libvirtd, as
 * the local host) and kvm-b (its own libvirtd, added over SSH as the integration tests do). A small running
 * domain (no guest OS) on a qcow2 overlay over a base is migrated live from its page: the preflight (checks,
 * files placed first, the scheduler's row) shown before anything moves, Migrate confirmed, the task
 * followed to the end. Screens are saved as test-results/screenshots/migrate-*.png.
 */
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QhciClient } from '../../src/shared/ipc/transport';
import { QEMU, virsh } from '../helpers/domains';
import { addSshHost, POOL, POOL_DIR, uniq } from '../helpers/provision';
import { pathOnB, secondHost, virshB } from '../helpers/second-host';
import { defineOverlayVm } from '../helpers/templates';
import { quiet, stateOn } from '../helpers/two-hosts';
import { expect, test } from './fixtures';

const kvmB = secondHost();
test.skip(kvmB.host === null, `migration e2e needs the testbed's second host ${kvmB.reason}`);

/** A shut-off domain named `name` on kvm-b (its own UUID): the preflight's name check then fails. */
function squatOnB(run: (...a: string[]) => string, name: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'qhci-migui-'));
  try {
    const file = join(dir, 'squatter.xml');
    writeFileSync(
      file,
      `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`,
    );
    run('define', file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lets a modal's transitions finish before a screenshot. */
async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(300);
}

test('migrate a running VM live to kvm-b from its page, the preflight shown first', async ({
  page,
  qhci,
}) => {
  test.setTimeout(240_000);
  const b = kvmB.host!;
  const onB = (...a: string[]) => virshB(b, ...a);
  const base = join(POOL_DIR, `${uniq('qhci-t-migui-base')}.qcow2`);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '64M']);
  const vm = defineOverlayVm(base, 'qhci-t-migui');
  try {
    virsh('start', vm.name);
    await qhci.open();
    const local = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
    await qhci.call('hosts.sync', { id: local.id });
    await addSshHost({ call: (c, i) => qhci.call(c, i) } as QhciClient, 'kvm-b');

    // From the list's row menu: a VM of that name on kvm-b fails the preflight, and Migrate stays off.
    squatOnB(onB, vm.name);
    await page.getByTestId('nav-vms').click();
    await page.getByTestId('vm-tree-host-local').click();
    await page.getByTestId('vm-filter-name').locator('input').fill(vm.name);
    await page.getByTestId(`vm-power-menu-${vm.name}`).click();
    await page.getByTestId(`vm-action-migrate-${vm.name}`).getByRole('menuitem').click();
    const refused = page.getByTestId('migrate-modal');
    await refused.getByTestId('migrate-dest').selectOption({ label: 'kvm-b' });
    await refused.getByTestId('migrate-check').click();
    await expect(refused.getByTestId('migrate-refused')).toContainText('Cannot migrate to kvm-b', {
      timeout: 60_000,
    });
    await expect(refused.getByTestId('migrate-check-fail')).toContainText(vm.name);
    await expect(refused.getByTestId('migrate-start')).toBeDisabled();
    await settle(page);
    await qhci.screenshot('migrate-refused', { height: 1300 });
    await refused.getByTestId('migrate-cancel').click();
    await expect(refused).toBeHidden();
    onB('undefine', vm.name);

    await page.getByTestId(`vm-open-${vm.name}`).click();
    await expect(page.getByTestId('vm-detail-name')).toHaveText(vm.name);
    await page.getByTestId('vm-detail-more').click();
    await page.getByTestId('vm-detail-migrate').click();
    const modal = page.getByTestId('migrate-modal');
    // Nothing checked yet: Migrate waits for the preflight.
    await expect(modal.getByTestId('migrate-start')).toBeDisabled();
    await modal.getByTestId('migrate-dest').selectOption({ label: 'kvm-b' });
    await modal.getByTestId('migrate-check').click();
    await expect(modal.getByTestId('migrate-preflight')).toBeVisible({ timeout: 60_000 });
    await expect(modal.getByTestId('migrate-mode')).toContainText('Live');
    await expect(modal.getByTestId('migrate-transport')).toContainText('Direct');
    await expect(modal.getByTestId('migrate-destination')).toHaveText('kvm-b');
    await expect(modal.getByTestId('migrate-check-todo')).toContainText(base);
    await expect(modal.getByTestId('migrate-check-fail')).toHaveCount(0);
    await expect(modal.getByTestId('migrate-copies')).toContainText(base);
    await expect(modal.getByTestId('migrate-copies')).toContainText(vm.disk);
    await expect(modal.getByTestId('migrate-scheduler-fit')).toHaveText('Fits');
    await expect(modal.getByTestId('migrate-start')).toBeEnabled();
    await settle(page);
    await qhci.screenshot('migrate-preflight', { height: 1300 });

    // Changing the destination discards the preflight; checking again brings it back.
    await modal.getByTestId('migrate-dest').selectOption({ label: 'Let the scheduler choose' });
    await expect(modal.getByTestId('migrate-preflight')).toHaveCount(0);
    await expect(modal.getByTestId('migrate-start')).toBeDisabled();
    await modal.getByTestId('migrate-check').click();
    await expect(modal.getByTestId('migrate-destination')).toHaveText('kvm-b', { timeout: 60_000 });

    await modal.getByTestId('migrate-start').click();
    await expect(modal.getByTestId('migrate-confirmation')).toContainText(`Migrate ${vm.name} to kvm-b now`);
    expect(stateOn(onB, vm.name)).toBeNull();
    await modal.getByTestId('migrate-confirm').click();
    await expect(modal.getByTestId('migrate-succeeded')).toBeVisible({ timeout: 180_000 });
    await expect(modal.getByTestId('migrate-succeeded')).toContainText(`${vm.name} is on kvm-b, running`);
    await settle(page);
    await qhci.screenshot('migrate-done', { height: 1100 });

    expect(stateOn(onB, vm.name)).toBe('running');
    expect(stateOn(virsh, vm.name)).toBeNull();
    expect(existsSync(pathOnB(b, vm.disk))).toBe(true);
    await modal.getByTestId('migrate-close').click();
    await expect(page.getByTestId('vm-detail-host')).toHaveText('kvm-b', { timeout: 30_000 });
  } finally {
    for (const run of [virsh, onB]) {
      quiet(() => run('destroy', vm.name));
      quiet(() => run('undefine', vm.name));
    }
    for (const f of [vm.disk, base]) quiet(() => execFileSync('rm', ['-f', '--', f, pathOnB(b, f)]));
    quiet(() => virsh('pool-refresh', POOL));
    quiet(() => onB('pool-refresh', POOL));
  }
});
