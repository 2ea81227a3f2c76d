/**
 * Live usage through the contract (usage.watch / unwatch / history and the usage.sample event), as a window
 * or `qhci top` uses it, against the testbed: qemu:///system with a running domain, and an SSH host on a
 * private sshd that goes away.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UsageSample } from '../../../src/shared/domain/usage';
import { startTestApp, tempDir, type TestApp } from '../../helpers/app';
import { defineDomain, removeDomain, virsh } from '../../helpers/domains';
import { PrivateSshd } from '../../helpers/sshd';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!testbed)(`live usage through the contract ${NO_TESTBED}`, () => {
  let t: TestApp;
  let localId: string;
  let vmId: string;
  const samples: UsageSample[] = [];
  const made: string[] = [];
  const dir = tempDir('qhci-usage-');
  let off: () => void = () => undefined;

  beforeAll(async () => {
    t = startTestApp();
    off = t.client.on('usage.sample', (s) => samples.push(s));
    const dom = defineDomain();
    made.push(dom.uuid);
    virsh('start', '--domain', dom.uuid);
    localId = (
      await t.client.call('hosts.add', {
        name: 'local',
        connection: { kind: 'libvirt', uri: 'qemu:///system' },
      })
    ).id;
    const vms = await t.client.call('vms.list', { hostId: localId });
    vmId = vms.find((v) => v.name === dom.name)!.id;
  });
  afterAll(() => {
    off();
    t.dispose();
    made.forEach(removeDomain);
    rmSync(dir, { recursive: true, force: true });
  });

  const of = (hostId: string, since = 0) => samples.filter((s) => s.hostId === hostId && s.at >= since);

  it('a watch brings samples of a running domain with sane numbers, mapped to its VM id', async () => {
    const since = Date.now();
    const w = await t.client.call('usage.watch', { hostIds: [localId], intervalSeconds: 2 });
    expect(w.hostIds).toEqual([localId]);
    expect(w.watchId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
    await expect
      .poll(() => of(localId, since).length, { timeout: 20_000, interval: 200 })
      .toBeGreaterThanOrEqual(3);
    const got = of(localId, since);
    expect(got.every((s) => s.error === undefined)).toBe(true);
    const last = got.at(-1)!;
    const mine = last.vms.find((v) => v.vmId === vmId)!;
    expect(mine).toBeDefined();
    // One vCPU: 0..100 % of it (a little over when QEMU's own threads are busy), memory held by QEMU.
    expect(mine.cpuPercent).not.toBeNull();
    expect(mine.cpuPercent!).toBeGreaterThanOrEqual(0);
    expect(mine.cpuPercent!).toBeLessThan(150);
    expect(mine.memoryBytes!).toBeGreaterThan(1024 * 1024);
    expect(last.host!.cpuPercent!).toBeGreaterThanOrEqual(0);
    expect(last.host!.cpuPercent!).toBeLessThanOrEqual(100);
    expect(last.host!.memUsedBytes!).toBeGreaterThan(0);
    expect(last.host!.memUsedBytes!).toBeLessThan(last.host!.memTotalBytes!);
    // The testbed's own pool, with libvirt's figure for it (the pools are read every few polls).
    expect(got[0]!.host!.pools!['qhci-testbed']).toBeGreaterThan(0);
    // About every 2 s: three samples took at least 4 s.
    expect(got.at(-1)!.at - got.at(-3)!.at).toBeGreaterThanOrEqual(3500);

    const h = await t.client.call('usage.history', { hostId: localId });
    expect(h.metrics.cpu!.v.length).toBeGreaterThanOrEqual(2);
    expect(h.metrics.memUsed!.t.length).toBe(h.metrics.memUsed!.v.length);
    expect(h.pools!['qhci-testbed']!.v.length).toBeGreaterThanOrEqual(1);
    const v = await t.client.call('usage.history', { vmId });
    expect(Object.keys(v.metrics).sort()).toEqual(
      ['cpu', 'diskRead', 'diskWrite', 'memory', 'netRx', 'netTx'].sort(),
    );
    expect(v.metrics.cpu!.v.length).toBeGreaterThanOrEqual(2);
    expect(v.metrics.memory!.v.at(-1)).toBeCloseTo(mine.memoryBytes!, -4);

    await t.client.call('usage.unwatch', { watchId: w.watchId });
    expect(t.app.usage.polling().size).toBe(0);
    const stopped = Date.now();
    await sleep(4500);
    // A poll already under way when it ended may still report; nothing starts after.
    expect(of(localId, stopped + 500)).toEqual([]);
  });

  it('a lease that is not renewed stops the polling; renewing keeps it', async () => {
    const calls = () => t.app.usage.poller.polls;
    const w = await t.client.call('usage.watch', { hostIds: [localId], intervalSeconds: 2, leaseSeconds: 5 });
    await sleep(3000);
    // Renewed with the same id: the lease runs 5 s from now.
    await t.client.call('usage.watch', { watchId: w.watchId, hostIds: [localId], leaseSeconds: 5 });
    const renewed = Date.now();
    await sleep(4000);
    // Past the first lease, within the renewed one.
    if (Date.now() - renewed < 5000) expect(t.app.usage.polling().get(localId)).toBe(2000);
    await expect.poll(() => t.app.usage.polling().size, { timeout: 5000 }).toBe(0);
    expect(Date.now() - renewed).toBeGreaterThanOrEqual(5000);
    const n = calls();
    await sleep(4500);
    expect(calls()).toBeLessThanOrEqual(n + 1);
  });

  it('the fastest watch sets the interval, and it slows down when that one ends', async () => {
    const slow = await t.client.call('usage.watch', { hostIds: [localId], intervalSeconds: 10 });
    const fast = await t.client.call('usage.watch', { intervalSeconds: 2 });
    expect(fast.hostIds).toContain(localId);
    expect(t.app.usage.polling().get(localId)).toBe(2000);
    await t.client.call('usage.unwatch', { watchId: fast.watchId });
    expect(t.app.usage.polling().get(localId)).toBe(10_000);
    await t.client.call('usage.unwatch', { watchId: slow.watchId });
    expect(t.app.usage.polling().size).toBe(0);
  });

  it('a dead host reports error samples while another keeps its interval', async () => {
    const sshd = new PrivateSshd(join(dir, 'sshd'), '127.0.0.63', 2263, 'test:///default');
    await sshd.start();
    let w: { watchId: string } | undefined;
    try {
      const going = await t.client.call('hosts.add', {
        name: 'going',
        connection: {
          kind: 'ssh',
          address: '127.0.0.63',
          port: 2263,
          user: 'qhci',
          auth: { method: 'key', keyFile: testbed!.clientKey },
          uri: 'test:///default',
        },
        acceptFingerprint: sshd.fingerprint,
      });
      w = await t.client.call('usage.watch', { hostIds: [localId, going.id], intervalSeconds: 2 });
      const since = Date.now();
      await expect.poll(() => of(going.id, since).some((s) => !s.error), { timeout: 15_000 }).toBe(true);
      await sshd.stop();
      const stopped = Date.now();
      await expect
        .poll(() => of(going.id, stopped).some((s) => s.error !== undefined), { timeout: 30_000 })
        .toBe(true);
      const err = of(going.id, stopped).find((s) => s.error)!;
      expect(err.vms).toEqual([]);
      // Meanwhile the local host kept its 2 s: no gap near the dead host's connect or poll timeout (15 s),
      // with room for a loaded machine.
      await expect.poll(() => of(localId, stopped).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(4);
      const local = of(localId, stopped);
      expect(local.every((s) => s.error === undefined)).toBe(true);
      const gaps = local.slice(1).map((s, i) => s.at - local[i]!.at);
      expect(Math.max(...gaps)).toBeLessThan(5000);
      // A removed host loses its history.
      await t.client.call('hosts.remove', { id: going.id });
      await expect(t.client.call('usage.history', { hostId: going.id })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(t.app.usage.poller.keys(going.id)).toEqual([]);
    } finally {
      if (w) await t.client.call('usage.unwatch', { watchId: w.watchId });
      await sshd.stop();
    }
  });

  it('refuses bad input with the field to blame', async () => {
    const refuse = (p: Promise<unknown>, code: string, field: string) =>
      expect(p).rejects.toMatchObject({ code, field });
    await refuse(t.client.call('usage.watch', { intervalSeconds: 3 as 2 }), 'VALIDATION', 'intervalSeconds');
    await refuse(t.client.call('usage.watch', { leaseSeconds: 1 }), 'VALIDATION', 'leaseSeconds');
    await refuse(t.client.call('usage.watch', { watchId: 'x y' }), 'VALIDATION', 'watchId');
    await refuse(
      t.client.call('usage.watch', { hostIds: [localId, '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70'] }),
      'NOT_FOUND',
      'hostIds.1',
    );
    await refuse(t.client.call('usage.unwatch', { watchId: 'short' }), 'VALIDATION', 'watchId');
    await refuse(
      t.client.call('usage.history', { vmId: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' }),
      'NOT_FOUND',
      'vmId',
    );
    // A watch that lapsed or never was ends quietly.
    expect(await t.client.call('usage.unwatch', { watchId: 'never-was-1' })).toEqual({ unwatched: true });
    expect(t.app.usage.polling().size).toBe(0);
  });
});
