import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DomainEvent, HostDriver } from '../../../src/main/hosts/driver';
import { LibvirtDriver } from '../../../src/main/hosts/drivers/libvirt';
import { SshDriver } from '../../../src/main/hosts/drivers/ssh';
import { KnownHosts } from '../../../src/main/hosts/known-hosts';
import { SshConnection } from '../../../src/main/hosts/ssh-connection';
import { tempDir } from '../../helpers/app';
import { defineDomain, domstate, hostOffersKvm, removeDomain } from '../../helpers/domains';
import { clientKey, host, NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`host drivers against the testbed ${NO_TESTBED}`, () => {
  const dir = tempDir('qhci-drv-');
  const made: string[] = [];
  const drivers: HostDriver[] = [];
  afterAll(() => {
    made.forEach(removeDomain);
    drivers.forEach((d) => d.close());
    rmSync(dir, { recursive: true, force: true });
  });

  const sshDriver = (name: string) => {
    const h = host(name);
    const conn = new SshConnection(
      { host: h.address, port: h.port, username: h.user, auth: { method: 'key', privateKey: clientKey() } },
      { knownHosts: new KnownHosts(join(dir, 'known_hosts')), acceptFingerprint: h.hostKeyFingerprint },
    );
    const d = new SshDriver(conn, h.uri);
    drivers.push(d);
    return d;
  };
  const libvirtDriver = (uri: string) => {
    const d = new LibvirtDriver(uri);
    drivers.push(d);
    return d;
  };

  it('both kinds read the same libvirt the same way', async () => {
    const dom = defineDomain();
    made.push(dom.uuid);
    const viaSsh = sshDriver('kvm-a');
    const viaLibvirt = libvirtDriver('qemu:///system');
    await viaSsh.connect();
    await viaLibvirt.connect();
    const [a, b] = await Promise.all([viaSsh.collect(), viaLibvirt.collect()]);
    // The native connection opens on first use (the sync's domain reads), not on connect.
    expect(viaLibvirt.usesBinding).toBe(true);
    const summary = (r: typeof a) => ({
      pools: r.pools.map((p) => [p.name, p.active, p.volumes.map((v) => v.name).sort()]).sort(),
      networks: r.networks.map((n) => [n.name, n.active]).sort(),
      domains: r.domains.map((d) => [d.uuid, d.state]).sort(),
      kvm: r.kvmUsable,
      hostname: r.hostname,
    });
    expect(summary(a)).toEqual(summary(b));
    expect(a.domains.find((d) => d.uuid === dom.uuid)).toMatchObject({ state: 'shutoff' });
    expect(a.pools.map((p) => p.name)).toContain('qhci-testbed');
    expect(a.networks.find((n) => n.name === 'default')).toMatchObject({ active: true });
    // KVM differs from machine to machine: whatever the host's own domcapabilities say.
    expect(a.kvmUsable).toBe(hostOffersKvm());
  });

  it('simulated hosts report their own sizes', async () => {
    const b = sshDriver('sim-b');
    await b.connect();
    const raw = await b.collect();
    expect(raw.nodeinfo).toMatch(/CPU\(s\):\s+8\b/);
    expect(raw.nodeinfo).toMatch(/Memory size:\s+16777216 KiB/);
    expect(raw.pools.map((p) => p.name)).toEqual(['default']);
  });

  it.each(['ssh', 'libvirt'] as const)(
    'power operations through %s change the state virsh reports',
    async (kind) => {
      const dom = defineDomain();
      made.push(dom.uuid);
      const d = kind === 'ssh' ? sshDriver('kvm-a') : libvirtDriver('qemu:///system');
      await d.connect();
      await d.power(dom.uuid, 'start');
      expect(domstate(dom.uuid)).toBe('running');
      await d.power(dom.uuid, 'suspend');
      expect(domstate(dom.uuid)).toBe('paused');
      await d.power(dom.uuid, 'resume');
      expect(domstate(dom.uuid)).toBe('running');
      await d.power(dom.uuid, 'reboot');
      expect(domstate(dom.uuid)).toBe('running');
      await d.power(dom.uuid, 'destroy');
      expect(domstate(dom.uuid)).toBe('shut off');
      await expect(d.power('00000000-0000-4000-8000-00000000dead', 'start')).rejects.toMatchObject({
        code: 'HOST_ERROR',
      });
    },
  );

  it.each(['ssh', 'libvirt'] as const)(
    'a domain defined outside the app arrives as an event through %s',
    async (kind) => {
      const d = kind === 'ssh' ? sshDriver('kvm-a') : libvirtDriver('qemu:///system');
      await d.connect();
      const events: DomainEvent[] = [];
      const stop = await d.watchEvents(
        (e) => events.push(e),
        () => undefined,
      );
      await new Promise((r) => setTimeout(r, 500));
      const dom = defineDomain(`qhci-t-ev '${kind}' $(x)`);
      made.push(dom.uuid);
      const deadline = Date.now() + 10_000;
      while (!events.some((e) => e.domain === dom.name) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      stop();
      expect(events.find((e) => e.domain === dom.name)).toMatchObject({
        event: 'lifecycle',
        detail: expect.stringContaining('Defined'),
      });
    },
  );

  it('a remote libvirt URI (qemu+libssh, the native binding) reads the same host', async () => {
    const h = host('kvm-a');
    // The host key goes through the console's known_hosts (accepted here), as for an SSH host.
    const uri = `qemu+libssh://${h.user}@${h.address}:${h.port}/system?keyfile=${testbed!.clientKey}&sshauth=privkey`;
    const trust = new KnownHosts(join(dir, 'libssh_known_hosts'));
    const remote = new LibvirtDriver(uri, { hostKeys: { trust, acceptFingerprint: h.hostKeyFingerprint } });
    drivers.push(remote);
    expect(remote.isLocal).toBe(false);
    await remote.connect();
    const local = libvirtDriver('qemu:///system');
    await local.connect();
    const [a, b] = await Promise.all([remote.collect(), local.collect()]);
    expect(a.domains.map((d) => d.uuid).sort()).toEqual(b.domains.map((d) => d.uuid).sort());
    expect(a.pools.map((p) => p.name)).toEqual(b.pools.map((p) => p.name));
    // Host tools cannot run through a remote URI: that needs an SSH host.
    await expect(remote.exec(['qemu-img', '--version'])).rejects.toMatchObject({ code: 'UNSUPPORTED' });
    // libvirt 9.0's libssh transport stalls about 5 s on each reply of some KiB here (`virsh -c
    // qemu+libssh://… capabilities` takes 5.2 s, over qemu+ssh 0.3 s): the first sync reads three of them.
  }, 90_000);

  it('a libvirt URI that cannot be reached is a readable HOST_ERROR', async () => {
    const d = libvirtDriver('qemu+tcp://127.0.0.1:1/system');
    await expect(d.connect()).rejects.toMatchObject({
      code: 'HOST_ERROR',
      message: expect.stringContaining('Cannot connect to qemu+tcp://127.0.0.1:1/system'),
    });
  });
});
