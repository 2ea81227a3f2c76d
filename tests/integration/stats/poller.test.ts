/**
 * Live usage polled from the testbed: a real running domain on qemu:///system, a simulated host over SSH,
 * and a host whose sshd goes away beside one that keeps answering.
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { HostDriver } from '../../../src/main/hosts/driver';
import { LibvirtDriver } from '../../../src/main/hosts/drivers/libvirt';
import { SshDriver } from '../../../src/main/hosts/drivers/ssh';
import { KnownHosts } from '../../../src/main/hosts/known-hosts';
import { SshConnection } from '../../../src/main/hosts/ssh-connection';
import { domainKey, UsagePoller, type HostUsage } from '../../../src/main/stats/poller';
import { tempDir } from '../../helpers/app';
import { defineDomain, removeDomain, virsh } from '../../helpers/domains';
import { PrivateSshd } from '../../helpers/sshd';
import { clientKey, host, NO_TESTBED, testbed } from '../../helpers/testbed';

/** cpu.time of a domain as virsh itself reports it (not through our parser). */
function cpuTime(name: string): number {
  const m = /cpu\.time=(\d+)/.exec(virsh('domstats', '--cpu-total', '--domain', name));
  return Number(m![1]);
}

/** Resolves with the first `n` results a subscriber gets, then unsubscribes. */
function collect(poller: UsagePoller, hostId: string, n: number, timeoutMs = 30_000): Promise<HostUsage[]> {
  return new Promise((resolve, reject) => {
    const got: HostUsage[] = [];
    const timer = setTimeout(() => {
      off();
      reject(new Error(`only ${got.length} of ${n} polls of ${hostId} in ${timeoutMs} ms`));
    }, timeoutMs);
    const off = poller.subscribe(hostId, (u) => {
      got.push(u);
      if (got.length < n) return;
      clearTimeout(timer);
      off();
      resolve(got);
    });
  });
}

describe.skipIf(!testbed)(`usage polling against the testbed ${NO_TESTBED}`, () => {
  const dir = tempDir('qhci-stats-');
  const drivers = new Map<string, HostDriver>();
  const made: string[] = [];
  const pollers: UsagePoller[] = [];
  afterAll(() => {
    pollers.forEach((p) => p.close());
    drivers.forEach((d) => d.close());
    made.forEach(removeDomain);
    rmSync(dir, { recursive: true, force: true });
  });

  const sshDriver = (address: string, port: number, uri: string, fingerprint: string) =>
    new SshDriver(
      new SshConnection(
        { host: address, port, username: 'qhci', auth: { method: 'key', privateKey: clientKey() } },
        {
          knownHosts: new KnownHosts(join(dir, 'known_hosts')),
          acceptFingerprint: fingerprint,
          readyTimeoutMs: 5000,
        },
      ),
      uri,
    );
  const poller = (intervalMs: number) => {
    const p = new UsagePoller({
      driverOf: (id) => {
        const d = drivers.get(id);
        if (!d) throw new Error(`no driver for ${id}`);
        return d;
      },
      intervalMs,
      timeoutMs: 10_000,
    });
    pollers.push(p);
    return p;
  };
  drivers.set('local', new LibvirtDriver('qemu:///system'));

  it("shows a running domain's CPU time advancing on qemu:///system", async () => {
    const dom = defineDomain();
    made.push(dom.uuid);
    virsh('start', '--domain', dom.uuid);
    const p = poller(1000);
    const before = cpuTime(dom.name);
    const polls = await collect(p, 'local', 4);
    const after = cpuTime(dom.name);
    expect(after).toBeGreaterThan(before);
    expect(polls.every((u) => u.error === undefined)).toBe(true);
    const mine = polls.map((u) => u.rates!.domains.find((d) => d.name === dom.name));
    expect(mine.every((d) => d?.state === 1)).toBe(true);
    // The first poll has levels only; every later one a CPU share, and some of them above zero.
    expect(mine[0]!.cpuPercent).toBeUndefined();
    const cpu = mine.slice(1).map((d) => d!.cpuPercent!);
    expect(cpu.every((c) => Number.isFinite(c) && c >= 0)).toBe(true);
    expect(cpu.some((c) => c > 0)).toBe(true);
    // 64 MiB, 1 vCPU as defined; the host's own numbers came in the same batch.
    expect(mine[3]!.maxMemoryBytes).toBe(64 * 1024 * 1024);
    expect(polls[3]!.rates!.node.cpus).toBeGreaterThan(0);
    expect(polls[3]!.rates!.node.memUsedBytes).toBeGreaterThan(0);
    expect(p.history('local', domainKey('cpu', dom.name)).v.length).toBeGreaterThanOrEqual(3);
  });

  it('reads a simulated host (test driver over SSH) as virsh there describes it', async () => {
    const h = host('sim-b');
    drivers.set('sim-b', sshDriver(h.address, h.port, h.uri, h.hostKeyFingerprint));
    const [u] = await collect(poller(1000), 'sim-b', 1);
    expect(u!.error).toBeUndefined();
    const names = execFileSync('virsh', ['-c', h.uri, 'list', '--all', '--name'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim() !== '');
    expect(u!.rates!.domains.map((d) => d.name).sort()).toEqual(names.sort());
    const info = execFileSync('virsh', ['-c', h.uri, 'nodeinfo'], { encoding: 'utf8' });
    expect(u!.rates!.node.cpus).toBe(Number(/CPU\(s\):\s+(\d+)/.exec(info)![1]));
    expect(u!.rates!.node.memTotalBytes).toBe(Number(/Memory size:\s+(\d+) KiB/.exec(info)![1]) * 1024);
    // The test driver has no nodememstats: a warning, not a failed poll.
    expect(u!.warnings.join('\n')).toMatch(/nodememstats/);
  });

  it('a host whose sshd stopped does not stall the polling of another host', async () => {
    const sshd = new PrivateSshd(join(dir, 'sshd'), '127.0.0.61', 2261, 'test:///default');
    await sshd.start();
    try {
      drivers.set('going', sshDriver('127.0.0.61', 2261, 'test:///default', sshd.fingerprint));
      const p = poller(500);
      const first = await p.pollOnce('going');
      expect(first.error).toBeUndefined();
      expect(first.rates!.domains.map((d) => d.name)).toEqual(['test']);

      const going: HostUsage[] = [];
      const offGoing = p.subscribe('going', (u) => going.push(u));
      await sshd.stop();
      const t0 = Date.now();
      const local = await collect(p, 'local', 6);
      const elapsed = Date.now() - t0;
      offGoing();
      // Six polls of the other host at 500 ms took about 2.5 s, not a connect timeout more.
      expect(local.every((u) => u.error === undefined)).toBe(true);
      expect(elapsed).toBeLessThan(5000);
      // The stopped host's failures were recorded and reported, not thrown.
      await expect.poll(() => going.some((u) => u.error !== undefined), { timeout: 10_000 }).toBe(true);
      expect(p.latest('going')!.error).toBeTruthy();
    } finally {
      await sshd.stop();
    }
  });

  it('a host that accepts the connection and never answers delays no other host', async () => {
    // A black hole: the TCP connection opens, no SSH banner ever comes (the connect waits its 5 s).
    const held: Socket[] = [];
    const hole = createServer((sock) => held.push(sock));
    await new Promise<void>((r) => hole.listen(2262, '127.0.0.62', r));
    try {
      drivers.set('silent', sshDriver('127.0.0.62', 2262, 'test:///default', 'SHA256:none'));
      const p = poller(500);
      const silent: HostUsage[] = [];
      const offSilent = p.subscribe('silent', (u) => silent.push(u));
      const t0 = Date.now();
      const local = await collect(p, 'local', 6);
      const elapsed = Date.now() - t0;
      // The silent host's first poll is still waiting for its banner meanwhile.
      expect(silent).toEqual([]);
      expect(local.every((u) => u.error === undefined)).toBe(true);
      expect(elapsed).toBeLessThan(4500);
      await expect.poll(() => silent.length, { timeout: 15_000 }).toBeGreaterThan(0);
      expect(silent[0]!.error).toBeTruthy();
      offSilent();
    } finally {
      held.forEach((s) => s.destroy());
      await new Promise((r) => hole.close(r));
    }
  });
});
