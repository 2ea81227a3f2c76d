/**
 * kvm-b, the testbed's second real libvirt host (issue 23), through the console's own services: added as an
 * SSH host with its host key, synced, and shown to be a machine of its own beside kvm-a: its own host UUID
 * and hostname, its own files at the same paths, its own domains.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { virsh } from '../../helpers/domains';
import { pathOnB, secondHost, sshB, virshB } from '../../helpers/second-host';
import { host, testbed } from '../../helpers/testbed';

const kvmB = secondHost();
const POOL = 'qhci-testbed';
const POOL_DIR = '/var/lib/libvirt/images/qhci-testbed';

/** The <host><uuid> of `virsh capabilities` output. */
const hostUuid = (caps: string) => /<host>\s*<uuid>([0-9a-f-]{36})<\/uuid>/.exec(caps)?.[1];

describe.skipIf(!kvmB.host)(`the second real host kvm-b ${kvmB.reason}`, () => {
  const b = kvmB.host!;
  const tag = randomUUID().slice(0, 8);
  const volume = `qhci-t-kvmb-${tag}.raw`;
  const path = join(POOL_DIR, volume);
  const domain = `qhci-t-kvmb-${tag}`;
  let t: TestApp;
  let idA = '';
  let idB = '';

  beforeAll(() => {
    t = startTestApp();
  });
  afterAll(() => {
    t?.dispose();
    spawnSync('virsh', ['-c', b.localUri, 'undefine', domain], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', b.localUri, 'vol-delete', '--pool', POOL, volume], { stdio: 'ignore' });
    spawnSync('virsh', ['-c', 'qemu:///system', 'vol-delete', '--pool', POOL, volume], { stdio: 'ignore' });
    rmSync(path, { force: true });
  });

  const ssh = (name: string) => {
    const h = name === b.name ? b : host(name);
    return {
      kind: 'ssh' as const,
      address: h.address,
      port: h.port,
      user: h.user,
      auth: { method: 'key' as const, keyFile: testbed!.clientKey },
      uri: h.uri,
    };
  };

  /** A command on kvm-a over SSH, its host key checked against the known_hosts the console wrote. */
  const sshA = (command: string) => {
    const a = host('kvm-a');
    return execFileSync(
      'ssh',
      [
        ...['-i', testbed!.clientKey, '-p', String(a.port), '-o', 'StrictHostKeyChecking=yes'],
        ...['-o', `UserKnownHostsFile=${join(t.dataDir, 'known_hosts')}`, '-o', 'BatchMode=yes'],
        ...['-o', 'LogLevel=ERROR', `${a.user}@${a.address}`, command],
      ],
      { encoding: 'utf8' },
    );
  };

  it('is added over SSH once its host key is accepted, syncs, and has a UUID and hostname of its own', async () => {
    const probe = await t.client.call('hosts.probe', { address: b.address, port: b.port });
    expect(probe).toMatchObject({ status: 'unknown', fingerprint: b.hostKeyFingerprint });
    await expect(
      t.client.call('hosts.add', { name: 'kvm-b', connection: ssh('kvm-b') }),
    ).rejects.toMatchObject({
      code: 'HOST_KEY_UNKNOWN',
    });
    const added = await t.client.call('hosts.add', {
      name: 'kvm-b',
      connection: ssh('kvm-b'),
      acceptFingerprint: b.hostKeyFingerprint,
    });
    expect(added).toMatchObject({ name: 'kvm-b', kind: 'ssh', state: 'connected', address: b.address });
    idB = added.id;
    idA = (
      await t.client.call('hosts.add', {
        name: 'kvm-a',
        connection: ssh('kvm-a'),
        acceptFingerprint: host('kvm-a').hostKeyFingerprint,
      })
    ).id;
    const [syncA, syncB] = await Promise.all([
      t.client.call('hosts.sync', { id: idA }),
      t.client.call('hosts.sync', { id: idB }),
    ]);
    expect(syncB.warnings).toEqual([]);
    expect(syncA.hostId).toBe(idA);

    const [a, bDetail] = await Promise.all([
      t.client.call('hosts.get', { id: idA }),
      t.client.call('hosts.get', { id: idB }),
    ]);
    // libvirt reports the name of its own UTS namespace: kvm-b, where kvm-a has the machine's.
    expect(bDetail.host.facts?.hostname).toBe('kvm-b');
    expect(a.host.facts?.hostname).not.toBe('kvm-b');
    // A dir pool "default" under its /var/lib/libvirt/images, kvm-a's pool name at kvm-a's path, and a
    // network "default" of the same name as kvm-a's, bridged onto kvm-a's virbr0 (VMs keep their NIC).
    expect(bDetail.pools.map((p) => [p.name, p.path, p.state]).sort()).toEqual([
      ['default', '/var/lib/libvirt/images', 'running'],
      [POOL, POOL_DIR, 'running'],
    ]);
    expect(bDetail.networks).toEqual([
      expect.objectContaining({ name: 'default', forward: 'bridge', bridge: 'virbr0', active: true }),
    ]);
    expect(a.networks.map((n) => n.name)).toContain('default');

    // The host UUIDs, read where the console connects: over SSH to each, kvm-a's host key as the console
    // trusted it, kvm-b's as the testbed generated it.
    const uuidB = hostUuid(sshB(b, 'virsh capabilities'));
    const uuidA = hostUuid(sshA('virsh capabilities'));
    expect(uuidB).toBe(b.hostUuid);
    expect(uuidA).toMatch(/^[0-9a-f-]{36}$/);
    expect(uuidB).not.toBe(uuidA);
    // The socket URI reaches the same libvirtd as kvm-b's SSH sessions; plain qemu:///system here is kvm-a.
    expect(hostUuid(virshB(b, 'capabilities'))).toBe(uuidB);
    expect(hostUuid(virsh('capabilities'))).toBe(uuidA);
  });

  it('the same volume path is a different file on each host', async () => {
    virsh('vol-create-as', POOL, volume, '1M', '--format', 'raw');
    writeFileSync(path, 'made on kvm-a\n');
    sshB(
      b,
      `virsh vol-create-as ${POOL} ${volume} 1M --format raw >/dev/null && printf 'made on kvm-b\\n' | dd of=${path} conv=notrunc status=none`,
    );
    const firstLine = (s: string) => s.split('\n')[0];
    // kvm-b's file, read on kvm-b and from this machine through its private directory; kvm-a's untouched.
    expect(firstLine(sshB(b, `head -c 14 ${path}`))).toBe('made on kvm-b');
    expect(firstLine(readFileSync(pathOnB(b, path), 'latin1'))).toBe('made on kvm-b');
    expect(firstLine(readFileSync(path, 'latin1'))).toBe('made on kvm-a');
    expect(firstLine(sshA(`head -c 14 ${path}`))).toBe('made on kvm-a');
    expect(sshB(b, `stat -c %s ${path}`).trim()).toBe(String(1024 ** 2));

    // The console sees one volume at that path on each host, each in its own host's inventory.
    await Promise.all([t.client.call('hosts.sync', { id: idA }), t.client.call('hosts.sync', { id: idB })]);
    const [a, bDetail] = await Promise.all([
      t.client.call('hosts.get', { id: idA }),
      t.client.call('hosts.get', { id: idB }),
    ]);
    expect(bDetail.volumes.filter((v) => v.path === path)).toEqual([
      expect.objectContaining({ pool: POOL, name: volume, hostId: idB }),
    ]);
    expect(a.volumes.filter((v) => v.path === path)).toEqual([
      expect.objectContaining({ pool: POOL, name: volume, hostId: idA }),
    ]);

    // Deleted on kvm-b, it is still there on kvm-a.
    sshB(b, `virsh vol-delete --pool ${POOL} ${volume} >/dev/null`);
    expect(spawnSync('test', ['-e', pathOnB(b, path)]).status).not.toBe(0);
    expect(firstLine(readFileSync(path, 'latin1'))).toBe('made on kvm-a');
  });

  it('a domain defined on kvm-b is on kvm-b only', async () => {
    const uuid = randomUUID();
    const xml = `<domain type='qemu'>
  <name>${domain}</name>
  <uuid>${uuid}</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type><boot dev='network'/></os>
  <features><acpi/></features>
  <devices><emulator>/usr/bin/qemu-system-x86_64</emulator><interface type='network'><source network='default'/></interface></devices>
</domain>`;
    sshB(b, 'f=$(mktemp) && cat >"$f" && virsh define "$f" >/dev/null; rc=$?; rm -f "$f"; exit $rc', xml);
    expect(sshB(b, 'virsh list --all --name')).toContain(domain);
    expect(spawnSync('virsh', ['-c', 'qemu:///system', 'dominfo', uuid]).status).not.toBe(0);
    expect(sshA('virsh list --all --name')).not.toContain(domain);

    await Promise.all([t.client.call('hosts.sync', { id: idA }), t.client.call('hosts.sync', { id: idB })]);
    const vms = (await t.client.call('vms.list', {})).filter((v) => v.name === domain);
    expect(vms).toEqual([expect.objectContaining({ name: domain, hostId: idB, state: 'shutoff' })]);
  });
});
