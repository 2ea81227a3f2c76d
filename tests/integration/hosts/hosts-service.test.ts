/** Hosts through the contract, as the UI and the CLI use them, against the real testbed. */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync, statSync, unlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostSummary } from '../../../src/shared/domain/host';
import { startTestApp, tempDir, type TestApp } from '../../helpers/app';
import { defineDomain, domstate, hostDomainType, removeDomain, virsh } from '../../helpers/domains';
import { PrivateSshd } from '../../helpers/sshd';
import { host, NO_TESTBED, testbed } from '../../helpers/testbed';

const POOL_DIR = '/var/lib/libvirt/images/qhci-testbed';

describe.skipIf(!testbed)(`hosts service against the testbed ${NO_TESTBED}`, () => {
  let t: TestApp;
  const made: string[] = [];
  const files: string[] = [];
  beforeAll(() => {
    t = startTestApp();
  });
  afterAll(() => {
    t.dispose();
    made.forEach(removeDomain);
    files.forEach((f) => rmSync(f, { force: true }));
    virsh('pool-refresh', 'qhci-testbed');
  });

  const sshConnection = (name: string) => {
    const h = host(name);
    return {
      kind: 'ssh' as const,
      address: h.address,
      port: h.port,
      user: h.user,
      auth: { method: 'key' as const, keyFile: testbed!.clientKey },
      uri: h.uri,
    };
  };

  it('an SSH host is added only after its fingerprint is accepted, and a wrong one is refused', async () => {
    const kvm = host('kvm-a');
    const probe = await t.client.call('hosts.probe', { address: kvm.address, port: kvm.port });
    expect(probe).toMatchObject({
      status: 'unknown',
      fingerprint: kvm.hostKeyFingerprint,
      keyType: 'ssh-ed25519',
    });
    await expect(
      t.client.call('hosts.add', { name: 'kvm-a', connection: sshConnection('kvm-a') }),
    ).rejects.toMatchObject({ code: 'HOST_KEY_UNKNOWN' });
    await expect(
      t.client.call('hosts.add', {
        name: 'kvm-a',
        connection: sshConnection('kvm-a'),
        acceptFingerprint: host('sim-b').hostKeyFingerprint,
      }),
    ).rejects.toMatchObject({ code: 'HOST_KEY_UNKNOWN' });
    expect(await t.client.call('hosts.list', {})).toEqual([]);
    const added = await t.client.call('hosts.add', {
      name: 'kvm-a',
      connection: sshConnection('kvm-a'),
      acceptFingerprint: kvm.hostKeyFingerprint,
    });
    expect(added).toMatchObject({
      name: 'kvm-a',
      kind: 'ssh',
      state: 'connected',
      stale: false,
      authMethod: 'key',
    });
    // kvm where the host offers it (read with virsh here), otherwise qemu.
    expect(added.facts).toMatchObject({ domainType: hostDomainType(), cpus: expect.any(Number) });
    expect((await t.client.call('hosts.probe', { address: kvm.address, port: kvm.port })).status).toBe(
      'trusted',
    );
    // known_hosts is OpenSSH's format, in the data directory.
    expect(
      execFileSync(
        'ssh-keygen',
        ['-F', `[${kvm.address}]:${kvm.port}`, '-f', join(t.dataDir, 'known_hosts')],
        { encoding: 'utf8' },
      ),
    ).toContain('ssh-ed25519');
    await expect(
      t.client.call('hosts.add', { name: 'KVM-A', connection: sshConnection('kvm-a') }),
    ).rejects.toMatchObject({ code: 'CONFLICT', field: 'name' });
  });

  it('syncing the same libvirt through both kinds yields the same inventory', async () => {
    const dom = defineDomain();
    made.push(dom.uuid);
    const local = await t.client.call('hosts.add', {
      name: 'local',
      connection: { kind: 'libvirt', uri: 'qemu:///system' },
    });
    const viaSsh = (await t.client.call('hosts.list', {})).find((h) => h.name === 'kvm-a')!;
    await Promise.all([
      t.client.call('hosts.sync', { id: viaSsh.id }),
      t.client.call('hosts.sync', { id: local.id }),
    ]);
    const [a, b] = await Promise.all([
      t.client.call('hosts.get', { id: viaSsh.id }),
      t.client.call('hosts.get', { id: local.id }),
    ]);
    const strip = (d: typeof a) => ({
      // Allocation and free space are live figures of the file system; the rest must agree.
      pools: d.pools.map(({ id: _i, hostId: _h, allocationBytes: _a, availableBytes: _v, ...p }) => p),
      networks: d.networks.map(({ id: _i, hostId: _h, ...n }) => n),
      volumes: d.volumes.map(({ id: _i, hostId: _h, ...v }) => v),
      facts: d.host.facts,
    });
    expect(strip(a)).toEqual(strip(b));
    const vms = await t.client.call('vms.list', {});
    const mine = vms.filter((v) => v.name === dom.name);
    expect(mine.map((v) => v.hostId).sort()).toEqual([viaSsh.id, local.id].sort());
    expect(mine.every((v) => v.state === 'shutoff')).toBe(true);
  });

  it('a qcow2 volume made with qemu-img appears with its format, virtual size and backing file', async () => {
    const base = join(POOL_DIR, `qhci-t-base-${Date.now()}.qcow2`);
    const overlay = join(POOL_DIR, `qhci-t-overlay-${Date.now()}.qcow2`);
    files.push(base, overlay);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', base, '1G']);
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', base, overlay, '3G']);
    const viaSsh = (await t.client.call('hosts.list', {})).find((h) => h.name === 'kvm-a')!;
    await t.client.call('hosts.sync', { id: viaSsh.id });
    const { pools, volumes } = await t.client.call('hosts.get', { id: viaSsh.id });
    expect(pools.find((p) => p.name === 'qhci-testbed')).toMatchObject({
      type: 'dir',
      state: 'running',
      path: POOL_DIR,
    });
    expect(volumes.find((v) => v.path === base)).toMatchObject({
      pool: 'qhci-testbed',
      format: 'qcow2',
      capacityBytes: 1024 ** 3,
      kind: 'cloud-image',
    });
    expect(volumes.find((v) => v.path === overlay)).toMatchObject({
      format: 'qcow2',
      capacityBytes: 3 * 1024 ** 3,
      backingPath: base,
      kind: 'disk',
    });
    unlinkSync(overlay);
    await t.client.call('hosts.sync', { id: viaSsh.id });
    expect(
      (await t.client.call('hosts.get', { id: viaSsh.id })).volumes.some((v) => v.path === overlay),
    ).toBe(false);
  });

  it.each(['kvm-a', 'local'])('power operations on %s change the state virsh reports', async (hostName) => {
    const dom = defineDomain();
    made.push(dom.uuid);
    const h = (await t.client.call('hosts.list', {})).find((x) => x.name === hostName)!;
    await t.client.call('hosts.sync', { id: h.id });
    const vm = (await t.client.call('vms.list', {})).find((v) => v.name === dom.name && v.hostId === h.id)!;
    expect(await t.client.call('vms.power', { vmId: vm.id, action: 'start' })).toEqual({ state: 'running' });
    expect(domstate(dom.uuid)).toBe('running');
    expect(await t.client.call('vms.power', { vmId: vm.id, action: 'suspend' })).toEqual({ state: 'paused' });
    expect(domstate(dom.uuid)).toBe('paused');
    await t.client.call('vms.power', { vmId: vm.id, action: 'resume' });
    await t.client.call('vms.power', { vmId: vm.id, action: 'reboot' });
    expect(await t.client.call('vms.power', { vmId: vm.id, action: 'destroy' })).toEqual({
      state: 'shutoff',
    });
    expect(domstate(dom.uuid)).toBe('shut off');
    expect((await t.client.call('vms.list', {})).find((v) => v.id === vm.id)!.state).toBe('shutoff');
  });

  it('a connection test leaves nothing behind: no host, no trusted key', async () => {
    const c = host('sim-c');
    const r = await t.client.call('hosts.test', {
      connection: sshConnection('sim-c'),
      acceptFingerprint: c.hostKeyFingerprint,
    });
    expect(r.facts).toMatchObject({ cpus: 32, memoryBytes: 128 * 1024 ** 3 });
    expect((await t.client.call('hosts.probe', { address: c.address, port: c.port })).status).toBe('unknown');
    expect((await t.client.call('hosts.list', {})).some((h) => h.name === 'sim-c')).toBe(false);
  });

  it('simulated hosts of different sizes sync their sizes', async () => {
    for (const name of ['sim-b', 'sim-c']) {
      const h = host(name);
      await t.client.call('hosts.add', {
        name,
        connection: sshConnection(name),
        acceptFingerprint: h.hostKeyFingerprint,
      });
    }
    const list = await t.client.call('hosts.list', {});
    const facts = (n: string) => list.find((h) => h.name === n)!.facts!;
    expect([facts('sim-b').cpus, facts('sim-b').memoryBytes]).toEqual([8, 16 * 1024 ** 3]);
    expect([facts('sim-c').cpus, facts('sim-c').memoryBytes]).toEqual([32, 128 * 1024 ** 3]);
    // A rebuilt host: the user forgets the old key; the host then asks for trust again.
    const c = host('sim-c');
    await t.client.call('hosts.forgetKey', { address: c.address, port: c.port });
    expect((await t.client.call('hosts.probe', { address: c.address, port: c.port })).status).toBe('unknown');
    const simC = list.find((h) => h.name === 'sim-c')!;
    await expect(t.client.call('hosts.sync', { id: simC.id })).rejects.toMatchObject({
      code: 'HOST_KEY_UNKNOWN',
    });
  });

  it('removing a host deletes its inventory rows and never touches the host', async () => {
    const dom = defineDomain();
    made.push(dom.uuid);
    const local = (await t.client.call('hosts.list', {})).find((h) => h.name === 'local')!;
    await t.client.call('hosts.sync', { id: local.id });
    expect(await t.client.call('hosts.remove', { id: local.id })).toEqual({ removed: true });
    expect((await t.client.call('vms.list', {})).some((v) => v.hostId === local.id)).toBe(false);
    expect(domstate(dom.uuid)).toBe('shut off'); // still defined on the host
    await expect(t.client.call('hosts.get', { id: local.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a host whose sshd stops is marked stale with the error and keeps its inventory; reconnecting restores it', async () => {
    const dir = tempDir('qhci-sshd-');
    const sshd = new PrivateSshd(dir, '127.0.0.9', 2222, 'qemu:///system');
    await sshd.start();
    try {
      const dom = defineDomain();
      made.push(dom.uuid);
      const added: HostSummary = await t.client.call('hosts.add', {
        name: 'flaky',
        connection: {
          kind: 'ssh',
          address: '127.0.0.9',
          port: 2222,
          user: host('kvm-a').user,
          auth: { method: 'key', keyFile: testbed!.clientKey },
        },
        acceptFingerprint: sshd.fingerprint,
      });
      const before = (await t.client.call('vms.list', {})).filter((v) => v.hostId === added.id);
      expect(before.some((v) => v.name === dom.name)).toBe(true);
      expect(await t.client.call('hosts.connect', { id: added.id })).toEqual({ connected: true });
      await sshd.stop();
      await expect(t.client.call('hosts.sync', { id: added.id })).rejects.toMatchObject({
        code: 'HOST_ERROR',
      });
      await expect(t.client.call('hosts.connect', { id: added.id })).rejects.toMatchObject({
        code: 'HOST_ERROR',
      });
      await expect(
        t.client.call('hosts.connect', { id: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const stale = (await t.client.call('hosts.list', {})).find((h) => h.id === added.id)!;
      expect(stale).toMatchObject({
        stale: true,
        state: 'disconnected',
        // Refused (a new connection), or the host's virsh session seen ending with the connection that
        // carried it ("virsh on 127.0.0.9 ended"), when the sync raced the close event.
        lastError: expect.stringMatching(/refused|closed|connection|virsh on 127\.0\.0\.9 ended/i),
      });
      expect(stale.lastSeen).toBe(added.lastSeen);
      expect((await t.client.call('vms.list', {})).filter((v) => v.hostId === added.id)).toEqual(before);
      await sshd.start();
      // The connection backs off after a failure; a sync after the pause reconnects.
      let report;
      for (let i = 0; i < 20 && !report; i++) {
        report = await t.client.call('hosts.sync', { id: added.id }).catch(() => undefined);
        if (!report) await new Promise((r) => setTimeout(r, 500));
      }
      expect(report).toBeDefined();
      expect((await t.client.call('hosts.list', {})).find((h) => h.id === added.id)).toMatchObject({
        stale: false,
        state: 'connected',
        lastError: null,
      });
    } finally {
      await sshd.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!testbed)(`SSH authentication by password and by ssh-agent ${NO_TESTBED}`, () => {
  const dir = tempDir('qhci-auth-');
  const user = 'qhcipw';
  const password = `pw-${Date.now()}-'"$x`;
  let sshd: PrivateSshd;
  let t: TestApp;
  let agent: { pid: string; sock: string } | null = null;
  beforeAll(async () => {
    // A uid-0 alias with /bin/sh (like the testbed's user) that has a password; sshd without PAM reads shadow.
    // One left by a run that was killed before its afterAll goes first.
    spawnSync('userdel', ['--force', user]);
    execFileSync('useradd', [
      '--non-unique',
      '--uid',
      '0',
      '--gid',
      '0',
      '--no-create-home',
      '--home-dir',
      dir,
      '--shell',
      '/bin/sh',
      user,
    ]);
    execFileSync('chpasswd', [], { input: `${user}:${password}\n` });
    sshd = new PrivateSshd(join(dir, 'sshd'), '127.0.0.10', 2222, 'qemu:///system', [
      'PasswordAuthentication yes',
      'PermitRootLogin yes',
    ]);
    await sshd.start();
    t = startTestApp();
  });
  afterAll(async () => {
    t.dispose();
    await sshd.stop();
    if (agent) execFileSync('kill', [agent.pid]);
    execFileSync('userdel', ['--force', user]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('a password is used to connect and kept only in the secret store, never in the inventory', async () => {
    const tested = await t.client.call('hosts.test', {
      connection: {
        kind: 'ssh',
        address: '127.0.0.10',
        port: 2222,
        user,
        auth: { method: 'password', password },
      },
      acceptFingerprint: sshd.fingerprint,
    });
    expect(tested.facts.cpus).toBeGreaterThan(0);
    // A connection test writes nothing, not even to the secret store.
    expect(() => statSync(join(t.dataDir, 'secrets.json'))).toThrow();
    const h = await t.client.call('hosts.add', {
      name: 'pw',
      connection: {
        kind: 'ssh',
        address: '127.0.0.10',
        port: 2222,
        user,
        auth: { method: 'password', password },
      },
      acceptFingerprint: sshd.fingerprint,
    });
    expect(h).toMatchObject({ state: 'connected', authMethod: 'password' });
    const db = ['qhci.db', 'qhci.db-wal'].map((f) => {
      try {
        return readFileSync(join(t.dataDir, f));
      } catch {
        return Buffer.alloc(0);
      }
    });
    expect(Buffer.concat(db).includes(Buffer.from(password))).toBe(false);
    expect(statSync(join(t.dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    // A fresh app on the same data directory reconnects with the stored password.
    t.app.close();
    const again = startTestApp(t.dataDir);
    try {
      expect((await again.client.call('hosts.sync', { id: h.id })).domains).toBeGreaterThanOrEqual(0);
      await again.client.call('hosts.remove', { id: h.id });
      // The last secret gone, the file goes too; either way the password is not in it.
      const file = join(t.dataDir, 'secrets.json');
      expect(existsSync(file) ? readFileSync(file, 'utf8') : '').not.toContain(password);
    } finally {
      again.app.close();
      t = startTestApp(t.dataDir);
    }
  });

  it('a wrong password is a readable error and nothing is saved', async () => {
    await expect(
      t.client.call('hosts.add', {
        name: 'wrong',
        connection: {
          kind: 'ssh',
          address: '127.0.0.10',
          port: 2222,
          user,
          auth: { method: 'password', password: 'nope' },
        },
        acceptFingerprint: sshd.fingerprint,
      }),
    ).rejects.toMatchObject({
      code: 'HOST_ERROR',
      message: expect.stringContaining('authentication failed'),
    });
    expect((await t.client.call('hosts.list', {})).some((h) => h.name === 'wrong')).toBe(false);
  });

  it('ssh-agent authentication works with the agent socket', async () => {
    const out = execFileSync('ssh-agent', ['-s', '-a', join(dir, 'agent.sock')], { encoding: 'utf8' });
    agent = { pid: /SSH_AGENT_PID=(\d+)/.exec(out)![1]!, sock: join(dir, 'agent.sock') };
    execFileSync('ssh-add', [testbed!.clientKey], {
      env: { ...process.env, SSH_AUTH_SOCK: agent.sock },
      stdio: 'ignore',
    });
    const h = await t.client.call('hosts.add', {
      name: 'agent',
      connection: {
        kind: 'ssh',
        address: '127.0.0.10',
        port: 2222,
        user,
        auth: { method: 'agent', socket: agent.sock },
      },
      acceptFingerprint: sshd.fingerprint,
    });
    expect(h).toMatchObject({ state: 'connected', authMethod: 'agent' });
  });
});
