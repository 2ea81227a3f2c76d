/**
 * The Tasks page and the masthead's recent tasks against real tasks: image uploads into the testbed pool,
 * one that succeeds and one that fails (the volume already exists), with steps and progress from the
 * task.progress events main pushes; a creation that fails at start; one whose process was killed.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { QEMU } from '../helpers/domains';
import { makeCloudImage, MiB, POOL, removeVolume, uniq } from '../helpers/provision';
import { NO_TESTBED, testbed } from '../helpers/testbed';
import { MIGRATIONS_DIR, tempDir } from '../helpers/app';
import { killChild, readyRunning, startCreateChild } from '../helpers/killed-creation';
import type { CreateVmRequestInput } from '../../src/shared/domain/provision';
import { createApp } from '../../src/main/app';
import { createClient } from '../../src/shared/ipc/transport';
import { inProcessBridge } from '../../src/main/ipc/in-process';
import { expect, test } from './fixtures';

test.skip(testbed === null, `Task e2e tests need the testbed: ${NO_TESTBED}`);

const uploaded: string[] = [];
test.afterEach(() => {
  for (const name of uploaded.splice(0)) removeVolume(name);
});

test('tasks: live steps and progress, a failure with its reason, and the recent tasks in the masthead', async ({
  page,
  qhci,
}) => {
  const dir = tempDir('qhci-e2e-upload-');
  const name = `${uniq('qt-task')}-cloud.img`;
  const file = join(dir, name);
  try {
    // 24 MiB of random bytes: several upload chunks, so the progress moves in between.
    writeFileSync(file, randomBytes(24 * 1024 * 1024));
    uploaded.push(name);
    const host = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
    await qhci.open();
    await page.getByTestId('nav-tasks').click();
    await expect(page.getByTestId('tasks-empty')).toBeVisible();

    // A task started behind the page's back appears by itself and ends as Succeeded, every step done.
    const reads = qhci.invocations.filter((c) => c === 'tasks.list').length;
    const ok = await qhci.call('images.upload', { hostId: host.id, pool: POOL, sourcePath: file });
    const card = page.getByTestId(`task-${ok.taskId}`);
    await expect(card).toBeVisible();
    await expect(card).toContainText(`Upload ${name} to local`);
    await expect(card).toContainText('Upload image · started');
    await expect(page.getByTestId(`task-state-${ok.taskId}`)).toHaveText('Succeeded', { timeout: 30_000 });
    const bar = page.getByTestId(`task-progress-${ok.taskId}`).getByRole('progressbar');
    await expect(bar).toHaveAttribute('aria-valuenow', '100');
    // Finished and successful: its steps are folded; unfold them from the keyboard.
    await page.getByTestId(`task-toggle-${ok.taskId}`).focus();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId(`task-${ok.taskId}-step-state-upload`)).toHaveText('Done');
    await expect(page.getByTestId(`task-${ok.taskId}-step-state-record`)).toHaveText('Done');
    await expect(page.getByTestId(`task-${ok.taskId}-step-record`)).toContainText('Record the image');
    await expect(page.getByTestId(`task-${ok.taskId}-step-upload`)).toContainText('SHA-256');
    // Only the pushed events changed the list: it was not read again.
    expect(qhci.invocations.filter((c) => c === 'tasks.list').length).toBe(reads);

    // The same upload again fails: the reason is shown, and that nothing needed rolling back.
    const bad = await qhci.call('images.upload', { hostId: host.id, pool: POOL, sourcePath: file });
    await expect(page.getByTestId(`task-state-${bad.taskId}`)).toHaveText('Failed', { timeout: 30_000 });
    await expect(page.getByTestId(`task-${bad.taskId}-error`)).toContainText(
      `Pool ${POOL} already has a volume ${name}`,
    );
    await expect(page.getByTestId(`task-${bad.taskId}-step-state-check`)).toHaveText('Failed');
    await expect(page.getByTestId(`task-${bad.taskId}-step-state-upload`)).toHaveText('Pending');
    await page.getByTestId('tasks-show-failed').click();
    await expect(page.getByTestId(`task-${ok.taskId}`)).toHaveCount(0);
    await expect(page.getByTestId(`task-${bad.taskId}`)).toBeVisible();
    await page.getByTestId('tasks-show-all').click();
    await qhci.screenshot('tasks-page', { height: 1000 });

    // The masthead lists the latest tasks; "All tasks" comes back here.
    await page.getByTestId('nav-hosts').click();
    await page.getByTestId('recent-tasks-toggle').click();
    const recent = page.getByTestId('recent-tasks');
    await expect(recent.getByTestId(`recent-task-state-${bad.taskId}`)).toHaveText('Failed');
    await expect(recent.getByTestId(`recent-task-state-${ok.taskId}`)).toHaveText('Succeeded');
    await qhci.screenshot('tasks-recent');
    await page.getByTestId('recent-tasks-all').click();
    await expect(page.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
    expect(execFileSync('virsh', ['-c', QEMU, 'vol-list', POOL], { encoding: 'utf8' })).toContain(name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tasks: a VM creation that fails at start shows the step that failed, the reason and what was rolled back', async ({
  page,
  qhci,
}) => {
  // A network that exists on the host but is down by the time the VM starts: define works, start does not.
  const net = 'qhci-e2e-down';
  const dir = tempDir('qhci-e2e-net-');
  writeFileSync(
    join(dir, 'net.xml'),
    `<network><name>${net}</name><bridge name='qhcie2edn0'/><ip address='10.254.78.1' netmask='255.255.255.0'/></network>`,
  );
  const virsh = (...args: string[]) => execFileSync('virsh', ['-c', QEMU, ...args], { encoding: 'utf8' });
  const image = makeCloudImage();
  uploaded.push(image.name);
  const name = uniq('qt-e2e-fail');
  try {
    virsh('net-define', join(dir, 'net.xml'));
    virsh('net-start', net);
    const host = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
    virsh('net-destroy', net);
    const imageId = (await qhci.call('images.list', { hostId: host.id })).find(
      (i) => i.name === image.name,
    )!.id;
    await qhci.open();
    await page.getByTestId('nav-tasks').click();
    const started = await qhci.call('vms.create', {
      request: {
        name,
        placement: { hostId: host.id },
        compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB },
        disks: [{ kind: 'new', sizeBytes: 256 * MiB, pool: POOL }],
        nics: [{ network: net }],
        boot: { kind: 'cloud-image', imageId },
        profile: 'debian',
        customization: { hostname: name, timezone: 'UTC', user: 'e2e' },
      },
    });
    const id = started.taskIds[0]!;
    await expect(page.getByTestId(`task-state-${id}`)).toHaveText('Failed', { timeout: 60_000 });
    await expect(page.getByTestId(`task-${id}-step-state-start`)).toHaveText('Failed');
    // The steps that made something show that it was undone.
    for (const step of ['disks', 'seed', 'define'])
      await expect(page.getByTestId(`task-${id}-step-state-${step}`)).toHaveText('Rolled back');
    await expect(page.getByTestId(`task-${id}-error`)).toContainText(`network '${net}' is not active`);
    const rolledBack = page.getByTestId(`task-${id}-rolled-back`);
    await expect(rolledBack).toContainText(`domain ${name}`);
    await expect(rolledBack).toContainText(`volume ${POOL}/${name}-disk0.qcow2`);
    await expect(rolledBack).toContainText(`volume ${POOL}/${name}-cidata.iso`);
    await qhci.screenshot('tasks-create-rolled-back', { height: 1200 });
    // What the panel says was rolled back is really gone.
    expect(virsh('list', '--all', '--name')).not.toContain(name);
    expect(virsh('vol-list', POOL)).not.toContain(name);
  } finally {
    try {
      virsh('net-undefine', net);
    } catch {
      // never defined
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tasks: a VM deletion is a task with its own label and steps', async ({ page, qhci }) => {
  const image = makeCloudImage();
  uploaded.push(image.name);
  const name = uniq('qt-e2e-del');
  const host = await qhci.call('hosts.add', { name: 'local', connection: { kind: 'libvirt', uri: QEMU } });
  const imageId = (await qhci.call('images.list', { hostId: host.id })).find(
    (i) => i.name === image.name,
  )!.id;
  const started = await qhci.call('vms.create', {
    request: {
      name,
      placement: { hostId: host.id },
      compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB },
      disks: [{ kind: 'new', sizeBytes: 256 * MiB, pool: POOL }],
      nics: [{ network: 'default' }],
      boot: { kind: 'cloud-image', imageId },
      profile: 'debian',
    },
  });
  await expect
    .poll(async () => (await qhci.call('tasks.get', { id: started.taskIds[0]! })).state, { timeout: 60_000 })
    .toBe('succeeded');
  await qhci.call('vms.delete', { vmId: started.vmIds[0]!, deleteDisks: true });
  const task = (await qhci.call('tasks.list', {})).find((t) => t.kind === 'vm.delete')!;
  await qhci.open();
  await page.getByTestId('nav-tasks').click();
  const card = page.getByTestId(`task-${task.id}`);
  await expect(card).toContainText(`Delete VM ${name}`);
  await expect(card).toContainText('Delete VM · started');
  await expect(page.getByTestId(`task-state-${task.id}`)).toHaveText('Succeeded');
  await page.getByTestId(`task-toggle-${task.id}`).click();
  for (const step of ['inspect', 'domain', 'volumes', 'forget'])
    await expect(page.getByTestId(`task-${task.id}-step-state-${step}`)).toHaveText('Done');
  await expect(page.getByTestId(`task-${task.id}-step-domain`)).toContainText('Stop and undefine the domain');
  await expect(page.getByTestId(`task-${task.id}-step-volumes`)).toContainText(`${name}-disk0.qcow2`);
  await qhci.screenshot('tasks-vm-delete', { height: 1000 });
  expect(virshOut('list', '--all', '--name')).not.toContain(name);
});

// A creation whose process is killed while it waits for the guest: the app that starts next on the same
// data directory (the page's) finds the task unfinished, rolls it back and marks it interrupted.
const killed = { name: '', taskId: '', image: '' };
const virshOut = (...args: string[]) => execFileSync('virsh', ['-c', QEMU, ...args], { encoding: 'utf8' });

async function killMidTask(dataDir: string): Promise<void> {
  const setup = createApp({ dataDir, migrationsDir: MIGRATIONS_DIR, version: 'e2e' });
  const client = createClient(inProcessBridge(setup));
  const image = makeCloudImage();
  killed.image = image.name;
  killed.name = uniq('qt-e2e-killed');
  try {
    const host = await client.call('hosts.add', {
      name: 'local',
      connection: { kind: 'libvirt', uri: QEMU },
    });
    const imageId = (await client.call('images.list', { hostId: host.id })).find(
      (i) => i.name === image.name,
    )!.id;
    const request: CreateVmRequestInput = {
      name: killed.name,
      placement: { hostId: host.id },
      compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB },
      disks: [{ kind: 'new', sizeBytes: 256 * MiB, pool: POOL }],
      nics: [{ network: 'default' }],
      boot: { kind: 'cloud-image', imageId },
      profile: 'debian',
      customization: { hostname: killed.name },
      waitForReady: { timeoutSeconds: 600 },
    };
    setup.close();
    const started = await startCreateChild(dataDir, request);
    killed.taskId = started.taskId;
    const deadline = Date.now() + 90_000;
    while (!(await readyRunning(dataDir, killed.taskId))) {
      if (Date.now() > deadline) throw new Error('the creation never reached its ready step');
      await new Promise((r) => setTimeout(r, 250));
    }
    await killChild(started);
  } catch (err) {
    setup.close();
    throw err;
  }
}

test.describe('an interrupted creation', () => {
  test.use({ qhciPrepare: { run: killMidTask } });
  test.afterEach(() => {
    // Only if the test failed before the rollback did its work.
    if (killed.name && virshOut('list', '--all', '--name').includes(killed.name)) {
      execFileSync('virsh', ['-c', QEMU, 'destroy', killed.name], { stdio: 'ignore' });
      execFileSync('virsh', ['-c', QEMU, 'undefine', killed.name, '--remove-all-storage'], {
        stdio: 'ignore',
      });
    }
    if (killed.image) removeVolume(killed.image);
  });

  test('tasks: a creation whose process was killed is shown interrupted, with what the next start rolled back', async ({
    page,
    qhci,
  }) => {
    const { name, taskId: id } = killed;
    await qhci.open();
    await page.getByTestId('nav-tasks').click();
    await expect(page.getByTestId(`task-state-${id}`)).toHaveText('Interrupted', { timeout: 60_000 });
    await expect(page.getByTestId(`task-${id}-error`)).toContainText(
      'Interrupted: the app stopped while this task ran; what it created was removed',
    );
    // The step the killed process was in failed with it; the steps that made something were rolled back.
    await expect(page.getByTestId(`task-${id}-step-state-ready`)).toHaveText('Failed');
    await expect(page.getByTestId(`task-${id}-step-ready`)).toContainText('Interrupted');
    for (const step of ['disks', 'seed', 'define'])
      await expect(page.getByTestId(`task-${id}-step-state-${step}`)).toHaveText('Rolled back');
    const rolledBack = page.getByTestId(`task-${id}-rolled-back`);
    await expect(rolledBack).toContainText(`domain ${name}`);
    await expect(rolledBack).toContainText(`volume ${POOL}/${name}-disk0.qcow2`);
    await qhci.screenshot('tasks-interrupted', { height: 1200 });
    expect(virshOut('list', '--all', '--name')).not.toContain(name);
    expect(virshOut('vol-list', POOL)).not.toContain(`${name}-`);
  });
});
