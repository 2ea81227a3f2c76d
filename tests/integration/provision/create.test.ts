/**
 * The seed's end-to-end test, through both kinds of host connection: a folder, a spec, and a VM created from
 * a cloud image with that spec — then checked on the host with virsh and in the seed ISO with isoinfo.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { XMLParser } from 'fast-xml-parser';
import { startTestApp, tempDir, type TestApp } from '../../helpers/app';
import { domstate, removeDomain } from '../../helpers/domains';
import {
  addSshHost,
  domainNames,
  dumpxml,
  makeCloudImage,
  makeIso,
  MiB,
  POOL,
  poolVolumes,
  removeVolume,
  uniq,
  waitTask,
} from '../../helpers/provision';
import { ed25519Key } from '../../helpers/ssh-keys';
import { NO_TESTBED, testbed } from '../../helpers/testbed';
import { verifyPassword } from '../../../src/main/cloudinit/password';

const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (n) => n === 'disk',
});

interface DiskEl {
  '@device': string;
  source?: { '@file'?: string };
  backingStore?: { source?: { '@file'?: string } };
  target: { '@dev': string; '@bus': string };
}

function disksOf(name: string): DiskEl[] {
  const doc = xml.parse(dumpxml(name)) as { domain: { devices: { disk: DiskEl[] } } };
  return doc.domain.devices.disk;
}

function isoFile(iso: string, file: string): string {
  return execFileSync('isoinfo', ['-R', '-i', iso, '-x', `/${file}`], { encoding: 'utf8' });
}

const KINDS = [
  { kind: 'ssh', add: (t: TestApp) => addSshHost(t.client, 'kvm-a') },
  {
    kind: 'libvirt',
    add: async (t: TestApp) =>
      (
        await t.client.call('hosts.add', {
          name: 'local',
          connection: { kind: 'libvirt', uri: 'qemu:///system' },
        })
      ).id,
  },
] as const;

describe.skipIf(!testbed)(`creating VMs on the testbed ${NO_TESTBED}`, () => {
  describe.each(KINDS)('through a $kind host', ({ add }) => {
    let t: TestApp;
    let hostId: string;
    const volumes: string[] = [];
    const created: { uuid?: string; vmId: string }[] = [];
    const key = ed25519Key('admin@qhci');

    beforeAll(async () => {
      t = startTestApp();
      hostId = await add(t);
      await t.client.call('settings.update', {
        agent: { url: 'https://agent.example.org/qhci-agent', sha256: 'ab'.repeat(32) },
      });
    });
    afterAll(async () => {
      for (const c of created) {
        const vm = await t.client.call('vms.get', { id: c.vmId }).catch(() => null);
        if (vm?.uuid) removeDomain(vm.uuid);
      }
      t.dispose();
      volumes.forEach(removeVolume);
    });

    it('creates a running VM from a cloud image with a spec, in a folder, on the chosen host', async () => {
      const folder = await t.client.call('folders.create', { name: 'Production' });
      const spec = await t.client.call('specs.create', {
        name: 'Linux-Production',
        osFamily: 'linux',
        timezone: 'America/New_York',
        hostnameTemplate: '{{.VMName}}-{{.Random}}',
        installAgent: true,
        sshKeys: [key],
        adminPassword: 'correct horse battery',
      });
      const image = makeCloudImage();
      volumes.push(image.name);
      await t.client.call('hosts.sync', { id: hostId });
      const images = await t.client.call('images.list', { hostId, kind: 'cloud-image' });
      const img = images.find((i) => i.name === image.name);
      expect(img).toMatchObject({ virtualBytes: 64 * MiB, format: 'qcow2' });

      const name = uniq('qt-web');
      volumes.push(`${name}-disk0.qcow2`, `${name}-cidata.iso`);
      const started = await t.client.call('vms.create', {
        request: {
          name,
          folderId: folder.id,
          compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB },
          disks: [{ kind: 'new', sizeBytes: 256 * MiB, pool: POOL }],
          nics: [{ network: 'default' }],
          boot: { kind: 'cloud-image', imageId: img!.id },
          profile: 'debian',
          customization: { specId: spec.id },
        },
      });
      expect(started.taskIds).toHaveLength(1);
      created.push({ vmId: started.vmIds[0]! });
      // Host and scheduled_at are on the VM as soon as creation starts.
      const early = await t.client.call('vms.get', { id: started.vmIds[0]! });
      expect(early).toMatchObject({ hostId, folderId: folder.id, scheduledAt: expect.any(String) });

      const task = await waitTask(t.client, started.taskIds[0]!);
      expect(task.error).toBeNull();
      expect(task.state).toBe('succeeded');
      expect(task.steps.map((s) => [s.name, s.state])).toEqual([
        ['validate', 'done'],
        ['place', 'done'],
        ['image', 'done'],
        ['disks', 'done'],
        ['seed', 'done'],
        ['define', 'done'],
        ['start', 'done'],
        ['ready', 'skipped'],
        ['done', 'done'],
      ]);

      const vm = await t.client.call('vms.get', { id: started.vmIds[0]! });
      expect(vm).toMatchObject({ name, hostId, folderId: folder.id, state: 'running' });
      expect(vm.scheduledAt).not.toBeNull();
      expect(domstate(vm.uuid!)).toBe('running');
      // The request is stored without the password.
      expect(JSON.stringify(vm.request)).not.toContain('correct horse');

      const disks = disksOf(name);
      const boot = disks.find((d) => d['@device'] === 'disk')!;
      expect(boot.source?.['@file']).toBe(`/var/lib/libvirt/images/qhci-testbed/${name}-disk0.qcow2`);
      expect(boot.backingStore?.source?.['@file']).toBe(image.path);
      const info = JSON.parse(
        execFileSync('qemu-img', ['info', '-U', '--output=json', boot.source!['@file']!], {
          encoding: 'utf8',
        }),
      ) as { 'virtual-size': number; 'backing-filename': string };
      expect(info['virtual-size']).toBe(256 * MiB);
      expect(info['backing-filename']).toBe(image.path);
      const cdrom = disks.find((d) => d['@device'] === 'cdrom')!;
      expect(cdrom.target['@bus']).toBe('sata');
      const seedPath = cdrom.source!['@file']!;
      expect(seedPath).toBe(`/var/lib/libvirt/images/qhci-testbed/${name}-cidata.iso`);

      // The seed: cidata, hostname rendered, key, timezone, password hash only.
      expect(execFileSync('isoinfo', ['-d', '-i', seedPath], { encoding: 'utf8' })).toMatch(
        /Volume id: cidata/,
      );
      const userData = isoFile(seedPath, 'user-data');
      expect(userData.startsWith('#cloud-config\n')).toBe(true);
      const cfg = parse(userData) as {
        hostname: string;
        timezone: string;
        users: (
          | string
          | {
              name: string;
              ssh_authorized_keys: string[];
              passwd: string;
              lock_passwd: boolean;
              groups: string[];
            }
        )[];
      };
      expect(cfg.hostname).toMatch(new RegExp(`^${name}-[a-z0-9]{6}$`));
      expect(cfg.timezone).toBe('America/New_York');
      const user = cfg.users.find((u) => typeof u === 'object')!;
      expect(typeof user === 'object' && user.ssh_authorized_keys).toContain(key);
      expect(typeof user === 'object' && user.lock_passwd).toBe(false);
      expect(typeof user === 'object' && verifyPassword('correct horse battery', user.passwd)).toBe(true);
      expect(execFileSync('cat', [seedPath]).includes(Buffer.from('correct horse'))).toBe(false);
      // The inventory knows the new volumes and the chain when the task ends, without a sync (the task reads
      // them back): the base image cannot be deleted while the overlay uses it.
      const known = (await t.client.call('hosts.get', { id: hostId })).volumes;
      expect(known.find((v) => v.name === `${name}-disk0.qcow2`)).toMatchObject({
        kind: 'disk',
        format: 'qcow2',
        backingPath: image.path,
        capacityBytes: 256 * MiB,
      });
      expect(known.find((v) => v.name === `${name}-cidata.iso`)).toMatchObject({ kind: 'iso' });
      const usedBy = async () =>
        (await t.client.call('images.list', { hostId })).find((i) => i.name === image.name)!;
      expect((await usedBy()).usedBy).toBe(1);
      await t.client.call('hosts.sync', { id: hostId });
      const base = await usedBy();
      expect(base.usedBy).toBe(1);
      await expect(t.client.call('images.delete', { id: base.id })).rejects.toMatchObject({
        code: 'CONFLICT',
        message: expect.stringContaining(`${name}-disk0.qcow2`),
      });
      expect(poolVolumes()).toContain(image.name);
      // What was generated passes the tools' own checks.
      const dir = tempDir();
      writeFileSync(join(dir, 'user-data'), userData);
      writeFileSync(join(dir, 'domain.xml'), dumpxml(name));
      execFileSync('cloud-init', ['schema', '--config-file', join(dir, 'user-data')], { stdio: 'pipe' });
      execFileSync('virt-xml-validate', [join(dir, 'domain.xml'), 'domain'], { stdio: 'pipe' });
      const meta = parse(isoFile(seedPath, 'meta-data')) as Record<string, string>;
      expect(meta['local-hostname']).toBe(cfg.hostname);
      expect(meta['instance-id']).toBe(vm.uuid);
    });

    it('creates a running VM that boots an ISO, and one with no boot media', async () => {
      const iso = makeIso();
      volumes.push(iso.name);
      await t.client.call('hosts.sync', { id: hostId });
      const isoImg = (await t.client.call('images.list', { hostId, kind: 'iso' })).find(
        (i) => i.name === iso.name,
      )!;
      const a = uniq('qt-iso');
      const b = uniq('qt-none');
      volumes.push(`${a}-disk0.qcow2`, `${b}-disk0.qcow2`, `${b}-disk1.raw`);
      const base = {
        compute: { sockets: 1, cores: 1, memoryBytes: 128 * MiB },
        nics: [{ network: 'default' }],
        profile: 'linux-generic' as const,
      };
      const one = await t.client.call('vms.create', {
        request: {
          ...base,
          name: a,
          disks: [{ kind: 'new', sizeBytes: 64 * MiB }],
          boot: { kind: 'iso', imageId: isoImg.id },
        },
      });
      const two = await t.client.call('vms.create', {
        request: {
          ...base,
          name: b,
          disks: [
            { kind: 'new', sizeBytes: 64 * MiB },
            { kind: 'new', sizeBytes: 8 * MiB, thin: false },
          ],
          boot: { kind: 'none' },
        },
      });
      created.push({ vmId: one.vmIds[0]! }, { vmId: two.vmIds[0]! });
      for (const id of [...one.taskIds, ...two.taskIds]) {
        const task = await waitTask(t.client, id);
        expect(task.error).toBeNull();
      }
      expect(domstate(a)).toBe('running');
      expect(domstate(b)).toBe('running');
      const isoXml = dumpxml(a);
      expect(isoXml).toMatch(/<boot dev='cdrom'\/>\s*<boot dev='hd'\/>/);
      expect(disksOf(a).find((d) => d['@device'] === 'cdrom')?.source?.['@file']).toBe(iso.path);
      expect(dumpxml(b)).toMatch(/<boot dev='hd'\/>\s*<boot dev='network'\/>/);
      // No seed without cloud-init; the thick disk is raw and fully allocated.
      expect(disksOf(b).some((d) => d['@device'] === 'cdrom')).toBe(false);
      // The scheduler picks the pool (none was named): read where the disk went.
      const rawPath = disksOf(b).find((d) => d.source?.['@file']?.endsWith(`${b}-disk1.raw`))?.source?.[
        '@file'
      ];
      expect(rawPath).toBeDefined();
      const raw = JSON.parse(
        execFileSync('qemu-img', ['info', '-U', '--output=json', rawPath!], { encoding: 'utf8' }),
      ) as { format: string; 'actual-size': number };
      expect(raw.format).toBe('raw');
      expect(raw['actual-size']).toBeGreaterThanOrEqual(8 * MiB);
    });

    it('deletes VMs with their own volumes, never the base image', async () => {
      const vms = await t.client.call('vms.list', { hostId });
      const mine = vms.filter((v) => created.some((c) => c.vmId === v.id));
      expect(mine).toHaveLength(3);
      for (const v of mine) await t.client.call('vms.delete', { vmId: v.id, deleteDisks: true });
      const names = domainNames();
      for (const v of mine) expect(names).not.toContain(v.name);
      const left = poolVolumes();
      for (const v of mine) expect(left.filter((n) => n.startsWith(`${v.name}-`))).toEqual([]);
      // The cloud image and the ISO are still there.
      expect(
        left.filter((n) => n.endsWith('-cloud.qcow2') || n.endsWith('-install.iso')).length,
      ).toBeGreaterThan(0);
      expect(await t.client.call('vms.list', { hostId })).toEqual(
        expect.not.arrayContaining([expect.objectContaining({ id: mine[0]!.id })]),
      );
      // The inventory forgot the deleted volumes with the deletion itself, before any sync.
      const known = (await t.client.call('hosts.get', { id: hostId })).volumes.map((v) => v.name);
      for (const v of mine) expect(known.filter((n) => n.startsWith(`${v.name}-`))).toEqual([]);
      // With its overlay gone, the base image can go (no sync needed either).
      const base = (await t.client.call('images.list', { hostId, kind: 'cloud-image' })).find(
        (i) => i.usedBy === 0 && volumes.includes(i.name),
      )!;
      await t.client.call('images.delete', { id: base.id });
      expect(poolVolumes()).not.toContain(base.name);
    });
  });
});
