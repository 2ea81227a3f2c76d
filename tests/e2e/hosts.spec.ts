/**
 * The Hosts screens against the real testbed (scripts/testbed.sh): SSH and libvirt hosts, the host-key
 * prompt, test connection, the detail page with pools, networks and VMs, power actions and removal.
 */
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { defineDomain, domstate, hostDomainType, QEMU, removeDomain, virsh } from '../helpers/domains';
import { cutSsh } from '../helpers/templates';
import { host, NO_TESTBED, testbed } from '../helpers/testbed';
import { expect, test, type Qhci } from './fixtures';

test.skip(testbed === null, `Hosts e2e tests need the testbed: ${NO_TESTBED}`);

interface SshFields {
  name: string;
  address: string;
  port: number | string;
  user: string;
  keyFile: string;
}

function kvmA(): SshFields {
  const h = host('kvm-a');
  return { name: 'kvm-a', address: h.address, port: h.port, user: h.user, keyFile: testbed!.clientKey };
}

async function fillSsh(page: Page, qhci: Qhci, f: SshFields) {
  await page.getByTestId('host-name').fill(f.name);
  await expect(page.getByTestId('host-kind')).toHaveValue('ssh');
  await page.getByTestId('host-address').fill(f.address);
  await page.getByTestId('host-port').fill(String(f.port));
  await page.getByTestId('host-user').fill(f.user);
  await page.getByTestId('host-auth-method').selectOption('key');
  await chooseKey(page, qhci, f.keyFile);
  await expect(page.getByTestId('host-remote-uri')).toHaveValue('qemu:///system');
}

/** Chooses the key in main's file dialog (the window itself never names the path). */
async function chooseKey(page: Page, qhci: Qhci, keyFile: string) {
  qhci.choose(keyFile);
  await page.getByTestId('host-key-file-choose').click();
  await expect(page.getByTestId('host-key-file')).toHaveValue(basename(keyFile));
}

/** Adds kvm-a through main directly (trusting its key), for tests about something else. */
async function addKvmA(qhci: Qhci, name = 'kvm-a') {
  const h = host('kvm-a');
  return qhci.call('hosts.add', {
    name,
    connection: {
      kind: 'ssh',
      address: h.address,
      port: h.port,
      user: h.user,
      auth: { method: 'key', keyFile: testbed!.clientKey },
    },
    acceptFingerprint: h.hostKeyFingerprint,
  });
}

const addLocal = (qhci: Qhci, name = 'local') =>
  qhci.call('hosts.add', { name, connection: { kind: 'libvirt', uri: QEMU } });

const POOL = 'qhci-testbed';

const defined: string[] = [];
function define(): { uuid: string; name: string } {
  const d = defineDomain();
  defined.push(d.uuid);
  return d;
}

const volumes: string[] = [];
/** A qcow2 volume in the testbed's pool (removed after the test). */
function createVolume(name: string, size: string, backing?: string): string {
  volumes.push(name);
  const args = ['vol-create-as', POOL, name, size, '--format', 'qcow2'];
  if (backing) args.push('--backing-vol', backing, '--backing-vol-format', 'qcow2');
  virsh(...args);
  return virsh('vol-path', '--pool', POOL, name).trim();
}

test.afterEach(() => {
  for (const uuid of defined.splice(0)) removeDomain(uuid);
  // Overlays first: a backing file is removed after what uses it.
  for (const name of volumes.splice(0).reverse()) {
    try {
      virsh('vol-delete', '--pool', POOL, name);
    } catch {
      /* already gone */
    }
  }
});

test('add the SSH host kvm-a: its key fingerprint is shown and trusted, the test shows its facts', async ({
  page,
  qhci,
}) => {
  const tb = host('kvm-a');
  await qhci.open();
  await expect(page.getByTestId('hosts-empty')).toBeVisible();
  await page.getByTestId('host-add-empty').click();
  const form = page.getByTestId('host-form');
  await expect(form).toBeVisible();
  await expect(page.getByTestId('host-name')).toBeFocused();
  await fillSsh(page, qhci, kvmA());

  // Test connection reads the host key first: it is unknown, so it is shown and nothing connects yet.
  await page.getByTestId('host-test').click();
  await expect(page.getByTestId('host-key-unknown')).toBeVisible();
  await expect(page.getByTestId('host-fingerprint')).toHaveText(tb.hostKeyFingerprint);
  await expect(page.getByTestId('host-key-type')).toHaveText('ssh-ed25519');
  await expect(page.getByTestId('host-test-result')).toHaveCount(0);
  expect(qhci.invocations).toContain('hosts.probe');
  expect(qhci.invocations).not.toContain('hosts.test');
  await qhci.screenshot('host-fingerprint-prompt', { height: 1200 });

  // Trust and connect: the test runs with the accepted fingerprint and shows what the host is. kvm-a is
  // this machine's qemu:///system over SSH, so the same URI read locally says what to expect.
  const expected = await qhci.call('hosts.test', { connection: { kind: 'libvirt', uri: QEMU } });
  await page.getByTestId('host-trust').click();
  const result = page.getByTestId('host-test-result');
  await expect(result).toBeVisible();
  await expect(result).toContainText(`Connected to ${expected.facts.hostname}`);
  await expect(page.getByTestId('host-test-cpu')).toContainText(expected.facts.cpuModel);
  await expect(page.getByTestId('host-test-cpu')).toContainText(`${expected.facts.cpus} CPU`);
  await expect(page.getByTestId('host-test-memory')).toContainText('GiB');
  // KVM or TCG, as the host's own domcapabilities say (read with virsh here, not through the app).
  expect(expected.facts.domainType).toBe(hostDomainType());
  await expect(page.getByTestId('host-test-accel')).toHaveText(
    hostDomainType() === 'kvm' ? 'KVM (hardware)' : 'QEMU (emulated, TCG)',
  );
  await expect(page.getByTestId('host-test-counts')).toContainText(
    `${expected.pools} storage pool${expected.pools === 1 ? '' : 's'}`,
  );
  await expect(page.getByTestId('host-key-accepted')).toContainText(tb.hostKeyFingerprint);
  // A test saves no host.
  expect(await qhci.call('hosts.list', {})).toEqual([]);
  await qhci.screenshot('host-test-result', { height: 1300 });

  // Add: the accepted key goes with it; the host appears connected.
  await page.getByTestId('host-save').click();
  await expect(form).toBeHidden();
  const row = page.getByTestId('host-row-kvm-a');
  await expect(row.getByTestId('host-state-kvm-a')).toHaveText('Connected');
  await expect(row.getByTestId('host-stale-kvm-a')).toHaveCount(0);
  await expect(row.getByTestId('host-connection-kvm-a')).toHaveText(`${tb.user}@${tb.address}:${tb.port}`);
  await expect(row.getByTestId('host-cpus-kvm-a')).toHaveText(String(expected.facts.cpus));
  await expect(row.getByTestId('host-memory-kvm-a')).toContainText('GiB');
  await expect(row).toContainText('SSH');
  expect((await qhci.call('hosts.probe', { address: tb.address, port: tb.port })).status).toBe('trusted');
  const [saved] = await qhci.call('hosts.list', {});
  expect(saved).toMatchObject({ name: 'kvm-a', kind: 'ssh', state: 'connected', authMethod: 'key' });
});

test('a wrong port and a name already used are shown on the form; edit sends the connection only when it changed', async ({
  page,
  qhci,
}) => {
  await addKvmA(qhci);
  await qhci.open();
  await expect(page.getByTestId('host-row-kvm-a')).toBeVisible();
  await page.getByTestId('host-add').click();
  const form = page.getByTestId('host-form');

  // Fields are checked with the shared schema before anything is sent.
  await page.getByTestId('host-port').fill('22x');
  await page.getByTestId('host-user').fill('');
  await page.getByTestId('host-test').click();
  await expect(page.getByTestId('host-port-error')).toContainText('Port must be 1-65535');
  await expect(page.getByTestId('host-user-error')).toContainText('User is required');
  await expect(page.getByTestId('host-address-error')).toContainText('Address is required');
  await expect(page.getByTestId('host-key-file-error')).toContainText('Key file is required');
  expect(qhci.invocations).not.toContain('hosts.probe');

  // A port nothing listens on: a readable error, no prompt.
  await fillSsh(page, qhci, { ...kvmA(), port: 2299 });
  await expect(page.getByTestId('host-port-error')).toHaveCount(0);
  await page.getByTestId('host-test').click();
  await expect(page.getByTestId('host-form-error')).toContainText('127.0.0.2:2299 refused the connection');
  await expect(page.getByTestId('host-key-unknown')).toHaveCount(0);
  await qhci.screenshot('host-form-wrong-port', { height: 1100 });

  // The right port, an already trusted key (kvm-a was added), but a name already used: main refuses
  // it on the name field.
  await page.getByTestId('host-port').fill(String(host('kvm-a').port));
  await expect(page.getByTestId('host-form-error')).toHaveCount(0);
  await page.getByTestId('host-save').click();
  await expect(page.getByTestId('host-name-error')).toContainText('A host named "kvm-a" already exists');
  await expect(page.getByTestId('host-key-unknown')).toHaveCount(0);
  await expect(form).toBeVisible();
  await expect(page.getByTestId('host-name')).toHaveAttribute('aria-invalid', 'true');
  await page.getByTestId('host-cancel').click();
  await expect(form).toBeHidden();
  expect(await qhci.call('hosts.list', {})).toHaveLength(1);

  // Edit: the key file and secrets are not shown back; changing only the name sends only the name.
  await page.getByTestId('host-actions-kvm-a').click();
  await page.getByTestId('host-edit-kvm-a').click();
  await expect(form).toBeVisible();
  await expect(page.getByTestId('host-name')).toHaveValue('kvm-a');
  await expect(page.getByTestId('host-kind')).toBeDisabled();
  await expect(page.getByTestId('host-address')).toHaveValue('127.0.0.2');
  await expect(page.getByTestId('host-key-file')).toHaveValue('');
  await page.getByTestId('host-name').fill('kvm-a-renamed');
  await page.getByTestId('host-name').press('Enter');
  await expect(form).toBeHidden();
  await expect(page.getByTestId('host-row-kvm-a-renamed')).toBeVisible();
  const [renamed] = await qhci.call('hosts.list', {});
  expect(renamed).toMatchObject({ name: 'kvm-a-renamed', address: '127.0.0.2', authMethod: 'key' });

  // Changing a connection field sends the whole connection: the key file is then required again.
  await page.getByTestId('host-actions-kvm-a-renamed').click();
  await page.getByTestId('host-edit-kvm-a-renamed').click();
  await expect(page.getByTestId('host-key-file-help')).toHaveText(
    'Needed only to change the connection settings.',
  );
  await page.getByTestId('host-auth-method').selectOption('password');
  // The test app keeps secrets in the plain file store, and the dialog says so beside the password.
  await expect(page.getByTestId('host-secret-storage')).toHaveText(/No OS keychain: kept unencrypted/);
  await page.getByTestId('host-save').click();
  await expect(page.getByTestId('host-password-error')).toContainText('Password is required');
  await page.getByTestId('host-auth-method').selectOption('key');
  await chooseKey(page, qhci, testbed!.clientKey);
  await page.getByTestId('host-save').click();
  await expect(form).toBeHidden();
  await expect(page.getByTestId('host-state-kvm-a-renamed')).toHaveText('Connected');
  expect(qhci.invocations.filter((c) => c === 'hosts.update')).toHaveLength(2);
});

test('a changed host key is refused, naming the old and the new fingerprints, with no way to trust it', async ({
  page,
  qhci,
}) => {
  const tb = host('kvm-a');
  // known_hosts trusts another key for kvm-a's address (as if the host had been reinstalled).
  const pub = `${testbed!.clientKey}.pub`;
  const [type, blob] = readFileSync(pub, 'utf8').trim().split(/\s+/);
  writeFileSync(join(qhci.dataDir, 'known_hosts'), `[${tb.address}]:${tb.port} ${type} ${blob}\n`);
  const oldFp = execFileSync('ssh-keygen', ['-lf', pub], { encoding: 'utf8' }).split(/\s+/)[1]!;

  await qhci.open();
  await page.getByTestId('host-add-empty').click();
  await fillSsh(page, qhci, kvmA());
  await page.getByTestId('host-save').click();
  const alert = page.getByTestId('host-key-changed');
  await expect(alert).toBeVisible();
  await expect(alert.getByTestId('host-fingerprint-trusted')).toHaveText(oldFp);
  await expect(alert.getByTestId('host-fingerprint')).toHaveText(tb.hostKeyFingerprint);
  await expect(page.getByTestId('host-trust')).toHaveCount(0);
  expect(qhci.invocations).not.toContain('hosts.add');
  await qhci.screenshot('host-key-changed', { height: 1200 });
});

test('a libvirt URI over ssh: its host key is shown and trusted in the same prompt as an SSH host', async ({
  page,
  qhci,
}) => {
  const tb = host('kvm-a');
  const uri = `qemu+ssh://${tb.user}@${tb.address}:${tb.port}/system?keyfile=${testbed!.clientKey}`;
  await qhci.open();
  await page.getByTestId('host-add-empty').click();
  await page.getByTestId('host-kind').selectOption('libvirt');
  await page.getByTestId('host-name').fill('kvm-a-uri');
  await page.getByTestId('host-uri').fill(uri);
  await page.getByTestId('host-test').click();
  // Nothing connects before the key is trusted: libvirt's own SSH client is then pinned to it.
  await expect(page.getByTestId('host-key-unknown')).toBeVisible();
  await expect(page.getByTestId('host-fingerprint')).toHaveText(tb.hostKeyFingerprint);
  await expect(page.getByTestId('host-test-result')).toHaveCount(0);
  await qhci.screenshot('host-uri-key-prompt', { height: 1100 });
  await page.getByTestId('host-trust').click();
  await expect(page.getByTestId('host-test-result')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('host-save').click();
  await expect(page.getByTestId('host-form')).toBeHidden({ timeout: 60_000 });
  await expect(page.getByTestId('host-state-kvm-a-uri')).toHaveText('Connected');
  const probe = await qhci.call('hosts.probe', { address: tb.address, port: tb.port });
  expect(probe.status).toBe('trusted');
});

test('a libvirt URI host: its detail shows the testbed pool bar and the default network', async ({
  page,
  qhci,
}) => {
  // An image and a disk made from it, so the volumes table has both kinds and a backing file.
  const tag = randomUUID().slice(0, 8);
  const base = `qhci-t-${tag}-base.qcow2`;
  const overlay = `qhci-t-${tag}-disk.qcow2`;
  const basePath = createVolume(base, '64M');
  createVolume(overlay, '1G', basePath);

  await qhci.open();
  await page.getByTestId('host-add-empty').click();
  await page.getByTestId('host-kind').selectOption('libvirt');
  await expect(page.getByTestId('host-address')).toHaveCount(0);
  await page.getByTestId('host-name').fill('local');
  await page.getByTestId('host-uri').fill('qemu:///system');
  await page.getByTestId('host-test').click();
  await expect(page.getByTestId('host-test-result')).toBeVisible();
  await expect(page.getByTestId('host-key-unknown')).toHaveCount(0);
  await page.getByTestId('host-save').click();
  await expect(page.getByTestId('host-form')).toBeHidden();
  await expect(page.getByTestId('host-state-local')).toHaveText('Connected');
  await expect(page.getByTestId('host-connection-local')).toHaveText('qemu:///system');

  await page.getByTestId('host-open-local').click();
  const detail = page.getByTestId('host-detail');
  await expect(detail).toBeVisible();
  await expect(page.getByTestId('host-detail-name')).toHaveText('local');
  await expect(page.getByTestId('host-detail-state')).toContainText('Connected');
  await expect(page.getByTestId('host-detail-error')).toHaveCount(0);

  const {
    pools,
    networks,
    host: saved,
  } = await qhci.call('hosts.get', { id: (await qhci.call('hosts.list', {}))[0]!.id });
  const pool = pools.find((p) => p.name === 'qhci-testbed')!;
  expect(pool).toBeDefined();
  const bar = page.getByTestId('pool-bar-qhci-testbed');
  await expect(bar).toBeVisible();
  const valueNow = Number(await bar.getByRole('progressbar').getAttribute('aria-valuenow'));
  expect(valueNow).toBeCloseTo((pool.allocationBytes / pool.capacityBytes) * 100, 1);
  await expect(page.getByTestId('pool-free-qhci-testbed')).toContainText(
    `${(pool.availableBytes / 1024 ** 3).toFixed(1)} GiB free`,
  );
  await expect(page.getByTestId('pool-row-qhci-testbed')).toContainText(pool.path!);
  const net = networks.find((n) => n.name === 'default')!;
  await expect(page.getByTestId('network-row-default')).toBeVisible();
  await expect(page.getByTestId('network-forward-default')).toHaveText(net.forward ?? 'isolated');
  await expect(page.getByTestId('network-active-default')).toHaveText(net.active ? 'Active' : 'Inactive');
  await expect(page.getByTestId('host-detail-cpu')).toContainText(`${saved.facts!.cpus} CPU`);
  await expect(page.getByTestId('host-detail-memory')).toContainText('GiB');
  await expect(page.getByTestId(`volume-kind-${base}`)).toHaveText('Cloud image');
  await expect(page.getByTestId(`volume-format-${base}`)).toHaveText('qcow2');
  await expect(page.getByTestId(`volume-size-${base}`)).toHaveText('64 MiB');
  await expect(page.getByTestId(`volume-backing-${base}`)).toHaveText('—');
  await expect(page.getByTestId(`volume-kind-${overlay}`)).toHaveText('Disk');
  await expect(page.getByTestId(`volume-size-${overlay}`)).toHaveText('1.0 GiB');
  await expect(page.getByTestId(`volume-backing-${overlay}`)).toHaveText(basePath);
  await qhci.screenshot('host-detail', { height: 1600 });

  // Back to the list from the breadcrumb, from the keyboard.
  await page.getByTestId('host-detail-back').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('host-row-local')).toBeVisible();
});

test('power: a domain defined with virsh is synced, started and forced off from the detail page', async ({
  page,
  qhci,
}) => {
  await addLocal(qhci);
  const dom = define();
  await qhci.open();
  await page.getByTestId('host-open-local').click();
  await expect(page.getByTestId('host-detail')).toBeVisible();
  await expect(page.getByTestId(`vm-row-${dom.name}`)).toHaveCount(0);

  await page.getByTestId('host-detail-sync').click();
  await expect(page.getByTestId('host-sync-result')).toContainText('Synced local');
  const row = page.getByTestId(`vm-row-${dom.name}`);
  await expect(row.getByTestId(`vm-state-${dom.name}`)).toHaveText('Shut off');
  await expect(row.getByTestId(`vm-power-start-${dom.name}`)).toBeEnabled();
  for (const a of ['shutdown', 'destroy', 'reboot', 'suspend', 'resume'])
    await expect(row.getByTestId(`vm-power-${a}-${dom.name}`)).toBeDisabled();

  await row.getByTestId(`vm-power-start-${dom.name}`).click();
  await expect(row.getByTestId(`vm-state-${dom.name}`)).toHaveText('Running');
  expect(domstate(dom.uuid)).toBe('running');
  await expect(row.getByTestId(`vm-power-start-${dom.name}`)).toBeDisabled();
  await expect(row.getByTestId(`vm-power-resume-${dom.name}`)).toBeDisabled();
  for (const a of ['shutdown', 'destroy', 'reboot', 'suspend'])
    await expect(row.getByTestId(`vm-power-${a}-${dom.name}`)).toBeEnabled();

  // Suspend and resume, from the keyboard.
  await row.getByTestId(`vm-power-suspend-${dom.name}`).focus();
  await page.keyboard.press('Enter');
  await expect(row.getByTestId(`vm-state-${dom.name}`)).toHaveText('Paused');
  expect(domstate(dom.uuid)).toBe('paused');
  await expect(row.getByTestId(`vm-power-resume-${dom.name}`)).toBeEnabled();
  await row.getByTestId(`vm-power-resume-${dom.name}`).click();
  await expect(row.getByTestId(`vm-state-${dom.name}`)).toHaveText('Running');
  await page.mouse.move(0, 0);
  await qhci.screenshot('host-detail-vm-running', { height: 1500 });

  await row.getByTestId(`vm-power-destroy-${dom.name}`).click();
  await expect(row.getByTestId(`vm-state-${dom.name}`)).toHaveText('Shut off');
  expect(domstate(dom.uuid)).toBe('shut off');
  await expect(page.getByTestId('vm-power-error')).toHaveCount(0);
});

test('remove a host: it is gone from QHCI, its domain is still on the host', async ({ page, qhci }) => {
  await addLocal(qhci);
  const dom = define();
  await qhci.open();
  await page.getByTestId('host-actions-local').click();
  await page.getByTestId('host-sync-local').click();
  await expect(page.getByTestId('host-sync-result')).toContainText('Synced local');
  const vmCount = (await qhci.call('vms.list', {})).length;
  expect(vmCount).toBeGreaterThan(0);
  await expect(page.getByTestId('host-vms-local')).toHaveText(String(vmCount));

  await page.getByTestId('host-actions-local').click();
  await page.getByTestId('host-remove-local').click();
  const modal = page.getByTestId('host-remove-modal');
  await expect(modal).toContainText('The host itself is never touched');
  await expect(modal).toContainText(`${vmCount} virtual machine`);
  await page.getByTestId('host-remove-confirm').click();
  await expect(modal).toBeHidden();
  await expect(page.getByTestId('host-row-local')).toHaveCount(0);
  await expect(page.getByTestId('hosts-empty')).toBeVisible();
  expect(await qhci.call('hosts.list', {})).toEqual([]);
  expect(await qhci.call('vms.list', {})).toEqual([]);
  expect(
    virsh('list', '--all', '--name')
      .split('\n')
      .map((s) => s.trim()),
  ).toContain(dom.name);
});

test('a host that cannot be reached is marked stale, with when it was last seen and why', async ({
  page,
  qhci,
}) => {
  // An SSH host whose libvirt (the test driver, reading a node file on the host) disappears after it was
  // added: the next sync fails and the inventory keeps what it knew.
  const sim = host('sim-b');
  const dir = mkdtempSync(join(tmpdir(), 'qhci-e2e-node-'));
  chmodSync(dir, 0o755);
  const nodeFile = join(dir, 'node.xml');
  copyFileSync(join(testbed!.stateDir, 'sim-b.xml'), nodeFile);
  try {
    await addKvmA(qhci);
    await addLocal(qhci);
    const simB = await qhci.call('hosts.add', {
      name: 'sim-b',
      connection: {
        kind: 'ssh',
        address: sim.address,
        port: sim.port,
        user: sim.user,
        auth: { method: 'key', keyFile: testbed!.clientKey },
        uri: `test://${nodeFile}`,
      },
      acceptFingerprint: sim.hostKeyFingerprint,
    });
    await qhci.open();
    await expect(page.getByTestId('host-state-sim-b')).toHaveText('Connected');
    await expect(page.getByTestId('host-stale-sim-b')).toHaveCount(0);

    rmSync(nodeFile);
    // The host's open virsh session still holds the node it read: the connection drops, as a host that
    // went away drops it, and the next sync must open a new one, which finds its libvirt gone.
    await cutSsh(qhci.app, simB.id);
    await page.getByTestId('host-actions-sim-b').click();
    await page.getByTestId('host-sync-sim-b').click();
    await expect(page.getByTestId('host-sync-error')).toContainText('Sync of sim-b failed');
    const stale = page.getByTestId('host-stale-sim-b');
    await expect(stale).toBeVisible();
    await expect(page.getByTestId('host-state-sim-b')).toHaveText('Disconnected');
    await expect(page.getByTestId('host-stale-kvm-a')).toHaveCount(0);
    const [saved] = (await qhci.call('hosts.list', {})).filter((h) => h.name === 'sim-b');
    expect(saved!.stale).toBe(true);
    expect(saved!.lastError).toBeTruthy();

    // The tooltip (by keyboard focus) names the last time it was seen and the last error.
    await stale.focus();
    const tip = page.getByTestId('host-stale-tooltip-sim-b');
    await expect(tip).toBeVisible();
    await expect(tip).toContainText('Last seen:');
    await expect(tip).toContainText(`Last error: ${saved!.lastError!}`);
    // (Shown with a fade: wait until it is fully there for the screenshot.)
    await expect(page.getByRole('tooltip')).toHaveCSS('opacity', '1');
    await expect(tip).toBeInViewport();
    await qhci.screenshot('hosts-list');

    // The detail says the same in its header.
    await page.getByTestId('host-open-sim-b').click();
    await expect(page.getByTestId('host-detail-state')).toContainText('Stale');
    await expect(page.getByTestId('host-detail-error')).toContainText(saved!.lastError!);
    await qhci.screenshot('host-detail-stale', { height: 1500 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.describe('live', () => {
  test.use({ qhciMonitor: { pollMs: 60_000 } });

  test('a domain started behind QHCI’s back turns running on the detail page by itself', async ({
    page,
    qhci,
  }) => {
    const dom = define();
    await addLocal(qhci);
    await qhci.open();
    await page.getByTestId('host-open-local').click();
    const state = page.getByTestId(`vm-state-${dom.name}`);
    await expect(state).toHaveText('Shut off');
    const reads = qhci.invocations.length;
    virsh('start', dom.uuid);
    await expect(state).toHaveText('Running');
    virsh('destroy', dom.uuid);
    await expect(state).toHaveText('Shut off');
    // Undefined on the host: the row goes (and no refresh is left running when the app closes).
    removeDomain(dom.uuid);
    await expect(page.getByTestId(`vm-row-${dom.name}`)).toHaveCount(0);
    // Nothing was clicked: only the pushed events made the page read again.
    expect(qhci.invocations.slice(reads).every((c) => c === 'vms.list' || c.startsWith('hosts.'))).toBe(true);
  });
});
