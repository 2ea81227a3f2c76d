/**
 * Settings changes seen from inside the real Debian guest (cloud-init, qemu-guest-agent; QHCI_CLOUD_IMAGE):
 * room to grow set while it is shut off (a vCPU and memory maximum), then, while it runs, a vCPU added, the
 * balloon let out and the disk grown, each seen by the guest through its agent: `nproc`, /proc/meminfo and
 * `lsblk`. A hot-plugged vCPU is brought online through the agent (Debian does not online it by itself).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MiB } from '../../../src/shared/domain/provision';
import type { VmSettingsRequest } from '../../../src/shared/domain/vm-settings';
import { startTestApp, type TestApp } from '../../helpers/app';
import { removeDomainAndFiles } from '../../helpers/clones';
import { defineGuest, guestRun } from '../../helpers/cloud-vm';
import { NO_GUEST } from '../../helpers/console-guest';
import { virsh } from '../../helpers/domains';
import { addLocalHost, uniq, waitTask } from '../../helpers/provision';
import { vmIdOf } from '../../helpers/snapshots';

const GiB = 1024 * MiB;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Reads in the guest until `ok` holds (a hot-plugged device takes the guest a moment), or the last read. */
async function until(read: () => Promise<string>, ok: (v: string) => boolean, ms = 60_000): Promise<string> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await sleep(2000);
  }
}

describe.skipIf(NO_GUEST !== '')(`settings seen by the real guest ${NO_GUEST}`, () => {
  let t: TestApp;
  const name = uniq('qhci-t-setg');
  let files: { disk: string; seed: string } | undefined;

  beforeAll(() => {
    t = startTestApp();
  });
  afterAll(() => {
    if (files) removeDomainAndFiles(name, [files.disk, files.seed]);
    t.dispose();
  });

  it('a vCPU, memory and a grown disk reach the running guest', async () => {
    files = defineGuest(name);
    const hostId = await addLocalHost(t.client);
    const vmId = await vmIdOf(t.client, hostId, name);
    const apply = async (changes: VmSettingsRequest['changes']) => {
      const { taskId } = await t.client.call('vms.updateSettings', { vmId, changes });
      const task = await waitTask(t.client, taskId, 300_000);
      expect(task.state, JSON.stringify(task.error)).toBe('succeeded');
      return task;
    };
    // Shut off: room to grow (2 vCPUs at most, 768 MiB at most), starting from 1 vCPU and 512 MiB.
    await apply([
      { kind: 'vcpus', current: 1, maximum: 2 },
      { kind: 'memory', currentBytes: 512 * MiB, maximumBytes: 768 * MiB },
    ]);
    virsh('start', name);
    const run = (path: string, args: string[] = []) => guestRun(name, path, args);
    expect(await run('/usr/bin/nproc')).toBe('1');
    const memTotal = async () =>
      Number(/MemTotal:\s+(\d+) kB/.exec(await run('/usr/bin/cat', ['/proc/meminfo']))?.[1]);
    const vdaBytes = () => run('/usr/bin/lsblk', ['-b', '-d', '-n', '-o', 'SIZE', '/dev/vda']);
    // The balloon holds 256 MiB back: wait until the guest's driver has given it.
    const before = Number(
      await until(
        async () => String(await memTotal()),
        (v) => Number(v) < 560 * 1024,
        120_000,
      ),
    );
    expect(before).toBeLessThan(560 * 1024);
    expect(await vdaBytes()).toBe(String(3 * GiB));

    const task = await apply([
      { kind: 'vcpus', current: 2 },
      { kind: 'memory', currentBytes: 768 * MiB },
      { kind: 'disk-grow', target: 'vda', sizeBytes: 4 * GiB },
    ]);
    expect(task.result).toMatchObject({
      changes: [
        { kind: 'vcpus', effect: 'both' },
        { kind: 'memory', effect: 'both' },
        { kind: 'disk-grow', effect: 'both' },
      ],
    });
    expect(await until(vdaBytes, (v) => v === String(4 * GiB))).toBe(String(4 * GiB));
    const after = Number(
      await until(
        async () => String(await memTotal()),
        (v) => Number(v) > before + 200 * 1024,
      ),
    );
    expect(after - before).toBeGreaterThan(200 * 1024);
    // The new vCPU is there for the guest, and online: Debian has no rule that onlines a hot-plugged CPU,
    // so the operation asked the guest agent to.
    expect(
      await until(
        () => run('/usr/bin/cat', ['/sys/devices/system/cpu/present']),
        (v) => v === '0-1',
      ),
    ).toBe('0-1');
    expect(
      await until(
        () => run('/usr/bin/nproc'),
        (v) => v === '2',
      ),
    ).toBe('2');
    expect(task.steps.find((s) => s.name === 'live')?.detail).toMatch(
      /the guest agent brought the new vCPUs online/,
    );
    console.log(`guest: MemTotal ${before} → ${after} kB`);
    virsh('destroy', name);
  }, 900_000);
});
