/**
 * Issue 19, "Option injection into virsh": virsh reads a `--opt=value` token as an option even when it was
 * quoted, so a volume named `--vol=<victim>` made `vol-delete --pool P NAME` delete the victim. Here such
 * volumes sit in the testbed pool next to their victims (as if dropped into the directory), and the app
 * deletes them through both kinds of host connection: the victims stay.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app';
import { virsh } from '../../helpers/domains';
import { addLocalHost, addSshHost, makeCloudImage, POOL, POOL_DIR, uniq } from '../../helpers/provision';
import { NO_TESTBED } from '../../helpers/testbed';

/** A volume made as a file in the directory pool, as anyone with access to the directory can. */
function dropFile(name: string): string {
  const path = join(POOL_DIR, name);
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', path, '1M']);
  virsh('pool-refresh', '--pool', POOL);
  return path;
}

function removeFile(name: string): void {
  try {
    virsh('vol-delete', '--pool', POOL, '--vol', name);
  } catch {
    /* gone */
  }
}

describe.skipIf(NO_TESTBED)('virsh never reads a volume name as an option', () => {
  let t: TestApp;
  const made: string[] = [];

  beforeAll(() => {
    t = startTestApp();
  });

  afterEach(async () => {
    for (const h of await t.client.call('hosts.list', {})) await t.client.call('hosts.remove', { id: h.id });
  });

  afterAll(() => {
    t?.dispose();
    for (const n of made) removeFile(n);
  });

  for (const via of ['libvirt', 'ssh'] as const) {
    it(`deletes a volume named "--vol=<victim>" and only it (${via} host)`, async () => {
      const victim = makeCloudImage(`${uniq('qt-victim')}.qcow2`, '1M');
      made.push(victim.name);
      // Names that quoting alone does not make safe, and names that would split a virsh command line.
      const hostile = [
        `--vol=${victim.name}`,
        `--pool=default --vol=${victim.name} ${uniq('x')}`,
        `a b'; vol-delete --pool ${POOL} ${victim.name} # ${uniq('x')}`,
      ];
      for (const n of hostile) {
        made.push(n);
        dropFile(n);
      }

      const hostId = via === 'libvirt' ? await addLocalHost(t.client) : await addSshHost(t.client, 'kvm-a');
      await t.client.call('hosts.sync', { id: hostId });
      const images = await t.client.call('images.list', { hostId });
      for (const n of hostile) {
        // Shown in the inventory…
        const img = images.find((i) => i.pool === POOL && i.name === n);
        expect(img, n).toBeDefined();
        // …and deleting it deletes it, not its victim.
        await t.client.call('images.delete', { id: img!.id });
        expect(existsSync(victim.path), `${victim.name} after deleting "${n}"`).toBe(true);
        expect(existsSync(join(POOL_DIR, n)), n).toBe(false);
      }
      virsh('vol-info', '--pool', POOL, '--vol', victim.name);
    });
  }

  it('refuses a new volume name that starts with "-", and never copies one found on a host', async () => {
    const hostId = await addLocalHost(t.client);
    const victim = makeCloudImage(`${uniq('qt-victim')}.qcow2`, '1M');
    made.push(victim.name);
    const hostile = `--vol=${victim.name}`;
    made.push(hostile);
    dropFile(hostile);
    await t.client.call('hosts.sync', { id: hostId });
    const source = (await t.client.call('images.list', { hostId })).find((i) => i.name === hostile)!;
    expect(source).toBeDefined();

    // The name field refuses it.
    await expect(
      t.client.call('images.upload', { hostId, pool: POOL, sourceImageId: source.id, name: '--vol=x' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', field: 'name', message: expect.stringMatching(/"-"/) });
    // A copy of the found volume would carry its name: refused too, on the name field.
    await expect(
      t.client.call('images.upload', { hostId, pool: POOL, sourceImageId: source.id }),
    ).rejects.toMatchObject({ code: 'VALIDATION', field: 'name', message: expect.stringMatching(/"-"/) });
    expect(existsSync(victim.path)).toBe(true);
  });
});
