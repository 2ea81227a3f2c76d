/**
 * An SSH host's connect() checks once per SSH connection that virsh there reaches its libvirt (a process on
 * the host, ~70 ms), not at every call: operations call it before each step. The connection's own liveness
 * (ssh2's close events) decides when a new check is due.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SshDriver } from '../../../src/main/hosts/drivers/ssh';
import { KnownHosts } from '../../../src/main/hosts/known-hosts';
import { SshConnection } from '../../../src/main/hosts/ssh-connection';
import { tempDir } from '../../helpers/app';
import { clientKey, host, NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`an SSH host's connect() ${NO_TESTBED}`, () => {
  const dir = tempDir('qhci-sshcheck-');
  const drivers: SshDriver[] = [];
  afterAll(() => {
    drivers.forEach((d) => d.close());
    rmSync(dir, { recursive: true, force: true });
  });

  /** kvm-a's driver, counting the processes its connection runs on the host. */
  function driver(uri = host('kvm-a').uri) {
    const h = host('kvm-a');
    const conn = new SshConnection(
      { host: h.address, port: h.port, username: h.user, auth: { method: 'key', privateKey: clientKey() } },
      { knownHosts: new KnownHosts(join(dir, 'known_hosts')), acceptFingerprint: h.hostKeyFingerprint },
    );
    const execs: string[][] = [];
    const exec = conn.exec.bind(conn);
    conn.exec = (argv, opts) => {
      execs.push([...argv]);
      return exec(argv, opts);
    };
    const d = new SshDriver(conn, uri);
    drivers.push(d);
    return { d, conn, checks: () => execs.filter((a) => a.at(-1) === 'uri').length };
  }

  it('checks virsh once per connection, callers at the same time sharing the check', async () => {
    const { d, checks } = driver();
    await Promise.all([d.connect(), d.connect(), d.connect()]);
    await d.connect();
    expect(checks()).toBe(1);
    expect((await d.virsh(['uri'])).trim()).toBe('qemu:///system');
  });

  it('checks again on a new connection: after the network cut one, and after a reset', async () => {
    const { d, conn, checks } = driver();
    await d.connect();
    // As the network would: the socket under ssh2 goes away, and ssh2's close event drops the connection.
    const client = (
      conn as unknown as { client: { _sock: { destroy(): void }; once(e: string, f: () => void): void } }
    ).client;
    const closed = new Promise<void>((r) => client.once('close', r));
    client._sock.destroy();
    await closed;
    expect(conn.connected).toBe(false);
    await d.connect();
    expect(checks()).toBe(2);
    conn.reset();
    await d.connect();
    expect(checks()).toBe(3);
    await d.connect();
    expect(checks()).toBe(3);
  });

  it('a failed check is reported as it is, and tried again at the next call', async () => {
    const { d, checks } = driver('test:///nonexistent.xml');
    await expect(d.connect()).rejects.toMatchObject({
      code: 'HOST_ERROR',
      message: expect.stringMatching(/cannot reach test:\/\/\/nonexistent\.xml/),
    });
    await expect(d.connect()).rejects.toMatchObject({ code: 'HOST_ERROR' });
    expect(checks()).toBe(2);
  });
});
