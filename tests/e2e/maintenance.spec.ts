/**
 * Maintenance mode in the app, between the testbed's two real libvirt hosts: kvm-a (this machine's
 * libvirtd, as the local host "local") and kvm-b (its own libvirtd, over SSH). A small running domain (no
 * guest OS) on a qcow2 overlay on kvm-b; from kvm-b's page, Enter maintenance… shows the scheduler's plan
 * (it goes to local), the confirmation, then the task and its migration; the VM lands on local, running,
 * kvm-b carries the Maintenance label on its page and in the list, and Exit maintenance takes it off.
 * Screens are saved as test-results/screenshots/maintenance-*.png.
 */
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { QhciClient } from '../../src/shared/ipc/transport';
import { QEMU, virsh } from '../helpers/domains';
import { addSshHost, POOL, POOL_DIR, uniq } from '../helpers/provision';
import { pathOnB, secondHost, virshB } from '../helpers/second-host';
import { expect, test } from './fixtures';
import { quiet, stateOn } from '../helpers/two-hosts';

const kvmB = secondHost();
test.skip(kvmB.host === null, `maintenance e2e needs the testbed's second host ${kvmB.reason}`);

/** Lets a modal's transitions finish before a screenshot. */
async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(300);
}

test('enter maintenance on kvm-b from its page: the plan, then its VM moves to local', async ({
  page,
  qhci,
}) => {
  test.setTimeout(300_000);
  const b = kvmB.host!;
  const onB = (...a: string[]) => virshB(b, ...a);
  const foreign = onB('list', '--all', '--name')
    .split('\n')
    .filter((n) => n.trim() !== '');
  // Entering maintenance moves every VM of the host: this test runs only on a kvm-b of its own.
  expect(foreign, 'kvm-b must define no other domain for this test').toEqual([]);
  const name = uniq('qhci-t-mntui');
  const base = join(POOL_DIR, `${name}-base.qcow2`);
  const disk = join(POOL_DIR, `${name}.qcow2`);
  const tpl = `${name}-tpl`;
  const tplDisk = join(POOL_DIR, `${tpl}.qcow2`);
  try {
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', pathOnB(b, base), '64M']);
    execFileSync('qemu-img', [
      'create',
      '-q',
      '-u',
      '-f',
      'qcow2',
      '-F',
      'qcow2',
      '-b',
      base,
      pathOnB(b, disk),
      '64M',
    ]);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', pathOnB(b, tplDisk), '64M']);
    for (const [n, d] of [
      [name, disk],
      [tpl, tplDisk],
    ] as const) {
      const xml = join(pathOnB(b, POOL_DIR), `${n}.xml`);
      execFileSync('sh', ['-c', 'cat > "$1"', 'sh', xml], {
        input: `<domain type='qemu'><name>${n}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${d}'/>
  <target dev='vda' bus='virtio'/></disk></devices></domain>`,
      });
      onB('define', xml);
      execFileSync('rm', ['-f', xml]);
    }
    onB('pool-refresh', POOL);
    onB('start', name);

    await qhci.open();
    const local = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
    await qhci.call('hosts.sync', { id: local.id });
    await addSshHost({ call: (c, i) => qhci.call(c, i) } as QhciClient, 'kvm-b');
    // A template stays on its host: the plan names it, and entering needs the choice to shut it down.
    const tplVm = (await qhci.call('vms.list', {})).find((v) => v.name === tpl)!;
    const conv = await qhci.call('vms.convertToTemplate', { vmId: tplVm.id, shutDown: false });
    await expect
      .poll(async () => (await qhci.call('tasks.get', { id: conv.taskId })).state, { timeout: 60_000 })
      .toBe('succeeded');

    await page.getByTestId('nav-hosts').click();
    await page.getByTestId('host-open-kvm-b').click();
    await expect(page.getByTestId('host-detail-name')).toHaveText('kvm-b');
    await page.getByTestId('host-detail-enter-maintenance').click();
    const modal = page.getByTestId('maintenance-modal');
    await expect(modal.getByTestId('maintenance-plan')).toBeVisible({ timeout: 60_000 });
    await expect(modal.getByTestId(`maintenance-dest-${name}`)).toHaveText('local');
    await expect(modal.getByTestId('maintenance-target-local')).toContainText('64 MiB');
    await expect(modal.getByTestId('maintenance-stuck')).toContainText('1 VM cannot leave kvm-b');
    await expect(modal.getByTestId(`maintenance-stuck-${tpl}`)).toContainText('template stays on its host');
    await expect(modal.getByTestId('maintenance-start')).toBeDisabled();
    await modal.getByTestId('maintenance-stuck-shutdown').check();
    await expect(modal.getByTestId('maintenance-start')).toBeEnabled();
    await settle(page);
    await qhci.screenshot('maintenance-plan', { height: 1000 });

    await modal.getByTestId('maintenance-start').click();
    await expect(modal.getByTestId('maintenance-confirmation')).toContainText(
      'Put kvm-b in maintenance mode now?',
    );
    await settle(page);
    await qhci.screenshot('maintenance-confirm', { height: 1000 });
    await modal.getByTestId('maintenance-confirm').click();
    await expect(modal.getByTestId(`maintenance-migration-${name}`)).toBeVisible({ timeout: 30_000 });
    await expect(modal.getByTestId('maintenance-succeeded')).toBeVisible({ timeout: 240_000 });
    await expect(modal.getByTestId('maintenance-succeeded')).toContainText('kvm-b is in maintenance mode.');
    await expect(modal.getByTestId(`maintenance-migration-state-${name}`)).toContainText(/succeeded/i);
    await settle(page);
    await qhci.screenshot('maintenance-done', { height: 1100 });
    expect(stateOn(virsh, name)).toBe('running');
    expect(stateOn(onB, name)).toBeNull();

    await modal.getByTestId('maintenance-close').click();
    await expect(modal).toBeHidden();
    await expect(page.getByTestId('host-maintenance-kvm-b')).toHaveText('Maintenance');
    await expect(page.getByTestId('host-detail-exit-maintenance')).toBeVisible();
    await settle(page);
    await qhci.screenshot('maintenance-host');
    await page.getByTestId('host-detail-back').click();
    await expect(page.getByTestId('host-row-kvm-b').getByTestId('host-maintenance-kvm-b')).toBeVisible();
    await expect(page.getByTestId('host-maintenance-local')).toHaveCount(0);
    await qhci.screenshot('maintenance-list');

    await page.getByTestId('host-open-kvm-b').click();
    await page.getByTestId('host-detail-exit-maintenance').click();
    await expect(page.getByTestId('host-maintenance-kvm-b')).toHaveCount(0, { timeout: 30_000 });
    await expect(page.getByTestId('host-detail-enter-maintenance')).toBeVisible();
  } finally {
    for (const run of [virsh, onB]) {
      for (const n of [name, tpl]) {
        quiet(() => run('destroy', n));
        quiet(() => run('undefine', n));
      }
    }
    for (const f of [disk, tplDisk, base]) quiet(() => execFileSync('rm', ['-f', '--', f, pathOnB(b, f)]));
    quiet(() => virsh('pool-refresh', POOL));
    quiet(() => onB('pool-refresh', POOL));
  }
});
