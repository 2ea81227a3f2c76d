/**
 * The host side of the consoles on real libvirt, reached both ways (the libvirt-URI driver on this
 * workstation and the SSH host kvm-a onto the same libvirtd): the VNC display's bytes, the serial console
 * in a pseudo-terminal and screenshots, with every channel, socket and process gone afterwards.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDisplay } from '../../../src/main/consoles/display';
import { screenshot } from '../../../src/main/consoles/screenshot';
import { openSerial } from '../../../src/main/consoles/serial';
import type { ConsoleStream } from '../../../src/main/consoles/types';
import type { HostDriver } from '../../../src/main/hosts/driver';
import { LibvirtDriver } from '../../../src/main/hosts/drivers/libvirt';
import { SshDriver } from '../../../src/main/hosts/drivers/ssh';
import { KnownHosts } from '../../../src/main/hosts/known-hosts';
import { SshConnection } from '../../../src/main/hosts/ssh-connection';
import { tempDir } from '../../helpers/app';
import { startConsoleDomain } from '../../helpers/console-domain';
import { defineDomain, removeDomain } from '../../helpers/domains';
import { clientKey, host, NO_TESTBED, testbed } from '../../helpers/testbed';

async function until(what: string, cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The first `n` bytes the stream gives (it stays open). */
function firstBytes(cs: ConsoleStream, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < n) return;
      cs.stream.off('data', onData);
      cs.stream.pause();
      resolve(got.subarray(0, n));
    };
    cs.stream.on('data', onData);
    cs.stream.once('close', () => reject(new Error(`closed after ${got.length} bytes`)));
  });
}

/** Reads a stream to its end. */
const closed = (cs: ConsoleStream) =>
  new Promise<void>((resolve) => {
    if (cs.stream.destroyed) return resolve();
    cs.stream.on('data', () => undefined);
    cs.stream.once('close', () => resolve());
  });

/** `virsh console` processes here for a domain (kvm-a's run on this machine too, over loopback). */
function consoleProcesses(uuid: string): number {
  try {
    return execFileSync('pgrep', ['-f', `console --force --domain ${uuid}`], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .filter(Boolean).length;
  } catch {
    return 0;
  }
}

describe.skipIf(!testbed)(`console streams from real hosts ${NO_TESTBED}`, () => {
  const dir = tempDir('qhci-cons-');
  const doms: { uuid: string }[] = [];
  let running: { uuid: string };
  let stopped: { uuid: string };
  let drivers: Record<'ssh' | 'libvirt', HostDriver>;

  const sshConnection = () => {
    const h = host('kvm-a');
    return new SshConnection(
      { host: h.address, port: h.port, username: h.user, auth: { method: 'key', privateKey: clientKey() } },
      { knownHosts: new KnownHosts(join(dir, 'known_hosts')), acceptFingerprint: h.hostKeyFingerprint },
    );
  };

  beforeAll(() => {
    drivers = {
      ssh: new SshDriver(sshConnection(), host('kvm-a').uri),
      libvirt: new LibvirtDriver('qemu:///system'),
    };
    running = startConsoleDomain();
    doms.push(running);
    stopped = defineDomain();
    doms.push(stopped);
  });

  afterAll(() => {
    for (const d of doms) removeDomain(d.uuid);
    for (const d of Object.values(drivers ?? {})) d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['ssh', 'libvirt'] as const)(
    'opens the VNC display through %s and closes it without a trace',
    async (kind) => {
      const driver = drivers[kind];
      const { stream, info } = await openDisplay(driver, running.uuid);
      expect(info).toEqual({ exposed: false, listen: '127.0.0.1', passwordRequired: false });
      expect((await firstBytes(stream, 12)).toString('latin1')).toBe('RFB 003.008\n');
      // The probe's connection has gone; the page's is the one left.
      await until('only the display stream open', () => driver.openStreams === 1);
      stream.close();
      await until('no stream open', () => driver.openStreams === 0);
    },
  );

  it.each(['ssh', 'libvirt'] as const)('refuses the display of a stopped VM through %s', async (kind) => {
    await expect(openDisplay(drivers[kind], stopped.uuid)).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'The VM is not running (shut off): start it to see its screen',
    });
    expect(drivers[kind].openStreams).toBe(0);
  });

  it.each(['ssh', 'libvirt'] as const)(
    'runs the serial console through %s: resize, take-over, Ctrl+] and nothing left behind',
    async (kind) => {
      const driver = drivers[kind];
      const first = await openSerial(driver, running.uuid, { cols: 100, rows: 30 });
      expect(driver.openStreams).toBe(1);
      first.resize!({ cols: 120, rows: 40 });
      first.stream.write('\r');
      const firstEnded = closed(first);
      const second = await openSerial(driver, running.uuid, { cols: 80, rows: 24 });
      await firstEnded;
      expect(await first.whyEnded()).toEqual({
        reason: 'taken-over',
        message: 'Another session took over the serial console',
      });
      const secondEnded = closed(second);
      second.stream.write(Buffer.from([0x1d])); // Ctrl+]
      await secondEnded;
      expect(await second.whyEnded()).toEqual({ reason: 'closed', message: 'Left the serial console' });
      await until('no stream open', () => driver.openStreams === 0);
      await until('no virsh console left', () => consoleProcesses(running.uuid) === 0);
    },
  );

  it.each(['ssh', 'libvirt'] as const)('closing a serial console ends its virsh through %s', async (kind) => {
    const driver = drivers[kind];
    const cs = await openSerial(driver, running.uuid, { cols: 80, rows: 24 });
    expect(consoleProcesses(running.uuid)).toBe(1);
    cs.close();
    expect(await cs.whyEnded()).toEqual({ reason: 'closed', message: 'Closed' });
    await until('no stream open', () => driver.openStreams === 0);
    await until('no virsh console left', () => consoleProcesses(running.uuid) === 0);
  });

  it.each(['ssh', 'libvirt'] as const)(
    'refuses the serial console of a stopped VM through %s',
    async (kind) => {
      await expect(openSerial(drivers[kind], stopped.uuid, { cols: 80, rows: 24 })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: 'The VM is not running (shut off): start it to use its serial console',
      });
    },
  );

  it.each(['ssh', 'libvirt'] as const)('takes a PNG screenshot through %s', async (kind) => {
    const shot = await screenshot(drivers[kind], running.uuid);
    expect(shot.png.subarray(1, 4).toString('latin1')).toBe('PNG');
    // SeaBIOS in VGA text mode: 720×400 (640×480 before it has drawn anything).
    expect([
      [720, 400],
      [640, 480],
    ]).toContainEqual([shot.width, shot.height]);
    await expect(screenshot(drivers[kind], stopped.uuid)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('ends every stream with "vm-stopped" when the VM is powered off, on both hosts', async () => {
    const doomed = startConsoleDomain();
    doms.push(doomed);
    const streams = [
      (await openDisplay(drivers.ssh, doomed.uuid)).stream,
      (await openDisplay(drivers.libvirt, doomed.uuid)).stream,
      await openSerial(drivers.ssh, doomed.uuid, { cols: 80, rows: 24 }),
      await openSerial(drivers.libvirt, doomed.uuid, { cols: 80, rows: 24 }),
    ];
    const ended = streams.map(closed);
    await until(
      'the display streams alone',
      () => drivers.ssh.openStreams + drivers.libvirt.openStreams === 4,
    );
    execFileSync('virsh', ['-c', 'qemu:///system', 'destroy', doomed.uuid], { stdio: 'ignore' });
    await Promise.all(ended);
    for (const s of streams) expect(await s.whyEnded()).toMatchObject({ reason: 'vm-stopped' });
    await until('no stream open', () => drivers.ssh.openStreams + drivers.libvirt.openStreams === 0);
    await until('no virsh console left', () => consoleProcesses(doomed.uuid) === 0);
  });

  it('ends the streams with "host-lost" when the SSH connection drops', async () => {
    const conn = sshConnection();
    const driver = new SshDriver(conn, host('kvm-a').uri);
    try {
      const streams = [
        (await openDisplay(driver, running.uuid)).stream,
        await openSerial(driver, running.uuid, { cols: 80, rows: 24 }),
      ];
      const ended = streams.map(closed);
      // As the network would: the TCP connection under ssh2 goes away.
      (conn as unknown as { client: { _sock: { destroy(): void } } }).client._sock.destroy();
      await Promise.all(ended);
      for (const s of streams) expect(await s.whyEnded()).toMatchObject({ reason: 'host-lost' });
      await until('no stream open', () => driver.openStreams === 0);
      await until('no virsh console left', () => consoleProcesses(running.uuid) === 0);
    } finally {
      driver.close();
    }
  });

  it('refuses a display socket through a remote libvirt URI, and says what to do', async () => {
    const remote = new LibvirtDriver('qemu+ssh://qhci@127.0.0.2:2222/system', {
      hostKeys: { trust: new KnownHosts(join(dir, 'kh-remote')) },
    });
    try {
      await expect(remote.openSocket({ host: '127.0.0.1', port: 5900 })).rejects.toMatchObject({
        code: 'UNSUPPORTED',
        message: expect.stringMatching(/add the host as an SSH host/),
      });
    } finally {
      remote.close();
    }
  });
});
