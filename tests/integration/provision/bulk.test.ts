/** Bulk creation: a count of N runs N tasks, spread over the hosts, with hostnames from {{.Index}}. */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startTestApp, type TestApp } from '../../helpers/app';
import { removeDomain } from '../../helpers/domains';
import {
  addSshHost,
  makeCloudImage,
  MiB,
  POOL,
  POOL_DIR,
  removeVolume,
  sshConnection,
  uniq,
  waitTask,
} from '../../helpers/provision';
import { host, NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`bulk creation ${NO_TESTBED}`, () => {
  let t: TestApp;
  const hosts: string[] = [];
  const image = { name: '', path: '' };
  const name = uniq('qt-bulk');

  beforeAll(async () => {
    t = startTestApp();
    hosts.push(await addSshHost(t.client, 'kvm-a'));
    // A second SSH endpoint of the testbed, pointed at the same real libvirt.
    hosts.push(
      (
        await t.client.call('hosts.add', {
          name: 'kvm-b',
          connection: { ...sshConnection('sim-c'), uri: 'qemu:///system' },
          acceptFingerprint: host('sim-c').hostKeyFingerprint,
        })
      ).id,
    );
    Object.assign(image, makeCloudImage());
    for (const id of hosts) await t.client.call('hosts.sync', { id });
  });
  afterAll(async () => {
    for (const v of await t.client.call('vms.list', {})) {
      const d = await t.client.call('vms.get', { id: v.id });
      if (d.uuid && v.name.startsWith(name)) removeDomain(d.uuid);
    }
    t.dispose();
    for (const i of [1, 2, 3]) {
      removeVolume(`${name}-${i}-disk0.qcow2`);
      removeVolume(`${name}-${i}-cidata.iso`);
    }
    removeVolume(image.name);
  });

  it('spreads the VMs, one task each, hostnames by index; anti-affinity refuses a third on two hosts', async () => {
    // Each host sees the image in the same pool: the image id differs per host, either one will do.
    const img = (await t.client.call('images.list', { hostId: hosts[0]! })).find(
      (i) => i.name === image.name,
    )!;
    const request = {
      name,
      count: 2,
      compute: { sockets: 1, cores: 1, memoryBytes: 64 * MiB },
      disks: [{ kind: 'new' as const, pool: POOL }],
      boot: { kind: 'cloud-image' as const, imageId: img.id },
      profile: 'ubuntu' as const,
      customization: { hostname: 'web-{{.Index}}' },
      placement: { strategy: 'spread' as const, antiAffinityGroup: name },
      start: false,
    };
    await expect(t.client.call('vms.create', { request: { ...request, count: 3 } })).rejects.toMatchObject({
      code: 'VALIDATION',
      field: 'request.placement',
    });
    const started = await t.client.call('vms.create', { request });
    expect(started.taskIds).toHaveLength(2);
    const tasks = await Promise.all(started.taskIds.map((id) => waitTask(t.client, id)));
    for (const task of tasks) expect(task.error).toBeNull();
    const vms = await Promise.all(started.vmIds.map((id) => t.client.call('vms.get', { id })));
    expect(vms.map((v) => v.name)).toEqual([`${name}-1`, `${name}-2`]);
    expect(new Set(vms.map((v) => v.hostId)).size).toBe(2);
    expect(vms.every((v) => v.labels['qhci.group'] === name)).toBe(true);
    for (const i of [1, 2]) {
      const ud = parse(
        execFileSync('isoinfo', ['-R', '-i', `${POOL_DIR}/${name}-${i}-cidata.iso`, '-x', '/user-data'], {
          encoding: 'utf8',
        }),
      ) as { hostname: string };
      expect(ud.hostname).toBe(`web-${i}`);
    }
  });
});
