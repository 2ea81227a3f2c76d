/**
 * `qhci` creating, inspecting, placing and deleting VMs as a user runs it: a real process per command,
 * the testbed's kvm-a over SSH, a temporary data directory, and the results checked with virsh.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Task } from '../../src/shared/domain/provision';
import type { VmDetail, VmSummary } from '../../src/shared/domain/vm';
import { REPO_ROOT, tempDir } from '../helpers/app';
import { removeDomain, virsh } from '../helpers/domains';
import {
  domainNames,
  makeCloudImage,
  POOL,
  poolVolumes,
  removeVolume,
  sshHostAddArgs,
  uniq,
} from '../helpers/provision';
import { NO_TESTBED, testbed } from '../helpers/testbed';

const dataDir = tempDir('qhci-cli-prov-');

function qhci(args: string[], opts: { input?: string; dataDir?: string } = {}) {
  const r = spawnSync(join(REPO_ROOT, 'bin/qhci'), ['--data-dir', opts.dataDir ?? dataDir, ...args], {
    encoding: 'utf8',
    input: opts.input ?? '',
    timeout: 170_000,
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const json = <T>(args: string[]): T => {
  const r = qhci(['--json', ...args]);
  if (r.code !== 0) throw new Error(`qhci ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return JSON.parse(r.out) as T;
};

const LONG = 180_000;

describe.skipIf(!testbed)(`qhci creating VMs on the testbed ${NO_TESTBED}`, () => {
  const volumes: string[] = [];
  const image = { name: `${uniq('qt-cli')}-cloud.qcow2`, path: '' };
  const vmName = uniq('qt-cli-web');

  beforeAll(() => {
    const add = qhci(sshHostAddArgs('kvm-a'));
    expect(add.err).toBe('');
    expect(add.out).toContain('Added kvm-a: connected');
    image.path = makeCloudImage(image.name).path;
    volumes.push(image.name);
    expect(qhci(['host', 'sync', 'kvm-a']).code).toBe(0);
    expect(qhci(['spec', 'create', 'qt-cli-spec', '--timezone', 'Europe/Paris']).code).toBe(0);
    expect(qhci(['folder', 'create', '/Lab']).code).toBe(0);
  }, LONG);

  afterAll(() => {
    for (const name of domainNames().filter((n) => n.startsWith('qt-cli-'))) removeDomain(name);
    for (const v of poolVolumes().filter((n) => n.startsWith('qt-cli-'))) removeVolume(v);
    volumes.forEach(removeVolume);
    rmSync(dataDir, { recursive: true, force: true });
  }, LONG);

  it('lists the cloud image it will boot from', () => {
    const images = json<{ name: string; kind: string; hostName: string; pool: string }[]>([
      'image',
      'list',
      '--host',
      'kvm-a',
      '--kind',
      'cloud-image',
    ]);
    expect(images.find((i) => i.name === image.name)).toMatchObject({
      kind: 'cloud-image',
      hostName: 'kvm-a',
      pool: POOL,
    });
    const text = qhci(['image', 'list', '--kind', 'cloud-image']).out;
    expect(text).toMatch(/^HOST\s+POOL\s+NAME\s+KIND\s+FORMAT\s+VIRTUAL SIZE\s+USED BY/);
    expect(text).toContain(image.name);
  });

  it(
    'creates a running VM from a cloud image with a spec, in a folder, and reports each step',
    () => {
      volumes.push(`${vmName}-disk0.qcow2`, `${vmName}-cidata.iso`);
      const r = qhci([
        'vm',
        'create',
        vmName,
        '--cloud-image',
        image.name,
        '--disk',
        '256M:qhci-testbed',
        '--network',
        'default',
        '--spec',
        'qt-cli-spec',
        '--memory',
        '128M',
        '--profile',
        'debian',
        '--folder',
        '/Lab',
        '--label',
        'team=qa',
      ]);
      expect(r.err).not.toContain('qhci:');
      expect(r.code).toBe(0);
      expect(r.out.trim()).toBe(`Created ${vmName} on kvm-a: running`);
      // Not a terminal: one line per step change on stderr.
      expect(r.err).toContain(`Create VM ${vmName}: Create the disks done: Created ${vmName}-disk0.qcow2`);
      expect(r.err).toContain(`Create VM ${vmName}: Start the VM done: Running`);
      expect(r.err).toContain(`Create VM ${vmName}: succeeded`);
      expect(r.err).not.toContain('\x1b[');

      expect(virsh('domstate', vmName).trim()).toBe('running');
      expect(poolVolumes()).toEqual(
        expect.arrayContaining([`${vmName}-disk0.qcow2`, `${vmName}-cidata.iso`]),
      );

      const vms = json<VmSummary[]>(['vm', 'list']);
      const vm = vms.find((v) => v.name === vmName);
      expect(vm).toMatchObject({ state: 'running', vcpus: 1, memoryBytes: 128 * 1024 ** 2 });
      expect(vm!.labels).toMatchObject({ team: 'qa' });
      const table = qhci(['vm', 'list']).out;
      expect(table).toMatch(/^NAME\s+HOST\s+STATE\s+VCPUS\s+MEMORY\s+FOLDER/);
      expect(table).toMatch(new RegExp(`${vmName}\\s+kvm-a\\s+running\\s+1\\s+128 MiB\\s+/Lab`));

      const detail = json<VmDetail>(['vm', 'show', vmName]);
      expect(detail.uuid).toBe(virsh('domuuid', vmName).trim());
      expect(detail.request).toMatchObject({ name: vmName, profile: 'debian' });
      // Its empty 'cloud image' boots nothing: running, with no agent and no lease, and `show` says so.
      expect(qhci(['vm', 'show', vmName]).out).toMatch(
        /guest: +no sign of life yet \(no agent, no DHCP lease\)/,
      );
    },
    LONG,
  );

  it('lists and shows the creation task with its steps', () => {
    const tasks = json<Task[]>(['task', 'list']);
    const task = tasks.find((t) => t.title === `Create VM ${vmName}`);
    expect(task).toMatchObject({ state: 'succeeded', interrupted: false, progress: 1 });
    const shown = qhci(['task', 'show', task!.id]);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/Create the disks\s+done\s+100%/);
    expect(shown.out).toMatch(/Wait until the guest is ready\s+skipped/);
    const full = json<Task>(['task', 'show', task!.id]);
    expect(full.steps.map((s) => s.name)).toContain('seed');
  });

  it('deletes an image as a task, refuses a base image, and task list names each type', () => {
    const extra = `${uniq('qt-cli')}-spare.img`;
    virsh('vol-create-as', POOL, extra, '1M', '--format', 'raw');
    volumes.push(extra);
    expect(qhci(['host', 'sync', 'kvm-a']).code).toBe(0);
    const images = json<{ id: string; name: string }[]>(['image', 'list', '--host', 'kvm-a']);
    const spare = images.find((i) => i.name === extra)!;
    const del = qhci(['image', 'delete', spare.id.slice(0, 8)]);
    expect(del.err).toBe('');
    expect(del.out).toContain(`Deleted ${POOL}/${extra} on kvm-a`);
    expect(poolVolumes()).not.toContain(extra);
    // The VM's disk stands on the cloud image: refused, and the image is still there.
    const base = images.find((i) => i.name === image.name)!;
    const refused = qhci(['image', 'delete', base.id]);
    expect(refused.code).not.toBe(0);
    expect(refused.err).toMatch(/is the base image of 1 disk/);
    expect(poolVolumes()).toContain(image.name);
    const list = qhci(['task', 'list']).out;
    expect(list).toMatch(/^ID\s+TYPE\s+TITLE/);
    expect(list).toMatch(new RegExp(`Delete image\\s+Delete ${extra} on kvm-a\\s+succeeded`));
    expect(list).toMatch(new RegExp(`Create VM\\s+Create VM ${vmName}\\s+succeeded`));
  });

  it('explains why a request too big for every host cannot be placed, and exits 1', () => {
    const r = qhci([
      'place',
      '--explain',
      '--memory',
      '4T',
      '--cores',
      '2',
      '--disk',
      '1G:qhci-testbed',
      '--network',
      'default',
      '--cloud-image',
      image.name,
    ]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('No feasible nodes found');
    expect(r.out).toContain('Insufficient resources');
    expect(r.out).toMatch(/kvm-a\s+no/);
    const ok = qhci(['place', '--explain', '--memory', '128M', '--disk', '1G:qhci-testbed']);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/\*\s+kvm-a\s+yes/);
  });

  it("sets a host's accelerator, and --cpu / --accel reach the domain XML", () => {
    const set = qhci(['host', 'set', 'kvm-a', '--accel', 'tcg']);
    expect(set.err).toBe('');
    expect(set.out).toMatch(/^kvm-a: accelerator tcg \(offers (kvm|tcg only), policy tcg\)/);
    expect(qhci(['host', 'show', 'kvm-a']).out).toMatch(/accelerator: tcg /);
    const dry = (extra: string[]) =>
      qhci([
        'vm',
        'create',
        uniq('qt-cli-cpu'),
        '--memory',
        '128M',
        '--disk',
        '64M:qhci-testbed',
        '--dry-run',
        ...extra,
      ]);
    // The host's policy says TCG: the domain runs under qemu whatever the host offers.
    expect(dry([]).out).toMatch(/<domain type="qemu"/);
    const named = dry(['--cpu', 'pentium3']);
    expect(named.err).toBe('');
    expect(named.out).toMatch(/<model fallback="forbid">pentium3<\/model>/);
    const conflict = dry(['--cpu', 'host-passthrough']);
    expect(conflict.code).toBe(2);
    expect(conflict.err).toMatch(/accelerator policy is TCG, so its guests never run under kvm/);
    const bad = qhci(['host', 'set', 'kvm-a', '--accel', 'fast']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('Accelerator must be auto, kvm or tcg');
    expect(qhci(['host', 'set', 'kvm-a', '--accel', 'auto']).code).toBe(0);
    // Back to what the host offers, as its domcapabilities say (read here, not assumed).
    let kvm = false;
    try {
      kvm = virsh('domcapabilities', '--virttype', 'kvm').includes('<domain>kvm</domain>');
    } catch {
      kvm = false;
    }
    expect(dry([]).out).toMatch(kvm ? /<domain type="kvm"/ : /<domain type="qemu"/);
    expect(dry(['--accel', 'tcg']).out).toMatch(/<domain type="qemu"/);
  });

  it('rejects a bad name with the message and creates nothing', () => {
    // Other suites may make domains and volumes meanwhile: only ours are compared.
    const ours = (names: string[]) => names.filter((n) => n.startsWith('qt-cli-'));
    const before = {
      domains: ours(domainNames()),
      volumes: ours(poolVolumes()),
      tasks: json<Task[]>(['task', 'list']),
    };
    const r = qhci(['vm', 'create', 'qt-cli bad/name', '--memory', '128M', '--disk', '256M:qhci-testbed']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('Name may contain only letters, digits');
    expect(r.out).toBe('');
    const unknown = qhci(['vm', 'create', uniq('qt-cli-x'), '--cloud-image', 'no-such.qcow2']);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('No cloud image named "no-such.qcow2"');
    expect(ours(domainNames())).toEqual(before.domains);
    expect(ours(poolVolumes())).toEqual(before.volumes);
    expect(json<Task[]>(['task', 'list'])).toHaveLength(before.tasks.length);
  });

  it(
    'a creation that fails on the host exits 1 with the error and what was rolled back',
    () => {
      const name = uniq('qt-cli-clash');
      // A volume already where the boot disk would go: the disks step fails and everything is undone.
      virsh('vol-create-as', POOL, `${name}-disk0.qcow2`, '1M', '--format', 'qcow2');
      volumes.push(`${name}-disk0.qcow2`);
      const r = qhci([
        'vm',
        'create',
        name,
        '--cloud-image',
        image.name,
        '--disk',
        '256M:qhci-testbed',
        '--memory',
        '128M',
        '--network',
        'default',
      ]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`Create VM ${name} failed: Pool ${POOL} on kvm-a already has a volume`);
      // The seed volume comes after the disks: nothing of it was made, only the inventory entry is undone.
      expect(r.err).toContain(`rolled back: inventory entry of VM ${name}`);
      expect(poolVolumes()).not.toContain(`${name}-cidata.iso`);
      expect(domainNames()).not.toContain(name);
      expect(json<VmSummary[]>(['vm', 'list']).map((v) => v.name)).not.toContain(name);
      expect(poolVolumes()).toContain(`${name}-disk0.qcow2`);
    },
    LONG,
  );

  it(
    'stops, starts and deletes the VM with its own volumes, never the image',
    () => {
      const stop = qhci(['vm', 'stop', vmName, '--force']);
      expect(stop.code).toBe(0);
      expect(virsh('domstate', vmName).trim()).toBe('shut off');
      expect(qhci(['vm', 'start', vmName]).code).toBe(0);
      expect(virsh('domstate', vmName).trim()).toBe('running');
      const del = qhci(['vm', 'delete', vmName]);
      expect(del.err).toBe('');
      expect(del.code).toBe(0);
      expect(del.out).toContain(`Deleted ${vmName}`);
      expect(domainNames()).not.toContain(vmName);
      const left = poolVolumes();
      expect(left).not.toContain(`${vmName}-disk0.qcow2`);
      expect(left).not.toContain(`${vmName}-cidata.iso`);
      expect(left).toContain(image.name);
      expect(qhci(['vm', 'show', vmName]).code).toBe(1);
    },
    LONG,
  );

  it(
    'uploads a workstation file into a pool as a task',
    () => {
      const dir = tempDir('qhci-cli-up-');
      const file = join(dir, 'tiny.qcow2');
      spawnSync('qemu-img', ['create', '-q', '-f', 'qcow2', file, '16M']);
      const name = `${uniq('qt-cli-up')}.qcow2`;
      volumes.push(name);
      const r = qhci(['image', 'upload', '--host', 'kvm-a', '--pool', POOL, file, '--name', name]);
      expect(r.err).toContain(`Upload ${name} to kvm-a: succeeded`);
      expect(r.code).toBe(0);
      expect(r.out).toContain(`Uploaded ${name} to kvm-a pool ${POOL}`);
      expect(poolVolumes()).toContain(name);
      const again = qhci(['image', 'upload', '--host', 'kvm-a', '--pool', POOL, file, '--name', name]);
      rmSync(dir, { recursive: true, force: true });
      expect(again.code).toBe(1);
      expect(again.err).toContain(`already has a volume ${name}`);
    },
    LONG,
  );

  it('--db uses that inventory file; the data directory still holds the rest', () => {
    const other = tempDir('qhci-cli-db-');
    try {
      const db = join(other, 'elsewhere.db');
      expect(qhci(['--db', db, 'folder', 'create', '/OnlyThere']).code).toBe(0);
      expect(existsSync(db)).toBe(true);
      expect(qhci(['--db', db, 'folder', 'tree']).out).toContain('OnlyThere');
      expect(qhci(['folder', 'tree']).out).not.toContain('OnlyThere');
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });
});
