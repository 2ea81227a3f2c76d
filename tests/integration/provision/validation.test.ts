/**
 * Bad create requests get a clear error on the right field and change nothing; the review step's dry run
 * shows exactly the XML and cloud-init documents a creation uses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CreateVmRequestInput } from '../../../src/shared/domain/provision';
import { startTestApp, type TestApp } from '../../helpers/app';
import {
  addLocalHost,
  makeCloudImage,
  MiB,
  POOL,
  poolVolumes,
  removeVolume,
  uniq,
} from '../../helpers/provision';
import { NO_TESTBED, testbed } from '../../helpers/testbed';

describe.skipIf(!testbed)(`create request validation ${NO_TESTBED}`, () => {
  let t: TestApp;
  let hostId: string;
  let imageId: string;
  let image: { name: string; path: string };

  beforeAll(async () => {
    t = startTestApp();
    hostId = await addLocalHost(t.client);
    image = makeCloudImage(undefined, '96M');
    await t.client.call('hosts.sync', { id: hostId });
    imageId = (await t.client.call('images.list', { hostId })).find((i) => i.name === image.name)!.id;
  });
  afterAll(() => {
    t.dispose();
    removeVolume(image.name);
  });

  const request = (over: Partial<CreateVmRequestInput> = {}): CreateVmRequestInput => ({
    name: uniq('qt-val'),
    compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB },
    disks: [{ kind: 'new', pool: POOL }],
    nics: [{ network: 'default' }],
    boot: { kind: 'cloud-image', imageId },
    profile: 'debian',
    ...over,
  });

  const refused = async (over: Partial<CreateVmRequestInput>, field: string, message: RegExp) => {
    const before = { vms: await t.client.call('vms.list', {}), tasks: await t.client.call('tasks.list', {}) };
    const volumes = poolVolumes();
    for (const channel of ['vms.preview', 'vms.create'] as const) {
      await expect(t.client.call(channel, { request: request(over) })).rejects.toMatchObject({
        code: 'VALIDATION',
        field: `request.${field}`,
        message: expect.stringMatching(message),
      });
    }
    expect(await t.client.call('vms.list', {})).toEqual(before.vms);
    expect(await t.client.call('tasks.list', {})).toEqual(before.tasks);
    expect(poolVolumes()).toEqual(volumes);
  };

  it('refuses a boot disk smaller than the image', () =>
    refused(
      { disks: [{ kind: 'new', sizeBytes: 64 * MiB, pool: POOL }] },
      'disks.0.sizeBytes',
      /smaller than the image's virtual size \(96 MiB\)/,
    ));

  it('refuses an invalid name', () => refused({ name: 'bad name!' }, 'name', /letters, digits/));

  it('refuses more memory than any host has, with the scheduler reason', () =>
    refused(
      { compute: { sockets: 1, cores: 1, memoryBytes: 8 * 1024 * 1024 * MiB } },
      'placement',
      /No feasible nodes found|Insufficient resources/,
    ));

  it('refuses a network the host does not have', () =>
    refused({ nics: [{ network: 'default' }, { network: 'nope-net' }] }, 'nics.1.network', /does not exist/));

  it('refuses install-agent without a configured checksum', () =>
    refused({ customization: { installAgent: true } }, 'customization.installAgent', /SHA-256/));

  it('refuses a folder and a spec that do not exist', async () => {
    await refused({ folderId: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' }, 'folderId', /folder does not exist/);
    await refused(
      { customization: { specId: '5b6f1a9e-7c1f-4f44-9d0b-2a3c4d5e6f70' } },
      'customization.specId',
      /spec does not exist/,
    );
  });

  it('refuses hostile hostnames and users before anything reaches YAML', async () => {
    await refused({ customization: { user: 'root' } }, 'customization.user', /root/);
    await expect(
      t.client.call('vms.preview', { request: request({ customization: { user: 'a: b\nc' } }) }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(
      t.client.call('vms.preview', { request: request({ customization: { hostname: 'x\n#: y' } }) }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('previews the domain XML and the cloud-init documents, the image size as the default disk size', async () => {
    const name = uniq('qt-prev');
    const preview = await t.client.call('vms.preview', {
      request: request({
        name,
        count: 2,
        customization: {
          hostname: '{{.VMName}}-{{.Index}}',
          timezone: 'Asia/Tokyo',
          password: 'preview pass 1',
        },
      }),
    });
    expect(preview.items.map((i) => i.name)).toEqual([`${name}-1`, `${name}-2`]);
    const first = preview.items[0]!;
    expect(first.hostId).toBe(hostId);
    expect(first.hostname).toBe(`${name}-1-1`);
    expect(first.domainXml).toContain(`<name>${name}-1</name>`);
    expect(first.domainXml).toContain(`${name}-1-disk0.qcow2`);
    expect(first.domainXml).toContain(`${name}-1-cidata.iso`);
    const ud = parse(first.userData!) as { timezone: string };
    expect(ud.timezone).toBe('Asia/Tokyo');
    expect(first.userData).not.toContain('preview pass 1');
    expect(first.userData).toMatch(/\$6\$/);
    expect(parse(first.metaData!)).toMatchObject({ 'local-hostname': `${name}-1-1` });
    // A dry run books nothing and creates nothing.
    expect((await t.client.call('vms.list', {})).map((v) => v.name)).not.toContain(`${name}-1`);
  });
});
